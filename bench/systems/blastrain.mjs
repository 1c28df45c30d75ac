// blastrain: Model.fit over the first n batches, in order (one native call per ~50 ms chunk).
import { Dense, OneCycleLR, SGD, Sequential, setNumThreads } from '../../dist/index.js';
import { LR } from '../configs.mjs';

/** The benchmark's network for a config: ReLU hidden layers, softmax output, SGD at LR. */
export function benchModel(config, backend = 'native', clipNorm = 0) {
  const layers = config.layers.slice(1).map((units, i, all) => new Dense(units, { activation: i === all.length - 1 ? 'softmax' : 'relu' }));
  const model = new Sequential({ inputSize: config.layers[0], layers, backend, seed: 1 });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: LR, clipNorm }) });
  return model;
}

/**
 * `threads`: a fixed count, or 'auto' (the library's default: chosen per GEMM shape).
 * `scheduled`: the same SGD with a per-batch OneCycleLR (momentum not cycled, so the update does
 * the same work) and clipNorm on, to measure what the schedule and the clipping cost in fit.
 */
export function blastrain({ backend = 'native', threads, scheduled = false } = {}) {
  const threadsName = threads === 'auto' ? 'threads per shape (default)' : `${threads} thread${threads > 1 ? 's' : ''}`;
  return {
    name: backend === 'js' ? 'blastrain plain-TS backend' : `blastrain native, ${threadsName}${scheduled ? ', per-batch OneCycleLR + clipNorm' : ''}`,
    key: backend === 'js' ? 'blastrain-js' : `blastrain-native-${threads === 'auto' ? 'auto' : `${threads}t`}${scheduled ? '-scheduled' : ''}`,
    async create(config, data) {
      const model = benchModel(config, backend, scheduled ? 1 : 0);
      const lrSchedule = scheduled ? new OneCycleLR({ maxLr: LR, totalSteps: 1e9, cycleMomentum: false }) : undefined;
      return {
        async train(n) {
          if (threads !== undefined) setNumThreads(threads);
          const rows = n * config.batch;
          await model.fit(data.x.subarray(0, rows * data.inputs), data.labels.subarray(0, rows), { batchSize: config.batch, shuffle: false, lrSchedule });
        },
      };
    },
  };
}

// blastrain: Model.fit over the first n batches, in order (one native call per ~50 ms chunk).
import { Dense, SGD, Sequential, setNumThreads } from '../../dist/index.js';
import { LR } from '../configs.mjs';

/** The benchmark's network for a config: ReLU hidden layers, softmax output, SGD at LR. */
export function benchModel(config, backend = 'native') {
  const layers = config.layers.slice(1).map((units, i, all) => new Dense(units, { activation: i === all.length - 1 ? 'softmax' : 'relu' }));
  const model = new Sequential({ inputSize: config.layers[0], layers, backend, seed: 1 });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: LR }) });
  return model;
}

export function blastrain({ backend = 'native', threads } = {}) {
  return {
    name: backend === 'js' ? 'blastrain plain-TS backend' : `blastrain native, ${threads} thread${threads > 1 ? 's' : ''}`,
    key: backend === 'js' ? 'blastrain-js' : `blastrain-native-${threads}t`,
    async create(config, data) {
      const model = benchModel(config, backend);
      return {
        async train(n) {
          if (threads !== undefined) setNumThreads(threads);
          const rows = n * config.batch;
          await model.fit(data.x.subarray(0, rows * data.inputs), data.labels.subarray(0, rows), { batchSize: config.batch, shuffle: false });
        },
      };
    },
  };
}

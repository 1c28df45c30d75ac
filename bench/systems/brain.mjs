// brain.js 2.0 (beta): its NeuralNetwork cannot express this benchmark exactly. It applies one
// activation to every layer (no softmax output), trains on squared error (no cross-entropy) and
// updates after every sample (no mini-batches). It is measured with ReLU layers on the same
// layer sizes and data, so its samples/s are indicative only.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const brain = {
  name: 'brain.js 2.0 (per-sample SGD, see notes)',
  key: 'brainjs',
  note: 'brain.js has no softmax/cross-entropy and no mini-batches: measured with ReLU on every layer, squared error, one update per sample',
  async create(config, data) {
    const { NeuralNetwork } = require('brain.js');
    const net = new NeuralNetwork({ inputSize: config.layers[0], hiddenLayers: config.layers.slice(1, -1), outputSize: config.layers.at(-1), activation: 'relu', learningRate: 0.01 });
    const rows = Array.from({ length: Math.min(data.samples, config.batch * config.batches) }, (_, i) => ({
      input: data.x.subarray(i * data.inputs, (i + 1) * data.inputs),
      output: data.oneHot.subarray(i * data.classes, (i + 1) * data.classes),
    }));
    net.train([{ input: Array.from(rows[0].input), output: Array.from(rows[0].output) }], { iterations: 1 }); // builds its buffers
    return {
      async train(n) {
        for (let s = 0; s < n * config.batch; s++) {
          const { input, output } = rows[s];
          net.runInput(input);
          net.calculateDeltas(output);
          net.adjustWeights();
        }
      },
    };
  },
};

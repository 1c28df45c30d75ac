// TensorFlow.js 4.22 on its `cpu` and `wasm` backends: variables updated with
// optimizer.minimize inside tf.tidy, weights stored (in × out) so no transposes are needed.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
let tf;

async function load(backend) {
  const log = console.log;
  console.log = () => {}; // tfjs greets Node users on stdout when a backend starts; keep the table clean
  try {
    if (!tf) {
      tf = require('@tensorflow/tfjs');
      tf.enableProdMode(); // what a user after speed does; it also silences the "install tfjs-node" note
      const wasm = require('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} is not available`);
    await tf.ready();
    return tf;
  } finally {
    console.log = log;
  }
}

export function tfjs(backend) {
  return {
    name: `TensorFlow.js 4.22 (${backend})`,
    key: `tfjs-${backend}`,
    async create(config, data) {
      const tf = await load(backend);
      const B = config.batch;
      const weights = config.layers.slice(1).map((out, i) => {
        const inSize = config.layers[i];
        return { W: tf.variable(tf.randomUniform([inSize, out], -Math.sqrt(6 / inSize), Math.sqrt(6 / inSize))), b: tf.variable(tf.zeros([out])) };
      });
      const batches = Array.from({ length: config.batches }, (_, i) => ({
        x: tf.tensor2d(data.x.subarray(i * B * data.inputs, (i + 1) * B * data.inputs), [B, data.inputs]),
        y: tf.tensor2d(data.oneHot.subarray(i * B * data.classes, (i + 1) * B * data.classes), [B, data.classes]),
      }));
      const optimizer = tf.train.sgd(0.01);
      const loss = (x, y) => {
        let h = x;
        weights.forEach(({ W, b }, i) => {
          h = tf.add(tf.matMul(h, W), b);
          if (i < weights.length - 1) h = tf.relu(h);
        });
        return tf.losses.softmaxCrossEntropy(y, h);
      };
      return {
        async train(n) {
          for (let i = 0; i < n; i++) {
            const { x, y } = batches[i];
            tf.tidy(() => optimizer.minimize(() => loss(x, y)));
          }
        },
      };
    },
  };
}

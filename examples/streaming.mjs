// Data from a file, streamed: a CSV read in one pass per epoch with constant memory, a held-out
// split, a shuffle buffer, and evaluation off the event loop.
// Run with `node examples/streaming.mjs` after `npm run build:ts`.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Dataset, Dense, f1, Sequential, SGD, StandardScaler } from 'blastrain';

// A CSV as a server might receive it: two numeric features, a categorical one, a class column.
const file = path.join(tmpdir(), 'blastrain-streaming-example.csv');
const lines = ['width,height,shape,label'];
for (let i = 0; i < 5000; i++) {
  const width = 1 + ((i * 0.618034) % 1) * 4;
  const height = 1 + ((i * 0.414214) % 1) * 4;
  const shape = ['round', 'square'][i % 2];
  lines.push(`${width.toFixed(3)},${height.toFixed(3)},${shape},${width * height > 6 ? 'large' : 'small'}`);
}
writeFileSync(file, lines.join('\n') + '\n');

const data = Dataset.fromCsv(file, {
  target: 'label', labels: ['small', 'large'],
  categories: { shape: ['round', 'square'] }, // one-hot: 2 + 2 = 4 features
});
const [train, held] = data.split(0.2); // each row's side is fixed by a seeded hash of its position

const model = new Sequential({
  inputSize: 4, seed: 1,
  layers: [new Dense(32, { activation: 'relu' }), new Dense(2, { activation: 'softmax' })],
});
model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.05, momentum: 0.9 }), metrics: ['accuracy', f1({ average: 'macro' })] });
// Normalization fitted in one streaming pass, then part of the model (and of its saved file):
// every call below takes raw rows.
model.setPreprocessing(await new StandardScaler().fit(train));

// While native code trains one batch, the next is parsed; at most one batch is read ahead.
const history = await model.fit(train, { epochs: 8, batchSize: 64, shuffle: { bufferSize: 1024 }, validationData: held });
const result = await model.evaluateAsync(held);
console.log(`classes ${data.table.classes}; final val accuracy ${history.valAccuracy.at(-1).toFixed(4)}; held-out macro F1 ${result.macroF1.toFixed(4)}`);
export { history, result };

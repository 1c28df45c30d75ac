// Keeping and moving a model: save and resume exactly, bytes for a database, PyTorch, ONNX and
// TensorFlow.js. Run with `node examples/persistence.mjs` after `npm run build:ts`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Adam, Dense, Sequential, writeTensors } from 'blastrain';

const dir = mkdtempSync(path.join(tmpdir(), 'blastrain-example-'));
const x = Float32Array.from({ length: 4 * 600 }, (_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
const labels = Uint8Array.from({ length: 600 }, (_, i) => (x[4 * i] > x[4 * i + 1] ? 0 : x[4 * i + 1] > x[4 * i + 2] ? 1 : 2));

const model = new Sequential({ inputSize: 4, layers: [new Dense(16, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
model.compile({ loss: 'categoricalCrossentropy', optimizer: new Adam({ lr: 0.01 }) });
await model.fit(x, labels, { epochs: 10 });

// One file: weights named as PyTorch's nn.Sequential state_dict, the model in its metadata.
// { optimizer: true } adds the optimizer state, so training resumes exactly where it stopped.
const file = path.join(dir, 'model.safetensors');
await model.save(file, { optimizer: true });
const resumed = await Sequential.load(file); // compiled, optimizer state and step count restored
await resumed.fit(x, labels, { epochs: 5 });

// The same bytes in memory, e.g. for a database column or an object store.
const bytes = model.toBuffer();
const copy = await Sequential.fromBuffer(bytes);
console.log('same predictions:', copy.predict(x).every((v, i) => v === model.predict(x)[i]));

// For PyTorch (examples/pytorch/predict.py reads these two files), ONNX runtimes and TensorFlow.js.
await writeTensors(path.join(dir, 'data.safetensors'), { x: { data: x, shape: [600, 4] } });
await model.exportOnnx(path.join(dir, 'model.onnx'));
await model.exportTfjs(path.join(dir, 'tfjs'));
console.log('saved to', dir);
export { dir, model, resumed };

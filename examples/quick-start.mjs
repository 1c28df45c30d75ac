import { Dense, SGD, Sequential, blasInfo } from 'blastrain';

// 4 features → 3 classes: a small synthetic problem (class = which of the first 3 features is largest).
const samples = 600;
const x = new Float32Array(samples * 4);
const labels = new Uint8Array(samples);
for (let i = 0; i < samples; i++) {
  for (let j = 0; j < 4; j++) x[i * 4 + j] = Math.sin(i * 12.9898 + j * 78.233) * 0.5 + 0.5;
  const [a, b, c] = x.subarray(i * 4, i * 4 + 3);
  labels[i] = a > b && a > c ? 0 : b > c ? 1 : 2;
}

const model = new Sequential({
  inputSize: 4,
  seed: 42,
  layers: [new Dense(16, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })],
});
model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.05, momentum: 0.9 }) });

const history = await model.fit(x, labels, { epochs: 40, batchSize: 16, shuffle: true });
console.log('final training loss', history.loss.at(-1), 'accuracy', history.accuracy.at(-1));
console.log('evaluate', model.evaluate(x, labels));        // { loss, accuracy }
console.log('first prediction', model.predict(x.subarray(0, 4))); // Float32Array of 3 probabilities

// The same loop one step at a time: forward → loss → backward → update.
const xb = x.subarray(0, 16 * 4);
const yb = labels.subarray(0, 16);
model.forward(xb);
const loss = model.backward(yb); // fills model.grads, returns the loss
model.optimizer.step();          // W ← W − η·∇W for every layer at once
model.optimizer.zeroGrad();
console.log('step-by-step loss', loss, 'fused trainStep loss', model.trainStep(xb, yb));

// Parameters are views into one Float32Array: no copies.
console.log(model.layers[0].weight.buffer === model.params.buffer); // true
console.log(blasInfo().corename);
export { history };

// Training inside a server: the HTTP server keeps answering while fit() runs off the main
// thread, reports progress, and cancels through an AbortController.
//   POST /train   starts training (409 if already training)
//   GET  /status  progress and the latest epoch logs
//   POST /cancel  aborts the running fit
//   GET  /predict?x=0.5,0.1  the model's output for one sample (409 while training)
import { createServer } from 'node:http';
import { Dense, SGD, Sequential } from 'blastrain';

export function createTrainingServer({ samples = 20_000, epochs = 30 } = {}) {
  // y = sin(3·x0) · x1 on random points: a small regression problem.
  const x = new Float32Array(samples * 2).map(() => Math.random() * 2 - 1);
  const y = new Float32Array(samples).map((_, i) => Math.sin(3 * x[2 * i]) * x[2 * i + 1]);
  const model = new Sequential({ inputSize: 2, layers: [new Dense(256, { activation: 'tanh' }), new Dense(256, { activation: 'tanh' }), new Dense(1)] });
  model.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.05, momentum: 0.9 }) });

  let status = { state: 'idle', epoch: 0, epochs, batches: 0, loss: null };
  let controller = null;

  const train = async () => {
    controller = new AbortController();
    status = { state: 'training', epoch: 0, epochs, batches: 0, loss: null };
    try {
      await model.fit(x, y, {
        epochs, batchSize: 64, signal: controller.signal,
        callbacks: {
          onBatchEnd: () => void status.batches++,
          onEpochEnd: (epoch, logs) => Object.assign(status, { epoch: epoch + 1, loss: logs.loss }),
        },
      });
      status.state = 'done';
    } catch (error) {
      status.state = error.name === 'AbortError' ? 'cancelled' : `failed: ${error.message}`;
    }
  };

  return createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const reply = (code, body) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'POST' && url.pathname === '/train') {
      if (model.isTraining) return reply(409, { error: 'already training' });
      void train();
      return reply(202, status);
    }
    if (url.pathname === '/status') return reply(200, status);
    if (req.method === 'POST' && url.pathname === '/cancel') {
      controller?.abort();
      return reply(202, { cancelling: model.isTraining });
    }
    if (url.pathname === '/predict') {
      if (model.isTraining) return reply(409, { error: 'training; try again when it is done' });
      const input = Float32Array.from((url.searchParams.get('x') ?? '').split(',').map(Number));
      try {
        return reply(200, { y: Array.from(model.predict(input)) });
      } catch (error) {
        return reply(400, { error: error.message, code: error.code });
      }
    }
    return reply(404, { error: 'not found' });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000);
  createTrainingServer().listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
}

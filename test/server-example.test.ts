// The README's "training inside a server" example: it answers while it trains, reports progress,
// refuses a second training, and cancels.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTrainingServer } from '../examples/server.mjs';

const server = createTrainingServer({ samples: 20_000, epochs: 200 });
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const call = async (method: string, path: string) => {
  const res = await fetch(base + path, { method });
  return { code: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('answers quickly while training, shows progress, cancels', async () => {
  expect((await call('GET', '/predict?x=0.5,0.5')).code).toBe(200);
  expect((await call('POST', '/train')).code).toBe(202);
  expect((await call('POST', '/train')).code).toBe(409);
  let slowest = 0;
  let batches = 0;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const { code, body } = await call('GET', '/status');
    slowest = Math.max(slowest, performance.now() - started);
    expect(code).toBe(200);
    expect(body.state).toBe('training');
    batches = body.batches as number;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(batches).toBeGreaterThan(0);
  expect(slowest).toBeLessThan(250); // loose: a busy 2-core machine, but never blocked for a chunk of epochs
  expect((await call('GET', '/predict?x=0.5,0.5')).code).toBe(409);
  expect((await call('POST', '/cancel')).body).toEqual({ cancelling: true });
  for (let i = 0; i < 50 && (await call('GET', '/status')).body.state === 'training'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect((await call('GET', '/status')).body.state).toBe('cancelled');
  const prediction = await call('GET', '/predict?x=0.5,0.5');
  expect(prediction.code).toBe(200);
  expect(Number.isFinite((prediction.body.y as number[])[0])).toBe(true); // NaN is a number too
  expect((await call('GET', '/predict?x=1')).body.code).toBe('ERR_BLASTRAIN_SHAPE');
});

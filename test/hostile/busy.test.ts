// Defect 5: ModelBusyError could be bypassed: the busy check ran before the options were read
// and the busy flag was set after, so an option getter could start a second fit on the same
// buffers, and compile() was accepted mid-fit. Now every call takes the model before it runs any
// user code, and reads each option once.
import { expect, test } from 'vitest';
import { expectSurvived, runProgram } from './program';

test('getters that call back into the model during fit, compile, predict and the constructor get ModelBusyError', async () => {
  const result = await runProgram(`
    const make = () => {
      const m = new lib.Sequential({ inputSize: 4, layers: [new lib.Dense(16, { activation: 'relu' }), new lib.Dense(3, { activation: 'softmax' })] });
      m.compile({ loss: 'categoricalCrossentropy', optimizer: new lib.SGD({ lr: 0.05 }) });
      return m;
    };
    const x = new Float32Array(4 * 5000).map((_, i) => Math.sin(i));
    const y = new Uint8Array(5000).map((_, i) => i % 3);
    const seen = [];
    const attempt = (name, call) => { try { const r = call(); if (r && r.catch) r.catch((e) => seen.push([name, e.code])); else seen.push([name, 'accepted']); } catch (e) { seen.push([name, e.code]); } };

    const m = make();
    const history = await m.fit(x, y, {
      get epochs() { attempt('fit from an option getter', () => m.fit(x, y)); return 2; },
      get batchSize() { attempt('compile from an option getter', () => m.compile({ loss: 'mse', optimizer: new lib.SGD() })); return 32; },
      callbacks: { onEpochEnd() { attempt('compile from a callback', () => m.compile({ loss: 'mse', optimizer: new lib.SGD() })); attempt('trainStep from a callback', () => m.trainStep(x.subarray(0, 4), y.subarray(0, 1))); } },
    });
    const after = m.loss;

    const n = make();
    attempt('fit from a compile option getter', () => n.compile({ loss: 'categoricalCrossentropy', get optimizer() { attempt('inner fit', () => n.fit(x, y)); return new lib.SGD(); } }));
    const rows = new Proxy([[1, 2, 3, 4]], { get(target, key) { if (key === '0') attempt('trainStep from a row getter', () => n.trainStep(x.subarray(0, 4), y.subarray(0, 1))); return target[key]; } });
    attempt('predict over a hostile row', () => n.predict(rows));
    await new Promise((r) => setTimeout(r, 50));
    report({ seen, epochs: history.loss.length, after, stillUsable: n.predict(x.subarray(0, 4)).length });
  `);
  expectSurvived(result);
  const { seen, epochs, after, stillUsable } = result.reports[0] as { seen: [string, string][]; epochs: number; after: string; stillUsable: number };
  const outcome = Object.fromEntries(seen);
  expect(outcome['fit from an option getter']).toBe('ERR_BLASTRAIN_MODEL_BUSY');
  expect(outcome['compile from an option getter']).toBe('ERR_BLASTRAIN_MODEL_BUSY');
  expect(outcome['compile from a callback']).toBe('ERR_BLASTRAIN_MODEL_BUSY');
  expect(outcome['trainStep from a callback']).toBe('ERR_BLASTRAIN_MODEL_BUSY');
  expect(outcome['inner fit']).toBe('ERR_BLASTRAIN_MODEL_BUSY');
  expect(outcome['fit from a compile option getter']).toBe('accepted');
  expect(outcome['trainStep from a row getter']).toBe('ERR_BLASTRAIN_MODEL_BUSY');
  expect(outcome['predict over a hostile row']).toBe('accepted');
  expect(epochs).toBe(2);
  expect(after).toBe('categoricalCrossentropy'); // no compile slipped in mid-fit
  expect(stillUsable).toBe(3);
});

test('a layers getter that changes between reads builds one consistent model from a single read', async () => {
  const result = await runProgram(`
    const first = [new lib.Dense(5, { activation: 'relu' }), new lib.Dense(2)];
    const second = [new lib.Dense(7)];
    let reads = 0;
    const model = new lib.Sequential({ inputSize: 3, get layers() { return reads++ === 0 ? first : second; } });
    let lengthReads = 0;
    const growing = new Proxy([new lib.Dense(4)], { get(t, k) { if (k === 'length') return ++lengthReads === 1 ? 1 : 1000; return t[k]; } });
    const other = new lib.Sequential({ inputSize: 3, layers: growing });
    report({ reads, units: model.layers.map((l) => l.units), params: model.params.length, secondFree: (() => { try { second[0].weight; return false; } catch (e) { return e.code; } })(), otherLayers: other.layers.length });
  `);
  expectSurvived(result);
  expect(result.reports[0]).toEqual({ reads: 1, units: [5, 2], params: 5 * 4 + 2 * 6, secondFree: 'ERR_BLASTRAIN_INVALID_ARGUMENT', otherLayers: 1 });
});

// Defect 8: a step whose float32 values overflow while the double-precision loss stays finite
// (inputs of 1e20 under mse: the loss is ~1e40 in double, but the weight gradient overflows
// float32) returned a finite loss and left non-finite weights behind, silently. Every fused
// step now checks the gradient before the update (native/check.cpp all_finite) and refuses
// the batch with a NonFiniteLossError whose quantity is 'gradient'.
import { describe, expect, test } from 'vitest';
import { Dense, NonFiniteLossError, SGD, Sequential } from '../../lib/index';
import { thrown } from '../helpers';

describe.each(['native', 'js'] as const)('%s backend', (backend) => {
  const make = () => {
    const m = new Sequential({ inputSize: 2, backend, layers: [new Dense(3), new Dense(1)] });
    m.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.01 }) });
    return m;
  };
  const x = new Float32Array([1e20, -1e20, 3e19, 2e19]);
  const y = new Float32Array([1e20, -2e20]);

  test('trainStep refuses the batch and leaves the weights as they were', () => {
    const m = make();
    const before = m.params.slice();
    const error = thrown(() => m.trainStep(x, y));
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error).toMatchObject({ quantity: 'gradient', code: 'ERR_BLASTRAIN_NON_FINITE_LOSS' });
    expect(Number.isFinite((error as NonFiniteLossError).loss)).toBe(true);
    expect(m.params).toEqual(before);
    expect(m.optimizer!.stepCount).toBe(0);
  });

  test('fit stops at the batch, naming it, with every weight still finite', async () => {
    const m = make();
    const error = await m.fit(x, y, { epochs: 2, batchSize: 1, shuffle: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ quantity: 'gradient', epoch: 1, batch: 1 });
    expect((error as Error).message).toMatch(/gradient overflowed float32 .* at epoch 1, batch 1/);
    expect(m.params.every(Number.isFinite)).toBe(true);
  });
});

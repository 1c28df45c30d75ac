// verbose: 1 output: a bar redrawn in place on a terminal, plain lines elsewhere.
import { expect, test } from 'vitest';
import { Progress } from '../lib/train/progress';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WritableStream & { isTTY: boolean } };
}

test('a terminal gets a bar redrawn with \\r, then the epoch line', () => {
  const { written, out } = stream(true);
  const progress = new Progress(2, 10, out);
  progress.epochBegin();
  progress.batchesDone(0, 5, { loss: 0.5, accuracy: 0.75 });
  progress.batchesDone(0, 10, { loss: 0.25, accuracy: 0.875 });
  progress.epochEnd(0, { loss: 0.25, accuracy: 0.875 });
  expect(written[0]).toBe('\rEpoch 1/2 [===========>            ] 5/10 - loss 0.500000 - accuracy 0.7500');
  expect(written[1]).toBe('\rEpoch 1/2 [========================] 10/10 - loss 0.250000 - accuracy 0.8750');
  expect(written[2]).toMatch(/^\r\x1b\[KEpoch 1\/2 - loss 0\.250000 - accuracy 0\.8750 - \d+\.\d\ds\n$/);
});

test('a pipe or file gets one line per epoch and no bar', () => {
  const { written, out } = stream(false);
  const progress = new Progress(3, 4, out);
  progress.epochBegin();
  progress.batchesDone(1, 2, { loss: 1 });
  progress.epochEnd(1, { loss: 1 });
  expect(written).toHaveLength(1);
  expect(written[0]).toMatch(/^Epoch 2\/3 - loss 1\.000000 - \d+\.\d\ds\n$/);
});

test('validation loss and accuracy join the epoch line', () => {
  const { written, out } = stream(false);
  const progress = new Progress(1, 1, out);
  progress.epochBegin();
  progress.epochEnd(0, { loss: 0.5, accuracy: 0.8, valLoss: 0.625, valAccuracy: 0.75, lr: 0.1 });
  expect(written[0]).toMatch(/^Epoch 1\/1 - loss 0\.500000 - accuracy 0\.8000 - valLoss 0\.625000 - valAccuracy 0\.7500 - \d+\.\d\ds\n$/);
});

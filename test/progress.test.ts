// verbose: 1 output (and the CLI's): a bar redrawn in place on a terminal, cut to its width,
// with ETA and samples/s; plain lines elsewhere.
import { expect, test } from 'vitest';
import { duration, Progress, type ProgressStream } from '../lib/train/progress';

function stream(isTTY: boolean, columns?: number) {
  const written: string[] = [];
  const out = { isTTY, columns, write: (s: string) => written.push(s) > 0 } as unknown as ProgressStream & { columns?: number };
  return { written, out };
}

/** A clock the test moves: milliseconds since the epoch began (which starts at 5 s on it). */
function clock() {
  const c = { ms: 0, now: () => 5000 + c.ms };
  return c;
}

/** A Progress for `epochs` × `batches` writing to a fake stream, its clock, and its first epoch begun. */
function started(epochs: number, batches: number | undefined, isTTY: boolean, columns?: number) {
  const { written, out } = stream(isTTY, columns);
  const time = clock();
  const progress = new Progress(epochs, batches, out, time.now);
  progress.epochBegin();
  return { written, out, time, progress };
}

test('a terminal gets a bar redrawn with \\r, with ETA and samples/s, then the epoch line', () => {
  const { written, time, progress } = started(2, 10, true);
  time.ms = 2000;
  progress.batchesDone(0, 5, 320, { loss: 0.5, accuracy: 0.75 });
  time.ms = 4000;
  progress.batchesDone(0, 10, 640, { loss: 0.25, accuracy: 0.875 });
  progress.epochEnd(0, 640, { loss: 0.25, accuracy: 0.875, lr: 0.1 });
  expect(written[0]).toBe('\rEpoch 1/2 [===========>            ] 5/10 ETA 2s - 160 samples/s - loss 0.500000 - accuracy 0.7500\x1b[K');
  expect(written[1]).toBe('\rEpoch 1/2 [========================] 10/10 - 160 samples/s - loss 0.250000 - accuracy 0.8750\x1b[K');
  expect(written[2]).toBe('\rEpoch 1/2 - 4.00s - 160 samples/s - loss 0.250000 - accuracy 0.8750\x1b[K\n');
});

test('the bar is cut to the terminal width as it is at each redraw (a resized window never wraps)', () => {
  const { written, out, time, progress } = started(1, 100, true, 80);
  time.ms = 1000;
  progress.batchesDone(0, 50, 3200, { loss: 0.5, accuracy: 0.75, valLoss: 0.5 });
  out.columns = 30;
  progress.batchesDone(0, 60, 3840, { loss: 0.5, accuracy: 0.75 });
  progress.epochEnd(0, 6400, { loss: 0.5 });
  // The narrower window wrapped the 79-character bar onto 3 rows: the redraw goes up 2 and clears.
  expect(written[1]!.startsWith('\r\x1b[2A\x1b[J')).toBe(true);
  const visible = written.map((w) => w.replace(/^\r(\x1b\[\d*A\x1b\[J)?/, '').replace(/\x1b\[K\n?$/, ''));
  expect(visible[0]!.length).toBe(79);
  expect(visible[0]!.endsWith('…')).toBe(true);
  expect(visible[1]).toBe('Epoch 1/1 [=============>   …');
  expect(visible[1]!.length).toBe(29);
  expect(written[2]!.startsWith('\r') && !written[2]!.includes('A\x1b[J')).toBe(true); // the 29-character bar fits: no rows to go up
  expect(visible[2]).toMatch(/^Epoch 1\/1 - \d+\.\d\ds - [\d,]+ samples\/s - loss 0\.500000$/); // an epoch line is whole, never cut
});

test('a stream of unknown length shows the batches done and no ETA', () => {
  const { written, time, progress } = started(3, undefined, true);
  time.ms = 500;
  progress.batchesDone(2, 7, 700, { loss: 1 });
  expect(written[0]).toBe('\rEpoch 3/3 7 batches - 1,400 samples/s - loss 1.000000\x1b[K');
});

test('a pipe or file gets one line per epoch and no bar', () => {
  const { written, time, progress } = started(3, 4, false, 20);
  time.ms = 250;
  progress.batchesDone(1, 2, 10, { loss: 1 });
  time.ms = 500;
  progress.epochEnd(1, 20, { loss: 1 });
  expect(written).toEqual(['Epoch 2/3 - 0.50s - 40 samples/s - loss 1.000000\n']);
});

test('validation loss and accuracy join the epoch line', () => {
  const { written, time, progress } = started(1, 1, false);
  time.ms = 1000;
  progress.epochEnd(0, 100, { loss: 0.5, accuracy: 0.8, valLoss: 0.625, valAccuracy: 0.75, lr: 0.1 });
  expect(written[0]).toBe('Epoch 1/1 - 1.00s - 100 samples/s - loss 0.500000 - accuracy 0.8000 - valLoss 0.625000 - valAccuracy 0.7500\n');
});

test('durations read as seconds, minutes or hours', () => {
  expect([duration(0.4), duration(59.4), duration(60), duration(61), duration(3599), duration(3600), duration(3660), duration(-3)])
    .toEqual(['0s', '59s', '1m00s', '1m01s', '59m59s', '1h00m', '1h01m', '0s']);
});

test('no samples/s before time or rows pass; losses and errors to 6 decimals, ratios to 4', () => {
  const { written, time, progress } = started(1, 1, false);
  progress.epochEnd(0, 10, { loss: 0.5, valMse: 0.25, mae: 0.125, rmse: 1, maeRatio: 0.5, accuracy: 0.5, lr: 0.1 });
  expect(written[0]).toBe('Epoch 1/1 - 0.00s - loss 0.500000 - valMse 0.250000 - mae 0.125000 - rmse 1.000000 - maeRatio 0.5000 - accuracy 0.5000\n');
  progress.epochBegin();
  time.ms = 1000;
  progress.epochEnd(0, 0, { loss: 1 });
  expect(written[1]).toBe('Epoch 1/1 - 1.00s - loss 1.000000\n');
});

test('a bar exactly as wide as the terminal is cut; no width, or a width of 0 or 1, cuts nothing', () => {
  const line = (columns: number | undefined) => {
    const { written, out } = stream(true, columns);
    const progress = new Progress(1, 4, out, clock().now);
    progress.epochBegin();
    progress.batchesDone(0, 2, 0, { loss: 1 });
    return written[0]!.replace(/^\r/, '').replace(/\x1b\[K$/, '');
  };
  const full = line(undefined);
  expect(full).toBe('Epoch 1/1 [===========>            ] 2/4 ETA 0s - loss 1.000000');
  expect(line(0)).toBe(full);
  expect(line(1)).toBe(full);
  expect(line(full.length + 1)).toBe(full);
  expect(line(full.length)).toBe(`${full.slice(0, full.length - 2)}…`);
});

test('no ETA before the first batch or after the last; the head of the bar is = once full', () => {
  const { written, time, progress } = started(1, 3, true);
  time.ms = 100;
  progress.batchesDone(0, 0, 0, {} as never);
  progress.batchesDone(0, 3, 30, {} as never);
  expect(written[0]).toBe('\rEpoch 1/1 [                        ] 0/3\x1b[K');
  expect(written[1]).toBe('\rEpoch 1/1 [========================] 3/3 - 300 samples/s\x1b[K');
});

test('a redraw rewinds over the rows the last bar wrapped onto; without a known width (or 0) it rewinds one row', () => {
  const redraws = (columns: number | undefined) => {
    const { written, out } = stream(true, 200);
    const progress = new Progress(1, 4, out, clock().now);
    progress.epochBegin();
    progress.batchesDone(0, 1, 0, { loss: 1 });
    // The window changes between two redraws: narrowed, the first bar now spans several rows.
    (out as { columns?: number | undefined }).columns = columns;
    progress.batchesDone(0, 2, 0, { loss: 1 });
    return written[1]!.slice(0, written[1]!.indexOf('Epoch'));
  };
  expect(redraws(undefined)).toBe('\r');
  expect(redraws(0)).toBe('\r');
  // The first bar was 64 characters: 4 rows of 20.
  expect(redraws(20)).toBe('\r\x1b[3A\x1b[J');
});

test('each redraw asks the terminal for its width first (Node updates columns only a loop turn after SIGWINCH)', () => {
  // A stream like tty.WriteStream: `columns` is what Node last saw; `_refreshSize` reads the kernel's.
  const { written, out } = stream(true, 200);
  let kernelColumns = 200;
  const refreshed = out as ProgressStream & { _refreshSize: () => void };
  refreshed._refreshSize = () => void (out.columns = kernelColumns);
  const progress = new Progress(1, 4, out, clock().now);
  progress.epochBegin();
  progress.batchesDone(0, 1, 0, { loss: 1 });
  kernelColumns = 20; // narrowed; Node's SIGWINCH handler has not run yet
  progress.batchesDone(0, 2, 0, { loss: 1 });
  expect(written[1]!.startsWith('\r\x1b[3A\x1b[J')).toBe(true); // the 64-character bar: 4 rows of 20
  expect(written[1]!.replace(/^\r\x1b\[3A\x1b\[J/, '').replace(/\x1b\[K$/, '')).toHaveLength(19);
  kernelColumns = 10;
  progress.epochEnd(0, 0, { loss: 1 });
  expect(written[2]!.startsWith('\r\x1b[1A\x1b[J')).toBe(true); // the 19-character bar on 2 rows of 10
  // A stream that cannot be asked (stdout closed) keeps the width Node last saw.
  refreshed._refreshSize = () => {
    throw new Error('EBADF');
  };
  out.columns = 30;
  progress.epochBegin();
  progress.batchesDone(0, 1, 0, { loss: 1 });
  expect(written[3]!.replace(/^\r/, '').replace(/\x1b\[K$/, '')).toHaveLength(29);
});

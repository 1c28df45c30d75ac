// Where the CLI writes (lib/cli/io.ts): whole files, and TextSink's streamed output with
// back-pressure, a reader that goes away (EPIPE: stop quietly) and any other failure (a FileError
// naming the file, or stdout).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { FileError } from '../../lib/errors';
import { inCwd, say, TextSink, writeText } from '../../lib/cli/io';
import { tempDir } from './run';

const dir = tempDir();

/** A stream that takes `room` chunks before asking the writer to wait, and can fail. */
class Slow extends Writable {
  text = '';
  pending: (() => void)[] = [];
  constructor() {
    super({ highWaterMark: 4 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    this.pending.push(() => done());
  }
  release(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

test('writeText writes a whole file; a failure is a FileError naming it, with the cause', async () => {
  const file = path.join(dir, 'a.txt');
  await writeText(file, 'hello\n');
  expect(readFileSync(file, 'utf8')).toBe('hello\n');
  const bad = path.join(dir, 'no', 'such', 'b.txt');
  const error = (await writeText(bad, 'x').catch((e: unknown) => e)) as FileError;
  expect(error).toBeInstanceOf(FileError);
  expect(error.message).toMatch(new RegExp(`^Cannot write ${bad.replace(/[/.]/g, '\\$&')}: ENOENT`));
  expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
});

test('say writes a line to stdout, or to stderr when stdout carries JSON; inCwd resolves only with a cwd', () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) > 0 }, stderr: { write: (s: string) => err.push(s) > 0 } } as never;
  say(io, false, 'to people');
  say(io, true, 'beside JSON');
  expect([out, err]).toEqual([['to people\n'], ['beside JSON\n']]);
  expect(inCwd({ ...(io as object), cwd: '/data' } as never, 'x.csv')).toBe('/data/x.csv');
  expect(inCwd({ ...(io as object), cwd: '/data' } as never, '/abs/x.csv')).toBe('/abs/x.csv');
  expect(inCwd(io, 'x.csv')).toBe('x.csv');
});

test('a TextSink to a file writes everything and closes it at end()', async () => {
  const file = path.join(dir, 'sink.csv');
  const sink = new TextSink(file, process.stdout);
  await sink.write('a,b\n');
  await sink.write('1,2\n');
  await sink.end();
  expect(readFileSync(file, 'utf8')).toBe('a,b\n1,2\n');
  expect(sink.closed).toBe(false);
});

test('a TextSink waits while its reader is slow (back-pressure), and leaves stdout open', async () => {
  const stdout = new Slow();
  const sink = new TextSink(undefined, stdout);
  let written = false;
  const writing = sink.write('0123456789').then(() => (written = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(written).toBe(false); // over the high-water mark: waits for 'drain'
  stdout.release();
  await writing;
  expect(written).toBe(true);
  await sink.end();
  expect(stdout.writableEnded).toBe(false);
  expect(stdout.text).toBe('0123456789');
});

test('a reader that goes away (EPIPE) closes the sink quietly: a waiting write returns, later writes do nothing', async () => {
  const stdout = new Slow();
  const sink = new TextSink(undefined, stdout);
  const waiting = sink.write('0123456789');
  stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  await waiting;
  expect(sink.closed).toBe(true);
  await sink.write('more');
  await sink.end();
  expect(stdout.text).toBe('0123456789');
});

test('any other write failure is a FileError naming the file, or stdout, thrown by the next write or end()', async () => {
  const stdout = new Slow();
  const sink = new TextSink(undefined, stdout);
  const waiting = sink.write('0123456789');
  const failure = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  stdout.emit('error', failure);
  const error = (await waiting.catch((e: unknown) => e)) as FileError;
  expect(error).toBeInstanceOf(FileError);
  expect(error.message).toBe('Cannot write stdout: no space left on device');
  expect(error.cause).toBe(failure);
  expect(sink.closed).toBe(false);
  await expect(sink.end()).rejects.toThrow('Cannot write stdout: no space left on device');
  const unwritable = new TextSink(path.join(dir, 'missing', 'out.csv'), process.stdout);
  await expect(unwritable.end()).rejects.toThrow(new RegExp(`^Cannot write ${dir.replace(/[/.]/g, '\\$&')}/missing/out\\.csv: ENOENT`));
});

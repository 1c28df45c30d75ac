// writeTensors/readTensors (plain float32 tensors for Python) and the atomic writer under every
// file save: exact validation messages, round trips, and what the writer leaves on disk — the
// new content and nothing else, temporary files of dead writers removed, live writers' kept.
// (atomic-save.test.ts kills real writers mid-save.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FileError, InvalidArgumentError, ModelFormatError, readTensors, writeTensors } from '../../lib/index';
import { fileSource } from '../../lib/io/sources';
import { writeFileAtomic } from '../../lib/io/atomic-write';
import { scratchDir } from '../helpers';
import { encodeSafetensors } from './safetensors-files';

const dir = scratchDir('tensors-file');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeTensors and readTensors', () => {
  test('round trip: names, shapes (views of larger buffers included), values and the metadata', async () => {
    const file = path.join(dir, 'data.safetensors');
    const x = Float32Array.from({ length: 12 }, (_, i) => i - 5.5);
    const big = new Float32Array(10);
    await writeTensors(file, { x: { data: x, shape: [3, 4] }, y: { data: big.subarray(2, 5), shape: [3] } }, { source: 'test' });
    expect(await readTensors(file)).toEqual({ x: { data: x, shape: [3, 4] }, y: { data: new Float32Array(3), shape: [3] } });
    const bytes = readFileSync(file);
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString()) as Record<string, unknown>;
    expect(header.__metadata__).toEqual({ source: 'test' });
    expect(readdirSync(dir).filter((n) => n.includes('blastrain-tmp'))).toEqual([]);
  });

  test('readTensors converts F16, BF16 and F64 to float32', async () => {
    const file = path.join(dir, 'mixed.safetensors');
    writeFileSync(file, encodeSafetensors([
      { name: 'h', shape: [2], values: [1.5, -2], dtype: 'F16' }, { name: 'b', shape: [1], values: [3], dtype: 'BF16' }, { name: 'd', shape: [1, 1], values: [0.1], dtype: 'F64' },
    ]));
    expect(await readTensors(file)).toEqual({
      h: { data: Float32Array.of(1.5, -2), shape: [2] }, b: { data: Float32Array.of(3), shape: [1] }, d: { data: Float32Array.of(0.1), shape: [1, 1] },
    });
  });

  test('every argument checked, with the tensor named', async () => {
    const file = path.join(dir, 'bad.safetensors');
    const data = new Float32Array(6);
    const cases: [unknown, unknown, string][] = [
      ['', {}, "Expected non-empty string for path but received '' of type string"],
      [file, null, 'Expected object for tensors but received null'],
      [file, { x: 3 }, 'Expected object for tensors.x but received 3 of type number'],
      [file, { x: { data: [1, 2], shape: [2] } }, 'Expected Float32Array for tensors.x.data but received array'],
      [file, { x: { data, shape: 6 } }, 'Expected array of positive integers for tensors.x.shape but received 6 of type number'],
      [file, { x: { data, shape: [2, 0] } }, 'Expected positive integer for tensors.x.shape[1] but received 0 of type number'],
      [file, { x: { data, shape: [4] } }, 'Expected tensors.x.data to hold 4 values for shape [4] but it holds 6'],
      [file, { x: { data, shape: [2, 2] } }, 'Expected tensors.x.data to hold 4 values for shape [2, 2] but it holds 6'],
      [3, {}, 'Expected non-empty string for path but received 3 of type number'],
    ];
    for (const [where, tensors, message] of cases) {
      await expect(writeTensors(where as string, tensors as never)).rejects.toThrow(new InvalidArgumentError(message));
    }
    const detached = new Float32Array(2);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    await expect(writeTensors(file, { x: { data: detached, shape: [2] } })).rejects.toThrow(
      'Expected a readable Float32Array for tensors.x.data but its ArrayBuffer is detached (it was transferred, e.g. to a worker); pass a fresh array');
    await expect(readTensors('' as string)).rejects.toThrow(new InvalidArgumentError("Expected non-empty string for path but received '' of type string"));
    await expect(readTensors(3 as never)).rejects.toThrow(new InvalidArgumentError('Expected non-empty string for path but received 3 of type number'));
  });

  test('a file that cannot be written or read is a FileError naming it', async () => {
    const target = path.join(dir, 'no-such-dir', 't.safetensors');
    await expect(writeTensors(target, {})).rejects.toThrow(new RegExp(`^Cannot write ${target}: ENOENT`));
    await expect(writeTensors(target, {})).rejects.toMatchObject({ constructor: FileError, cause: { code: 'ENOENT' } });
    await expect(readTensors(target)).rejects.toThrow(new RegExp(`^Cannot read ${target}: ENOENT`));
    await expect(readTensors(target)).rejects.toMatchObject({ constructor: FileError, cause: { code: 'ENOENT' } });
  });

  test('a file shorter than its size when read is named, and every file opened is closed again', async () => {
    const file = path.join(dir, 'short.bin');
    writeFileSync(file, 'abc');
    const handle = await open(file, 'r');
    try {
      await expect(fileSource(handle, 10, file).read(new Uint8Array(10), 0)).rejects.toThrow(
        new ModelFormatError(`${file} ended while being read (it is being written or was truncated)`));
    } finally {
      await handle.close();
    }
    if (!existsSync('/proc/self/fd')) return;
    const good = path.join(dir, 'closed.safetensors');
    await writeTensors(good, { x: { data: new Float32Array(2), shape: [2] } });
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 20; i++) await readTensors(good);
    await Promise.all(Array.from({ length: 10 }, () => readTensors(path.join(dir, 'missing.safetensors')).catch(() => undefined)));
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });
});

describe('writeFileAtomic', () => {
  test('writes the chunks in order, replacing the old content, and leaves no temporary file', async () => {
    const target = path.join(dir, 'atomic.bin');
    writeFileSync(target, 'old content that is longer than the new');
    await writeFileAtomic(target, [Buffer.from('ab'), new Uint8Array(0), Buffer.from('cde')]);
    expect(readFileSync(target, 'utf8')).toBe('abcde');
    expect(readdirSync(dir).filter((n) => n.startsWith('.atomic.bin.'))).toEqual([]);
  });

  test("removes dead writers' temporary files of the same target, and only those", async () => {
    const sub = path.join(dir, 'stale');
    mkdirSync(sub);
    const target = path.join(sub, 'm.safetensors');
    // A pid that existed and has ended.
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    const names = {
      dead: `.m.safetensors.${dead}.0a0b0c0d.blastrain-tmp`,
      live: `.m.safetensors.${process.ppid}.0a0b0c0d.blastrain-tmp`, // our parent: running
      mine: `.m.safetensors.${process.pid}.0a0b0c0d.blastrain-tmp`, // this process: a save of ours may be running
      other: `.n.safetensors.${dead}.0a0b0c0d.blastrain-tmp`, // another target's
      unfinished: `.m.safetensors.${dead}.0a0b0c0d.tmp`, // not ours
      nopid: '.m.safetensors.x.0a0b0c0d.blastrain-tmp',
    };
    for (const name of Object.values(names)) writeFileSync(path.join(sub, name), 'x');
    await writeFileAtomic(target, [Buffer.from('new')]);
    expect(readdirSync(sub).sort()).toEqual([names.live, names.mine, names.other, names.unfinished, names.nopid, 'm.safetensors'].sort());
  });

  test('a failed write removes the temporary file, leaves the target as it was and rethrows', async () => {
    const target = path.join(dir, 'kept.bin');
    writeFileSync(target, 'kept');
    await expect(writeFileAtomic(target, [Buffer.from('new'), { byteLength: 5 } as unknown as Uint8Array])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(readFileSync(target, 'utf8')).toBe('kept');
    expect(readdirSync(dir).filter((n) => n.startsWith('.kept.bin.'))).toEqual([]);
  });

  test('a failed rename (the target is a directory) removes the temporary file and rethrows', async () => {
    const target = path.join(dir, 'is-a-dir');
    mkdirSync(target);
    await expect(writeFileAtomic(target, [Buffer.from('x')])).rejects.toMatchObject({ code: 'EISDIR' });
    expect(readdirSync(dir).filter((n) => n.startsWith('.is-a-dir.'))).toEqual([]);
  });
});

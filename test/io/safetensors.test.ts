// The safetensors reader and writer on their own (lib/io/safetensors.ts), against files built
// byte by byte here: every check of the header with its exact message and its boundary (the
// largest valid value next to the smallest invalid one), and every dtype conversion on values
// whose float32 result is known exactly (binary16 subnormals, infinities and NaN included).
import { describe, expect, test } from 'vitest';
import { ModelFormatError } from '../../lib/errors';
import { encodeHeader, littleEndianBytes, MAX_HEADER_BYTES, readHeader, readTensor, type Header } from '../../lib/io/safetensors';
import { memorySource } from '../../lib/io/sources';

/** A file: the 8-byte length, the header text as given, then `data` bytes. */
function file(header: unknown, data = 0): Buffer {
  const text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([length, text, Buffer.alloc(data)]);
}

const read = (bytes: Uint8Array) => readHeader(memorySource(bytes));

async function refused(bytes: Uint8Array): Promise<string> {
  const error = await read(bytes).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFormatError);
  return (error as Error).message.replace('the buffer is not a valid safetensors model file: ', '');
}

const f32 = (shape: number[], begin: number) => ({ dtype: 'F32', shape, data_offsets: [begin, begin + 4 * shape.reduce((a, b) => a * b, 1)] });

describe('readHeader refuses, saying exactly why', () => {
  test('a file shorter than the length field, or a length past the cap or the end of the file', async () => {
    expect(await refused(new Uint8Array(7))).toBe('it is 7 bytes long, shorter than the 8-byte header length');
    const capped = Buffer.alloc(16);
    capped.writeBigUInt64LE(BigInt(MAX_HEADER_BYTES + 1));
    expect(await refused(capped)).toBe('its header length 100000001 is above the 100000000-byte limit');
    // At the cap itself the length is allowed, and then runs past this small file's end.
    capped.writeBigUInt64LE(BigInt(MAX_HEADER_BYTES));
    expect(await refused(capped)).toBe('its header length 100000000 runs past the end of the file (16 bytes): truncated?');
    capped.writeBigUInt64LE(9n);
    expect(await refused(capped)).toBe('its header length 9 runs past the end of the file (16 bytes): truncated?');
    // A header that ends exactly at the end of the file is whole.
    expect((await read(file('{}'))).dataStart).toBe(10);
    expect(await refused(new Uint8Array(8))).toBe('its header is not JSON (Unexpected end of JSON input)');
  });

  test('a header that is not JSON, not UTF-8, or not an object', async () => {
    expect(await refused(file('{"a":'))).toMatch(/^its header is not JSON \(.+\)$/);
    // A lone 0xff byte inside a string: a lenient decoder would read it as U+FFFD.
    const bytes = file('{"__metadata__":{"a":"?"}}');
    bytes[bytes.indexOf('?')] = 0xff;
    expect(await refused(bytes)).toMatch(/^its header is not JSON \(.*encoded data was not valid.*\)$/);
    for (const header of ['[]', 'null', '3', '"text"']) expect(await refused(file(header))).toBe('its header is not a JSON object');
  });

  test('__metadata__ that is not an object of strings', async () => {
    for (const metadata of [[], null, 'x', { a: 1 }, { a: 'b', c: null }]) {
      expect(await refused(file({ __metadata__: metadata }))).toBe('__metadata__ must map names to strings');
    }
    expect((await read(file({ __metadata__: { a: 'b' } }))).metadata).toEqual({ a: 'b' });
    expect((await read(file({}))).metadata).toEqual({});
  });

  test('a tensor entry that is not an object, or with an unknown dtype', async () => {
    for (const entry of [null, 3, 'F32']) expect(await refused(file({ t: entry }))).toBe("tensor 't' is not an object");
    for (const [dtype, shown] of [['I64', '"I64"'], [undefined, 'undefined'], [4, '4'], ['constructor', '"constructor"'], ['f32', '"f32"'], [['F32'], '["F32"]']] as const) {
      expect(await refused(file({ t: { ...f32([1], 0), dtype } }, 4))).toBe(`tensor 't' has dtype ${shown}; blastrain reads F32, F16, BF16 and F64`);
    }
  });

  test('shapes: up to 8 non-negative integer dimensions', async () => {
    for (const [shape, shown] of [[undefined, 'undefined'], [4, '4'], [[-1], '[-1]'], [[1.5], '[1.5]'], [['2'], '["2"]'], [[2, -1], '[2,-1]'], [[1, 1, 1, 1, 1, 1, 1, 1, 1], '[1,1,1,1,1,1,1,1,1]']] as const) {
      expect(await refused(file({ t: { dtype: 'F32', shape, data_offsets: [0, 4] } }, 4))).toBe(`tensor 't' has shape ${shown}`);
    }
    const eight = await read(file({ t: f32([1, 1, 1, 1, 1, 1, 1, 1], 0) }, 4));
    expect(eight.tensors.get('t')!.shape).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  test('data offsets: two non-negative integers in order, inside the data section, as many bytes as the shape needs', async () => {
    for (const [offsets, shown] of [[undefined, 'undefined'], [[0], '[0]'], [[0, 4, 8], '[0,4,8]'], [[-4, 0], '[-4,0]'], [[0, 4.5], '[0,4.5]'], [[8, 4], '[8,4]'], [['0', 4], '["0",4]']] as const) {
      expect(await refused(file({ t: { dtype: 'F32', shape: [1], data_offsets: offsets } }, 8))).toBe(`tensor 't' has data_offsets ${shown}`);
    }
    expect(await refused(file({ t: f32([3], 0) }, 8))).toBe("tensor 't' ends at byte 12 of a data section of 8 bytes: truncated?");
    expect(await refused(file({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8))).toBe("tensor 't' holds 8 bytes but its shape [3] of F32 needs 12");
    expect(await refused(file({ t: { dtype: 'F64', shape: [2, 2], data_offsets: [0, 16] } }, 16))).toBe("tensor 't' holds 16 bytes but its shape [2,2] of F64 needs 32");
    expect(await refused(file({ t: { dtype: 'BF16', shape: [3], data_offsets: [0, 4] } }, 4))).toBe("tensor 't' holds 4 bytes but its shape [3] of BF16 needs 6");
    expect(await refused(file({ a: f32([2], 0), t: { dtype: 'F32', shape: [2], data_offsets: [8, 12] } }, 12))).toBe("tensor 't' holds 4 bytes but its shape [2] of F32 needs 8");
    // Ending exactly at the end of the data section, and an empty tensor, are fine.
    const header = await read(file({ t: f32([2], 0), e: { dtype: 'F16', shape: [0, 3], data_offsets: [8, 8] } }, 8));
    expect([...header.tensors.values()]).toEqual([
      { name: 't', dtype: 'F32', shape: [2], begin: 0, end: 8 },
      { name: 'e', dtype: 'F16', shape: [0, 3], begin: 8, end: 8 },
    ]);
  });

  test('the tensors tile the data section: no overlap, no gap, nothing after the last, in any order in the header', async () => {
    expect(await refused(file({ a: f32([2], 0), b: f32([2], 4) }, 12))).toBe("tensor 'b' overlaps the tensor before it");
    expect(await refused(file({ a: f32([1], 0), b: f32([1], 8) }, 12))).toBe("there is a gap of 4 bytes before tensor 'b'");
    expect(await refused(file({ a: f32([1], 4) }, 8))).toBe("there is a gap of 4 bytes before tensor 'a'");
    expect(await refused(file({ a: f32([1], 0) }, 12))).toBe('8 bytes follow the last tensor');
    expect(await refused(file({ __metadata__: {} }, 3))).toBe('3 bytes follow the last tensor');
    // Listed last to first, and an empty tensor sharing its offset with a full one.
    const header = await read(file({ c: f32([1], 8), b: f32([2], 0), empty: f32([0], 0) }, 12));
    expect(header.dataStart).toBe(8 + JSON.stringify({ c: f32([1], 8), b: f32([2], 0), empty: f32([0], 0) }).length);
    expect([...header.tensors.keys()]).toEqual(['c', 'b', 'empty']);
  });
});

describe('readTensor converts every dtype to float32', () => {
  async function values(dtype: string, bytes: Buffer, count: number): Promise<Float32Array> {
    const data = file({ t: { dtype, shape: [count], data_offsets: [0, bytes.length] } });
    const whole = Buffer.concat([data, bytes]);
    const source = memorySource(whole);
    const header: Header = await readHeader(source);
    const target = new Float32Array(count);
    await readTensor(source, header, header.tensors.get('t')!, target);
    return target;
  }
  const u16 = (...bits: number[]) => Buffer.from(Uint16Array.from(bits).buffer);

  test('F16: normal, subnormal, signed zeros, the largest finite, infinities and NaN', async () => {
    const got = await values('F16', u16(0x3c00, 0xc000, 0x3555, 0x0001, 0x03ff, 0x8001, 0x0000, 0x8000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x0400), 13);
    expect(Array.from(got)).toEqual([1, -2, Math.fround(0.333251953125), 2 ** -24, 1023 * 2 ** -24, -(2 ** -24), 0, -0, 65504, Infinity, -Infinity, NaN, 2 ** -14]);
    expect(Object.is(got[7], -0)).toBe(true);
  });

  test('BF16 is the top half of a float32; F64 rounds to the nearest float32; F32 is read as is', async () => {
    expect(Array.from(await values('BF16', u16(0x3f80, 0xc0a0, 0x7f80, 0x0001), 4))).toEqual([1, -5, Infinity, 2 ** -133]);
    expect(Array.from(await values('F64', Buffer.from(Float64Array.of(0.1, -1e300, 2 ** -140).buffer), 3))).toEqual([Math.fround(0.1), -Infinity, Math.fround(2 ** -140)]);
    expect(Array.from(await values('F32', Buffer.from(Float32Array.of(1.5, -0.25).buffer), 2))).toEqual([1.5, -0.25]);
  });

  /** A source that records each read: where, how many bytes, and into which memory. */
  function spied(bytes: Uint8Array) {
    const inner = memorySource(bytes);
    const reads: { position: number; length: number; buffer: ArrayBufferLike }[] = [];
    return { reads, source: { ...inner, read: (into: Uint8Array, position: number) => {
      reads.push({ position, length: into.byteLength, buffer: into.buffer });
      return inner.read(into, position);
    } } };
  }

  test('F32 is read straight into the target (no copy); other dtypes through a buffer of their size, at most 1 MiB per read', async () => {
    const f32bytes = file({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } });
    const { reads, source } = spied(Buffer.concat([f32bytes, Buffer.from(Float32Array.of(1, 2, 3).buffer)]));
    const header = await readHeader(source);
    const target = new Float32Array(5).subarray(1, 4);
    reads.length = 0;
    await readTensor(source, header, header.tensors.get('t')!, target);
    // The very memory of the target (toEqual would take any two ArrayBuffers as equal).
    expect(reads.map((r) => [r.position, r.length, r.buffer === target.buffer])).toEqual([[f32bytes.length, 12, true]]);
    expect(Array.from(target)).toEqual([1, 2, 3]);
    const f16bytes = file({ t: { dtype: 'F16', shape: [3], data_offsets: [0, 6] } });
    const small = spied(Buffer.concat([f16bytes, u16(0x3c00, 0x4000, 0x4200)]));
    const smallHeader = await readHeader(small.source);
    small.reads.length = 0;
    const three = new Float32Array(3);
    await readTensor(small.source, smallHeader, smallHeader.tensors.get('t')!, three);
    expect(small.reads.map((r) => [r.position, r.length, r.buffer.byteLength])).toEqual([[f16bytes.length, 6, 6]]);
    expect(Array.from(three)).toEqual([1, 2, 3]);
  });

  test('a tensor larger than one conversion chunk (1 MiB of F16: 524,288 values) is converted whole', async () => {
    const count = 600_000;
    // Integers up to 2048 are exact in binary16; a prime period (2039) keeps the two chunks' values apart.
    const expected = Float32Array.from({ length: count }, (_, i) => i % 2039);
    const bits = Uint16Array.from(expected, (v) => {
      if (v === 0) return 0;
      const e = Math.floor(Math.log2(v));
      return ((e + 15) << 10) | Math.round((v / 2 ** e - 1) * 1024);
    });
    const data = file({ t: { dtype: 'F16', shape: [count], data_offsets: [0, 2 * count] } });
    const { reads, source } = spied(Buffer.concat([data, Buffer.from(bits.buffer)]));
    const header = await readHeader(source);
    reads.length = 0;
    const got = new Float32Array(count);
    await readTensor(source, header, header.tensors.get('t')!, got);
    expect(got.findIndex((v, i) => v !== expected[i])).toBe(-1);
    expect(reads.map((r) => [r.position - data.length, r.length, r.buffer.byteLength])).toEqual([[0, 2 ** 20, 2 ** 20], [2 ** 20, 2 * count - 2 ** 20, 2 ** 20]]);
    // Exactly one chunk's worth: one read, no empty one after it.
    const whole = 2 ** 19;
    const exact = file({ t: { dtype: 'F16', shape: [whole], data_offsets: [0, 2 * whole] } });
    const one = spied(Buffer.concat([exact, Buffer.from(bits.buffer, 0, 2 * whole)]));
    const oneHeader = await readHeader(one.source);
    one.reads.length = 0;
    await readTensor(one.source, oneHeader, oneHeader.tensors.get('t')!, new Float32Array(whole));
    expect(one.reads.map((r) => [r.position - exact.length, r.length])).toEqual([[0, 2 ** 20]]);
  });
});

describe('encodeHeader', () => {
  test('lays F32 tensors out in order and pads the header so the data section starts 8-aligned', () => {
    for (const name of ['a', 'ab', 'abc', 'abcd', 'é', 'ünïcødé', 'abcdefgh']) {
      const header = encodeHeader([{ name, shape: [2, 3] }, { name: 'b', shape: [4] }], { note: name });
      const length = Number(header.readBigUInt64LE(0));
      expect(header.length).toBe(8 + length);
      expect(header.length % 8).toBe(0);
      const text = header.subarray(8).toString('utf8');
      expect(text.trimEnd()).toBe(JSON.stringify({ __metadata__: { note: name }, [name]: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] }, b: { dtype: 'F32', shape: [4], data_offsets: [24, 40] } }));
      expect(text.length - text.trimEnd().length).toBeLessThan(8);
    }
  });

  test('its output is read back, with the data that follows', async () => {
    const values = Float32Array.of(1, 2, 3, 4, 5, 6, 7);
    const header = encodeHeader([{ name: 'x', shape: [3] }, { name: 'y', shape: [2, 2] }], { k: 'v' });
    const bytes = Buffer.concat([header, Buffer.from(littleEndianBytes(values))]);
    const parsed = await read(bytes);
    expect(parsed.dataStart).toBe(header.length);
    expect(parsed.metadata).toEqual({ k: 'v' });
    const y = new Float32Array(4);
    await readTensor(memorySource(bytes), parsed, parsed.tensors.get('y')!, y);
    expect(Array.from(y)).toEqual([4, 5, 6, 7]);
  });

  test('littleEndianBytes is a view of the values on a little-endian machine (no copy)', () => {
    const values = Float32Array.of(1, 2);
    const bytes = littleEndianBytes(values.subarray(1));
    expect(bytes.buffer).toBe(values.buffer);
    expect([bytes.byteOffset, bytes.byteLength]).toEqual([4, 4]);
  });
});

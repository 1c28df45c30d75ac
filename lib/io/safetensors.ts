// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N
// bytes of JSON — { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__: { string:
// string } } — then the tensors' raw little-endian bytes, offsets relative to the end of the
// header. Reading is strict: every way a file can be malformed is a ModelFormatError saying
// what is wrong, checked before anything is allocated from the file's numbers.
import { endianness } from 'node:os';
import { ModelFormatError } from '../errors';

/** safetensors' own limit on the header (MAX_HEADER_SIZE in the reference implementation). */
export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_BYTES = { F32: 4, F16: 2, BF16: 2, F64: 8 } as const;
export type FloatDtype = keyof typeof DTYPE_BYTES;

export interface TensorEntry {
  readonly name: string;
  readonly dtype: FloatDtype;
  readonly shape: readonly number[];
  /** Byte range in the data section (after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface Header {
  /** Bytes before the data section: 8 + the header length. */
  readonly dataStart: number;
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Where the bytes come from: a file (read asynchronously) or a buffer in memory. */
export interface ByteSource {
  readonly size: number;
  /** Fills `into` with the bytes at `position`; fewer available is a truncated file. */
  read(into: Uint8Array, position: number): Promise<void> | void;
  /** What to call the source in messages (a path, or 'the buffer'). */
  readonly label: string;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** The header for F32 tensors laid out one after another in the given order, padded to 8 bytes. */
export function encodeHeader(tensors: readonly { name: string; shape: readonly number[] }[], metadata: Readonly<Record<string, string | undefined>>): Buffer {
  const json: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = 4 * elementCount(t.shape);
    json[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let text = JSON.stringify(json);
  text += ' '.repeat((8 - ((8 + Buffer.byteLength(text)) % 8)) % 8); // the data section starts 8-aligned
  const header = Buffer.alloc(8 + Buffer.byteLength(text));
  header.writeBigUInt64LE(BigInt(Buffer.byteLength(text)), 0);
  header.write(text, 8);
  return header;
}

function fail(source: ByteSource, problem: string): never {
  throw new ModelFormatError(`${source.label} is not a valid safetensors model file: ${problem}`);
}

const isNonNegativeInteger = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Reads and checks the header; the tensors must tile the data section exactly. */
export async function readHeader(source: ByteSource): Promise<Header> {
  if (source.size < 8) fail(source, `it is ${source.size} bytes long, shorter than the 8-byte header length`);
  const prefix = new Uint8Array(8);
  await source.read(prefix, 0);
  const length = Buffer.from(prefix.buffer).readBigUInt64LE(0);
  if (length > BigInt(MAX_HEADER_BYTES)) fail(source, `its header length ${length} is above the ${MAX_HEADER_BYTES}-byte limit`);
  if (length > BigInt(source.size - 8)) fail(source, `its header length ${length} runs past the end of the file (${source.size} bytes): truncated?`);
  const bytes = new Uint8Array(Number(length));
  await source.read(bytes, 8);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    fail(source, `its header is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(source, 'its header is not a JSON object');
  const dataStart = 8 + Number(length);
  const dataSize = source.size - dataStart;
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
        fail(source, '__metadata__ must map names to strings');
      }
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof entry !== 'object' || entry === null) fail(source, `tensor '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
      fail(source, `tensor '${name}' has dtype ${JSON.stringify(dtype)}; blastrain reads F32, F16, BF16 and F64`);
    }
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every(isNonNegativeInteger)) fail(source, `tensor '${name}' has shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) || (offsets[0] as number) > (offsets[1] as number)) {
      fail(source, `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataSize) fail(source, `tensor '${name}' ends at byte ${end} of a data section of ${dataSize} bytes: truncated?`);
    const expected = elementCount(shape as number[]) * DTYPE_BYTES[dtype as FloatDtype];
    if (end - begin !== expected) fail(source, `tensor '${name}' holds ${end - begin} bytes but its shape ${JSON.stringify(shape)} of ${dtype} needs ${expected}`);
    tensors.set(name, { name, dtype: dtype as FloatDtype, shape: shape as number[], begin, end });
  }
  // As the reference implementation requires: no overlaps, no gaps, nothing after the last tensor.
  let covered = 0;
  for (const t of [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (t.begin < covered) fail(source, `tensor '${t.name}' overlaps the tensor before it`);
    if (t.begin > covered) fail(source, `there is a gap of ${t.begin - covered} bytes before tensor '${t.name}'`);
    covered = t.end;
  }
  if (covered !== dataSize) fail(source, `${dataSize - covered} bytes follow the last tensor`);
  return { dataStart, tensors, metadata };
}

const LITTLE_ENDIAN = endianness() === 'LE';
/** Bytes converted per step when a tensor is not F32: bounds the extra memory a load needs. */
const CHUNK_BYTES = 1 << 20;

/** Half-precision bits → float (IEEE 754 binary16). */
function halfToFloat(h: number): number {
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bf16Bits = new Uint32Array(1);
const bf16Value = new Float32Array(bf16Bits.buffer);

/** Each dtype's value i of a little-endian byte view, as a float. */
const READERS: Record<FloatDtype, (view: DataView, i: number) => number> = {
  F16: (view, i) => halfToFloat(view.getUint16(2 * i, true)),
  BF16: (view, i) => {
    bf16Bits[0] = view.getUint16(2 * i, true) << 16; // bfloat16 is the top half of a float32
    return bf16Value[0] as number;
  },
  F64: (view, i) => view.getFloat64(8 * i, true),
  // Stryker disable next-line all: F32 is converted on big-endian machines only (every supported target is little-endian)
  F32: (view, i) => view.getFloat32(4 * i, true),
};

/** Converts `count` little-endian values of `dtype` from bytes into target (float32). */
function convert(target: Float32Array, bytes: Uint8Array, dtype: FloatDtype, count: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = READERS[dtype];
  for (let i = 0; i < count; i++) target[i] = read(view, i);
}

/**
 * Reads one tensor's values into `target` (float32, its element count). F32 bytes go straight
 * into the target's memory; other dtypes pass through a buffer of at most CHUNK_BYTES.
 */
export async function readTensor(source: ByteSource, header: Header, entry: TensorEntry, target: Float32Array): Promise<void> {
  const position = header.dataStart + entry.begin;
  if (entry.dtype === 'F32') {
    const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    await source.read(bytes, position);
    // Stryker disable next-line all: big-endian machines only; on a little-endian one this in-place conversion changes nothing
    if (!LITTLE_ENDIAN) convert(target, bytes, 'F32', target.length);
    return;
  }
  const size = DTYPE_BYTES[entry.dtype];
  const perChunk = Math.floor(CHUNK_BYTES / size);
  const chunk = new Uint8Array(Math.min(CHUNK_BYTES, target.length * size));
  for (let done = 0; done < target.length; done += perChunk) {
    const count = Math.min(perChunk, target.length - done);
    const bytes = chunk.subarray(0, count * size);
    await source.read(bytes, position + done * size);
    convert(target.subarray(done, done + count), bytes, entry.dtype, count);
  }
}

/** The bytes of a Float32Array as safetensors stores them (little-endian; a view on LE machines). */
export function littleEndianBytes(values: Float32Array): Uint8Array {
  // Stryker disable next-line ConditionalExpression: always true on the supported (little-endian) targets
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  // Stryker disable all: big-endian machines only (every supported target is little-endian)
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
  // Stryker restore all
}

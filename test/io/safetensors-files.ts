// Building and editing safetensors files for tests, independently of lib/io (so a bug there
// cannot hide itself): a writer for any dtype, and header surgery on existing bytes.

export interface TensorSpec {
  name: string;
  shape: readonly number[];
  values: ArrayLike<number>;
  dtype: 'F32' | 'F64' | 'F16' | 'BF16';
}

/** Rounds to IEEE binary16 (round half to even) and returns its bits. */
function halfBits(value: number): number {
  const f = new Float32Array([value]);
  const bits = new Uint32Array(f.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign; // the weights here are far from the subnormal range
  if (exponent >= 31) return sign | 0x7c00;
  const round = mantissa & 0x1fff;
  mantissa >>>= 13;
  if (round > 0x1000 || (round === 0x1000 && (mantissa & 1) === 1)) mantissa++;
  return (sign | (exponent << 10)) + mantissa;
}

export function encodeSafetensors(tensors: readonly TensorSpec[], metadata?: Record<string, string>): Buffer {
  const sizes = { F32: 4, F64: 8, F16: 2, BF16: 2 };
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const parts: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const bytes = Buffer.alloc(t.values.length * sizes[t.dtype]);
    for (let i = 0; i < t.values.length; i++) {
      const v = t.values[i]!;
      if (t.dtype === 'F32') bytes.writeFloatLE(v, 4 * i);
      else if (t.dtype === 'F64') bytes.writeDoubleLE(v, 8 * i);
      else if (t.dtype === 'F16') bytes.writeUInt16LE(halfBits(v), 2 * i);
      else {
        const f = Buffer.alloc(4);
        f.writeFloatLE(v);
        bytes.writeUInt16LE(f.readUInt16LE(2), 2 * i); // BF16 by truncation
      }
    }
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    parts.push(bytes);
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...parts]);
}

export function headerOf(bytes: Buffer): Record<string, unknown> {
  return JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString()) as Record<string, unknown>;
}

/** The same file with its header JSON edited by `edit` (the data section unchanged). */
export function withHeader(bytes: Buffer, edit: (header: Record<string, unknown>) => void): Buffer {
  const header = headerOf(bytes);
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, bytes.subarray(8 + Number(bytes.readBigUInt64LE(0)))]);
}

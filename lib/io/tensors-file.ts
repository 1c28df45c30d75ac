// Plain float32 tensors in a safetensors file, for handing data to and from Python (PyTorch
// reads them with a few lines of struct/json, or the safetensors package): writeTensors and
// readTensors.
import { FileError, InvalidArgumentError } from '../errors';
import { kindIn, ownView } from '../typed-arrays';
import { invalid, plainObject, positiveInteger } from '../validate';
import { writeFileAtomic } from './atomic-write';
import { elementCount, encodeHeader, littleEndianBytes, readHeader, readTensor } from './safetensors';
import { withFile } from './sources';

export interface Tensor {
  /** Row-major values. */
  data: Float32Array;
  shape: number[];
}

/** Writes named float32 tensors (e.g. { x: { data, shape: [n, 784] }, y: … }) to one safetensors file, atomically. */
export async function writeTensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'non-empty string', path);
  const entries = Object.entries(plainObject('tensors', tensors)).map(([name, value]) => {
    const t = plainObject(`tensors.${name}`, value);
    if (kindIn(t.data, ['Float32Array']) === undefined) throw invalid(`tensors.${name}.data`, 'Float32Array', t.data);
    const data = ownView(`tensors.${name}.data`, t.data as Float32Array, 'Float32Array');
    if (!Array.isArray(t.shape)) throw invalid(`tensors.${name}.shape`, 'array of positive integers', t.shape);
    const shape = t.shape.map((d, i) => positiveInteger(`tensors.${name}.shape[${i}]`, d));
    if (elementCount(shape) !== data.length) {
      throw new InvalidArgumentError(`Expected tensors.${name}.data to hold ${elementCount(shape)} values for shape [${shape.join(', ')}] but it holds ${data.length}`);
    }
    return { name, shape, data };
  });
  const chunks = [encodeHeader(entries, { ...metadata }), ...entries.map((e) => littleEndianBytes(e.data))];
  try {
    await writeFileAtomic(path, chunks);
  } catch (error) {
    throw new FileError(`Cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Every tensor of a safetensors file as float32 (F16, BF16 and F64 converted), by name. */
export async function readTensors(path: string): Promise<Record<string, Tensor>> {
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'non-empty string', path);
  return withFile(path, async (source) => {
    const header = await readHeader(source);
    const out: Record<string, Tensor> = {};
    for (const entry of header.tensors.values()) {
      const data = new Float32Array(elementCount(entry.shape));
      await readTensor(source, header, entry, data);
      out[entry.name] = { data, shape: [...entry.shape] };
    }
    return out;
  });
}

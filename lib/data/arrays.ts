// Turning user data into what the backends read. Float32Array inputs and targets (and integer
// typed arrays of class labels) are used in place, through fresh views of their memory built
// from the engine's own getters (lib/typed-arrays.ts), so an overridden `buffer` or `length`
// cannot mislead a check; number[][] / number[] are converted once, the one copying path.
import type { Backend } from '../backend';
import { InvalidArgumentError, ShapeError, UnsupportedBufferError } from '../errors';
import { LOSS_CATEGORICAL_CROSSENTROPY } from '../layout';
import type { TargetArray } from '../native';
import { bufferOfView, isResizable, kindIn, ownView } from '../typed-arrays';
import { describe, invalid, readArray } from '../validate';

export type InputData = Float32Array | ArrayLike<ArrayLike<number>>;
export type LabelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
export type TargetData = Float32Array | LabelArray | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

const LABEL_KINDS = ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array'] as const;

/** number[][] (each row read once) → a (rows × width) Float32Array. */
function rowsToFloat32(name: string, rows: readonly unknown[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = readArray(rows[r]) ?? (ArrayBuffer.isView(rows[r]) ? Array.from(rows[r] as ArrayLike<number>) : undefined);
    if (row === undefined || row.length !== width) {
      throw new ShapeError(`Expected ${name}[${r}] to be an array of ${width} numbers but received ${describe(rows[r])}`);
    }
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (typeof v !== 'number') throw invalid(`${name}[${r}][${c}]`, 'number', v);
      out[r * width + c] = v;
    }
  }
  return out;
}

/** x as a (samples × inputSize) Float32Array. */
export function toInputs(name: string, x: unknown, inputSize: number): Float32Array {
  let data: Float32Array;
  const rows = readArray(x);
  if (kindIn(x, ['Float32Array']) !== undefined) {
    data = ownView(name, x as Float32Array, 'Float32Array');
  } else if (rows !== undefined) {
    data = rowsToFloat32(name, rows, inputSize);
  } else {
    throw invalid(name, 'Float32Array (samples × inputSize, row-major) or number[][]', x);
  }
  if (data.length === 0) throw new ShapeError(`Expected at least one sample in ${name} but received ${describe(x)}`);
  if (data.length % inputSize !== 0) {
    throw new ShapeError(
      `Expected ${name} length to be a multiple of inputSize ${inputSize} but received ${describe(x)} ` +
        `(${(data.length / inputSize).toFixed(2)} rows)`,
    );
  }
  return data;
}

/** y as float32 rows (samples × outputs), or integer class labels for categorical cross-entropy. */
export function toTargets(name: string, y: unknown, samples: number, outputs: number, loss: number): TargetArray {
  const labelsAllowed = loss === LOSS_CATEGORICAL_CROSSENTROPY;
  if (kindIn(y, ['Float32Array']) !== undefined) {
    const rows = ownView(name, y as Float32Array, 'Float32Array');
    if (rows.length !== samples * outputs) {
      throw new ShapeError(
        `Expected ${name} to hold ${samples} samples × ${outputs} outputs = ${samples * outputs} values ` +
          `but received ${describe(rows)} (${rows.length / outputs} samples)`,
      );
    }
    return rows;
  }
  const labelKind = kindIn(y, LABEL_KINDS);
  if (labelKind !== undefined) {
    const labels: LabelArray = ownView(name, y as LabelArray, labelKind);
    if (!labelsAllowed) {
      throw invalid(name, `Float32Array of targets (integer class labels need loss 'categoricalCrossentropy')`, labels);
    }
    if (labels.length !== samples) {
      throw new ShapeError(`Expected ${name} to hold ${samples} class labels (one per sample) but received ${describe(labels)}`);
    }
    checkLabels(name, labels, outputs);
    return labels;
  }
  const list = readArray(y);
  if (list !== undefined) {
    if (list.length > 0 && typeof list[0] === 'number') {
      if (labelsAllowed) {
        const labels = Int32Array.from(list as number[]);
        if (labels.some((v, i) => v !== list[i])) throw invalid(name, 'integer class labels', y);
        return toTargets(name, labels, samples, outputs, loss);
      }
      if (outputs !== 1) throw invalid(name, `number[][] with ${outputs} values per row`, y);
      return toTargets(name, rowsToFloat32(name, list.map((v) => [v]), 1), samples, outputs, loss);
    }
    return toTargets(name, rowsToFloat32(name, list, outputs), samples, outputs, loss);
  }
  throw invalid(name, 'Float32Array (samples × outputs), an integer typed array of class labels, or number[][]', y);
}

function checkLabels(name: string, labels: LabelArray, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0 || label >= classes) {
      throw new InvalidArgumentError(
        `Expected class labels in [0, ${classes - 1}] for ${name} but received ${label} at index ${i}`,
      );
    }
  }
}

/** One pass over float data: NaN or ±Infinity is an error naming where it sits. */
export function checkFinite(name: string, data: TargetArray, width: number, backend: Backend): void {
  if (!(data instanceof Float32Array)) return;
  const index = backend.firstNonFinite(data);
  if (index >= 0) throw nonFiniteError(name, data, index, width);
}

export function nonFiniteError(name: string, data: Float32Array, index: number, width: number): InvalidArgumentError {
  return new InvalidArgumentError(
    `Expected finite numbers in ${name} but received ${data[index]} at index ${index} ` +
      `(sample ${Math.floor(index / width)}, column ${index % width})`,
  );
}

/**
 * Memory a job reads while JavaScript runs must not be able to shrink: a resizable ArrayBuffer
 * is refused (native code refuses it too; this says so before anything starts).
 */
export function requireFixedSize(name: string, data: ArrayBufferView): void {
  if (isResizable(bufferOfView(data))) {
    throw new UnsupportedBufferError(
      `Expected ${name} on a fixed-size buffer but it is backed by a resizable ArrayBuffer, which could shrink while ` +
        'training reads it; copy it into a fixed-length array first (e.g. Float32Array.from(x))',
    );
  }
}

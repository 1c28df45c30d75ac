// Turning user data into what the backends read. Float32Array inputs and targets (and integer
// typed arrays of class labels) are used in place; number[][] / number[] are converted once,
// the one copying path.
import type { Backend } from './backend';
import { InvalidArgumentError, ShapeError } from './errors';
import { LOSS_CATEGORICAL_CROSSENTROPY } from './layout';
import type { TargetArray } from './native';
import { describe, invalid, notDetached } from './validate';

export type InputData = Float32Array | ArrayLike<ArrayLike<number>>;
export type LabelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
export type TargetData = Float32Array | LabelArray | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

function isLabelArray(value: unknown): value is LabelArray {
  return (
    value instanceof Uint8Array || value instanceof Int8Array || value instanceof Uint16Array ||
    value instanceof Int16Array || value instanceof Uint32Array || value instanceof Int32Array
  );
}

function rowsToFloat32(name: string, rows: ArrayLike<unknown>, width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as ArrayLike<number> | undefined;
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number' || row.length !== width) {
      throw new ShapeError(`Expected ${name}[${r}] to be an array of ${width} numbers but received ${describe(row)}`);
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
  if (x instanceof Float32Array) {
    notDetached(name, x);
    data = x;
  } else if (Array.isArray(x)) {
    data = rowsToFloat32(name, x, inputSize);
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
  if (y instanceof Float32Array) {
    notDetached(name, y);
    if (y.length !== samples * outputs) {
      throw new ShapeError(
        `Expected ${name} to hold ${samples} samples × ${outputs} outputs = ${samples * outputs} values ` +
          `but received ${describe(y)} (${y.length / outputs} samples)`,
      );
    }
    return y;
  }
  if (isLabelArray(y)) {
    notDetached(name, y);
    if (!labelsAllowed) {
      throw invalid(name, `Float32Array of targets (integer class labels need loss 'categoricalCrossentropy')`, y);
    }
    if (y.length !== samples) {
      throw new ShapeError(`Expected ${name} to hold ${samples} class labels (one per sample) but received ${describe(y)}`);
    }
    checkLabels(name, y, outputs);
    return y;
  }
  if (Array.isArray(y)) {
    if (y.length > 0 && typeof y[0] === 'number') {
      if (labelsAllowed) {
        const labels = Int32Array.from(y as number[]);
        if (labels.some((v, i) => v !== y[i])) throw invalid(name, 'integer class labels', y);
        return toTargets(name, labels, samples, outputs, loss);
      }
      if (outputs !== 1) throw invalid(name, `number[][] with ${outputs} values per row`, y);
      return toTargets(name, rowsToFloat32(name, (y as number[]).map((v) => [v]), 1), samples, outputs, loss);
    }
    return toTargets(name, rowsToFloat32(name, y, outputs), samples, outputs, loss);
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

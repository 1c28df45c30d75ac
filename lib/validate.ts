// Argument checks in the style of sharp: every message names the argument, what was expected
// and what came, e.g. "Expected positive integer for batchSize but received -3 of type number".
import { DetachedBufferError, InvalidArgumentError } from './errors';

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Float32Array).length}`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'string') return `'${value}' of type string`;
  if (typeof value === 'object') return `${(value as object).constructor?.name ?? 'object'}`;
  return `${String(value)} of type ${typeof value}`;
}

export function invalid(name: string, expected: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(name, 'positive integer', value);
  }
  return value;
}

export function finiteNumber(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range =
      min === -Infinity && max === Infinity ? '' : max === Infinity ? ` >= ${min}` : ` between ${min} and ${max}`;
    throw invalid(name, `finite number${range}`, value);
  }
  return value;
}

export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(name, 'boolean', value);
  return value;
}

export function plainObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw invalid(name, 'object', value);
  }
  return value as Record<string, unknown>;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitute);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 2)) ? best : undefined;
}

function suggestion(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  return near === undefined ? '' : `; did you mean '${near}'?`;
}

/** One of a fixed set of names; the error lists them and suggests the closest. */
export function oneOf<T extends string>(name: string, value: unknown, options: readonly T[]): T {
  if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
  const hint = typeof value === 'string' ? suggestion(value, options) : '';
  throw new InvalidArgumentError(
    `Expected one of ${options.map((o) => `'${o}'`).join(', ')} for ${name} but received ${describe(value)}${hint}`,
  );
}

/** Rejects option names that are not known, suggesting the closest known one. */
export function knownKeys(name: string, options: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `Unknown option '${key}' in ${name}${suggestion(key, known)} (known options: ${known.join(', ')})`,
      );
    }
  }
}

/** Node 20 has no ArrayBuffer.prototype.detached; constructing a view on a detached buffer throws. */
function isDetached(buffer: ArrayBufferLike): boolean {
  if ('detached' in buffer) return (buffer as { detached: boolean }).detached;
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

export function notDetached(name: string, array: ArrayBufferView): void {
  if (isDetached(array.buffer)) {
    throw new DetachedBufferError(
      `Expected a readable ${array.constructor.name} for ${name} but its ArrayBuffer is detached ` +
        '(it was transferred, e.g. to a worker); pass a fresh array',
    );
  }
}

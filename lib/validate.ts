// Argument checks in the style of sharp: every message names the argument, what was expected
// and what came, e.g. "Expected positive integer for batchSize but received -3 of type number".
import { InvalidArgumentError } from './errors';
import { typedArrayKind, viewLength } from './typed-arrays';

/** What a value is, for messages; reads nothing a program could have redefined. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  const kind = typedArrayKind(value);
  if (kind !== undefined) return `${kind} of length ${viewLength(value as ArrayBufferView)}`;
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `'${value}' of type string`;
  if (typeof value === 'function') return 'function';
  if (typeof value === 'object') {
    try {
      return Object.prototype.toString.call(value).slice(8, -1); // may run a Symbol.toStringTag getter
    } catch {
      return 'object';
    }
  }
  if (typeof value === 'symbol') return 'symbol';
  return `${String(value)} of type ${typeof value}`;
}

export function invalid(name: string, expected: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`Expected ${expected} for ${name} but received ${describe(value)}`);
}

export function positiveInteger(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalid(name, max === Number.MAX_SAFE_INTEGER ? 'positive integer' : `integer between 1 and ${max}`, value);
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

/** A safe integer, at least `min` ('integer', or 'non-negative integer' for min 0). */
export function safeInteger(name: string, value: unknown, min = Number.MIN_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw invalid(name, min === 0 ? 'non-negative integer' : 'integer', value);
  return value as number;
}

export function nonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(name, 'non-empty string', value);
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

/**
 * An options object read once: unknown keys are refused, then each known key is read exactly
 * once into a plain snapshot. Later code reads only the snapshot, so a getter with side effects
 * runs once, and a value cannot change between its check and its use.
 */
export function readOptions(name: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  const o = plainObject(name, value);
  knownKeys(name, o, known);
  const snapshot: Record<string, unknown> = Object.create(null);
  for (const key of known) snapshot[key] = o[key];
  return snapshot;
}

/** The elements of an array, each read once (its length too), or undefined when it is not an array. */
export function readArray(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const length = value.length;
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) out.push(value[i]);
  return out;
}

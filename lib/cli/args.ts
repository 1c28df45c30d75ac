// The CLI's commands are described once (options, positionals, help text); Node's own
// util.parseArgs reads the command line against that description (strict: an unknown option or
// a missing value is a usage error), and the readers below turn option text into checked values
// with messages that name the option, as the library's own validation does.
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../errors';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Shown in --help: what the value is (`N`, `FILE`, …) for a string option. */
  readonly value?: string;
  readonly description: string;
  /** Shown in --help. */
  readonly defaultText?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments, in order; all required. */
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Lines after the options in --help (examples, notes). */
  readonly notes?: readonly string[];
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Parsed {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

/** The options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'Machine-readable output: one JSON document on stdout' },
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
};

/** A bad command line: the CLI prints the message and the command's usage, and exits with 2. */
export class UsageError extends InvalidArgumentError {}

/** argv (after the command name) read against the spec; undefined when --help was asked for. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed | undefined {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short && { short: o.short }) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs's own messages name the option ("Unknown option '--epoch'", "Option '--lr <value>' argument missing").
    throw new UsageError(String((error as Error).message).replace(/\. To specify a positional argument starting with a '-'.*$/s, ''));
  }
  if (parsed.values.help === true) return undefined;
  const { positionals } = parsed;
  if (positionals.length < spec.positionals.length) {
    throw new UsageError(`Expected ${spec.positionals.slice(positionals.length).join(' and ')} for 'blastrain ${spec.name}'`);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`Unexpected argument '${positionals[spec.positionals.length]}' for 'blastrain ${spec.name}' (it takes ${spec.positionals.join(' ') || 'no arguments'})`);
  }
  return { values: parsed.values as OptionValues, positionals };
}

/** The command's --help text. */
export function helpText(spec: CommandSpec): string {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  const left = (name: string, o: OptionSpec) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => left(n, o).length)) + 2;
  return [
    `Usage: blastrain ${spec.name}${spec.positionals.map((p) => ` ${p}`).join('')} [options]`,
    '',
    spec.summary,
    '',
    'Options:',
    ...Object.entries(options).map(([name, o]) =>
      `  ${left(name, o).padEnd(width)}${o.description}${o.defaultText === undefined ? '' : ` (default: ${o.defaultText})`}`),
    ...(spec.notes === undefined ? [] : ['', ...spec.notes]),
    '',
  ].join('\n');
}

function received(text: string): string {
  return `received '${text}'`;
}

/** A string option, or `fallback` when it is absent. */
export function text(values: OptionValues, name: string, fallback?: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : fallback;
}

/** An integer option in [min, max]. */
export function integer(values: OptionValues, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const v = text(values, name);
  if (v === undefined) return fallback;
  const n = /^[+-]?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`Expected an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`} for --${name} but ${received(v)}`);
  }
  return n;
}

/** A number option in [min, max] (exclusive bounds when told). */
export function number(values: OptionValues, name: string, fallback: number, range: { min?: number; max?: number; above?: number; below?: number } = {}): number {
  const v = text(values, name);
  if (v === undefined) return fallback;
  const n = v.trim() === '' ? NaN : Number(v);
  const { min = -Infinity, max = Infinity, above = -Infinity, below = Infinity } = range;
  if (!Number.isFinite(n) || n < min || n > max || n <= above || n >= below) {
    const bounds = [min > -Infinity && `≥ ${min}`, above > -Infinity && `> ${above}`, max < Infinity && `≤ ${max}`, below < Infinity && `< ${below}`].filter(Boolean).join(' and ');
    throw new UsageError(`Expected a number${bounds ? ` ${bounds}` : ''} for --${name} but ${received(v)}`);
  }
  return n;
}

/** One of `choices`. */
export function choice<T extends string>(values: OptionValues, name: string, choices: readonly T[], fallback: T): T {
  const v = text(values, name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`Expected one of ${choices.join(', ')} for --${name} but ${received(v)}`);
  return v as T;
}

/** A comma-separated list of non-empty items. */
export function list(values: OptionValues, name: string): string[] | undefined {
  const v = text(values, name);
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`Expected a comma-separated list for --${name} but ${received(v)}`);
  return items;
}

/** A comma-separated list of positive integers (hidden layer sizes), or `none`. */
export function integerList(values: OptionValues, name: string, fallback: readonly number[]): number[] {
  if (text(values, name) === 'none') return [];
  const items = list(values, name);
  if (items === undefined) return [...fallback];
  return items.map((item) => integer({ [name]: item }, name, 0));
}

// The CLI's command-line reading in-process (the commands themselves are tested through the
// real executable in test/cli/): util.parseArgs against a command's spec, help text, and the
// option readers' checks and messages.
import { describe, expect, test } from 'vitest';
import { choice, helpText, integer, integerList, list, number, parseCommand, text, UsageError, type CommandSpec } from '../lib/cli/args';
import { InvalidArgumentError } from '../lib/errors';

const SPEC: CommandSpec = {
  name: 'demo',
  summary: 'A command for the tests.',
  positionals: ['INPUT', 'OUTPUT'],
  options: {
    epochs: { type: 'string', value: 'N', description: 'Passes', defaultText: '20' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'Where' },
    fast: { type: 'boolean', description: 'Quickly' },
  },
  notes: ['A note.'],
};

describe('parseCommand', () => {
  test('reads options (long, short, =value) and positionals in any order', () => {
    expect(parseCommand(SPEC, ['a.csv', '--epochs', '3', '-o', 'm', 'b.csv', '--fast'])).toEqual({
      values: { epochs: '3', out: 'm', fast: true }, positionals: ['a.csv', 'b.csv'],
    });
    expect(parseCommand(SPEC, ['--epochs=4', 'a', 'b'])!.values.epochs).toBe('4');
  });

  test('--help or -h anywhere returns undefined (the caller prints the help)', () => {
    expect(parseCommand(SPEC, ['--help'])).toBeUndefined();
    expect(parseCommand(SPEC, ['a', '-h', '--epochs', '2'])).toBeUndefined();
  });

  test('bad command lines are UsageErrors (InvalidArgumentErrors) naming what is wrong', () => {
    const usage = (argv: string[]) => {
      try {
        parseCommand(SPEC, argv);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return (error as Error).message;
      }
      throw new Error('expected a UsageError');
    };
    expect(usage(['a', 'b', '--epoch', '3'])).toMatch(/^Unknown option '--epoch'/);
    expect(usage(['a', 'b', '--epoch', '3'])).not.toContain('To specify a positional argument');
    expect(usage(['a', 'b', '--epochs'])).toMatch(/--epochs/);
    expect(usage(['a', 'b', '--fast=yes'])).toMatch(/--fast/);
    expect(usage([])).toBe("Expected INPUT and OUTPUT for 'blastrain demo'");
    expect(usage(['a'])).toBe("Expected OUTPUT for 'blastrain demo'");
    expect(usage(['a', 'b', 'c'])).toBe("Unexpected argument 'c' for 'blastrain demo' (it takes INPUT OUTPUT)");
    expect(usage(['--json', 'a', 'b', 'c'])).toContain('(it takes INPUT OUTPUT)');
    const none: CommandSpec = { ...SPEC, positionals: [] };
    expect(() => parseCommand(none, ['x'])).toThrow("Unexpected argument 'x' for 'blastrain demo' (it takes no arguments)");
  });

  test('--json and --help are every command\'s', () => {
    expect(parseCommand(SPEC, ['a', 'b', '--json'])!.values.json).toBe(true);
  });
});

test('helpText lists usage, summary, every option with its value, default and the notes', () => {
  expect(helpText(SPEC)).toBe([
    'Usage: blastrain demo INPUT OUTPUT [options]',
    '',
    'A command for the tests.',
    '',
    'Options:',
    '      --epochs N  Passes (default: 20)',
    '  -o, --out FILE  Where',
    '      --fast      Quickly',
    '      --json      Machine-readable output: one JSON document on stdout',
    '  -h, --help      Show this help',
    '',
    'A note.',
    '',
  ].join('\n'));
  expect(helpText({ name: SPEC.name, summary: SPEC.summary, positionals: SPEC.positionals, options: {} })).toBe([
    'Usage: blastrain demo INPUT OUTPUT [options]', '', 'A command for the tests.', '', 'Options:',
    '      --json  Machine-readable output: one JSON document on stdout', '  -h, --help  Show this help', '',
  ].join('\n'));
});

describe('option readers', () => {
  test('text: the string, or the fallback when absent or boolean', () => {
    expect(text({ a: 'x' }, 'a')).toBe('x');
    expect(text({}, 'a', 'f')).toBe('f');
    expect(text({ a: true }, 'a', 'f')).toBe('f');
  });

  test('integer: whole numbers in range', () => {
    expect(integer({}, 'n', 7)).toBe(7);
    expect(integer({ n: '12' }, 'n', 7)).toBe(12);
    expect(integer({ n: ' 3 ' }, 'n', 7)).toBe(3);
    expect(integer({ n: '0' }, 'n', 7, 0)).toBe(0);
    expect(integer({ n: '5' }, 'n', 7, 1, 5)).toBe(5);
    expect(() => integer({ n: '0' }, 'n', 7)).toThrow("Expected an integer ≥ 1 for --n but received '0'");
    expect(() => integer({ n: '6' }, 'n', 7, 1, 5)).toThrow("Expected an integer from 1 to 5 for --n but received '6'");
    for (const bad of ['1.5', '1e3', 'x', '', '9007199254740993']) expect(() => integer({ n: bad }, 'n', 7)).toThrow(UsageError);
  });

  test('number: finite numbers within the bounds, naming them', () => {
    expect(number({}, 'lr', 0.1)).toBe(0.1);
    expect(number({ lr: '1e-3' }, 'lr', 0.1, { above: 0 })).toBe(0.001);
    expect(number({ f: '0' }, 'f', 0.5, { min: 0, below: 1 })).toBe(0);
    expect(number({ f: '1' }, 'f', 0.5, { max: 1 })).toBe(1);
    expect(() => number({ lr: '0' }, 'lr', 0.1, { above: 0 })).toThrow("Expected a number > 0 for --lr but received '0'");
    expect(() => number({ f: '1' }, 'f', 0.5, { min: 0, below: 1 })).toThrow("Expected a number ≥ 0 and < 1 for --f but received '1'");
    expect(() => number({ f: '-1' }, 'f', 0.5, { min: 0 })).toThrow("Expected a number ≥ 0 for --f but received '-1'");
    expect(() => number({ f: '2' }, 'f', 0.5, { max: 1 })).toThrow("Expected a number ≤ 1 for --f but received '2'");
    for (const bad of ['', ' ', 'x', 'Infinity', 'NaN']) expect(() => number({ f: bad }, 'f', 0)).toThrow(`Expected a number for --f but received '${bad}'`);
  });

  test('choice: one of a list', () => {
    expect(choice({}, 'k', ['a', 'b'] as const, 'a')).toBe('a');
    expect(choice({ k: 'b' }, 'k', ['a', 'b'] as const, 'a')).toBe('b');
    expect(() => choice({ k: 'c' }, 'k', ['a', 'b'] as const, 'a')).toThrow("Expected one of a, b for --k but received 'c'");
  });

  test('list and integerList: comma-separated, trimmed, no empty items; none for no hidden layers', () => {
    expect(list({}, 'l')).toBeUndefined();
    expect(list({ l: 'a, b,c' }, 'l')).toEqual(['a', 'b', 'c']);
    expect(() => list({ l: 'a,,b' }, 'l')).toThrow("Expected a comma-separated list for --l but received 'a,,b'");
    expect(integerList({}, 'layers', [8, 4])).toEqual([8, 4]);
    expect(integerList({ layers: '128, 64' }, 'layers', [8])).toEqual([128, 64]);
    expect(integerList({ layers: 'none' }, 'layers', [8])).toEqual([]);
    expect(() => integerList({ layers: '16,0' }, 'layers', [8])).toThrow("Expected an integer ≥ 1 for --layers but received '0'");
  });
});

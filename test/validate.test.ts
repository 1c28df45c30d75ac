// The argument checks every public function goes through (lib/validate.ts): the exact message
// for each kind of value, the bounds (inclusive), the "did you mean" suggestion's distance rule,
// and options read once.
import { describe as group, expect, test } from 'vitest';
import { InvalidArgumentError } from '../lib/errors';
import { boolean, describe, finiteNumber, invalid, knownKeys, oneOf, plainObject, positiveInteger, readArray, readOptions } from '../lib/validate';

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

group('describe: what a value is, for messages', () => {
  test.each([
    [null, 'null'],
    [undefined, 'undefined of type undefined'],
    [-3, '-3 of type number'],
    [NaN, 'NaN of type number'],
    [true, 'true of type boolean'],
    [10n, '10 of type bigint'],
    ['abc', "'abc' of type string"],
    ['', "'' of type string"],
    [[1, 2], 'array'],
    [new Float32Array(3), 'Float32Array of length 3'],
    [new Uint8Array(0), 'Uint8Array of length 0'],
    [() => 1, 'function'],
    [class {}, 'function'],
    [Symbol('s'), 'symbol'],
    [{}, 'Object'],
    [new Map(), 'Map'],
    [new ArrayBuffer(4), 'ArrayBuffer'],
    [Object.create(null), 'Object'],
  ])('%s → %s', (value, expected) => {
    expect(describe(value)).toBe(expected);
  });

  test('a Symbol.toStringTag getter that throws gives "object"; one that answers is used', () => {
    const throwing = { get [Symbol.toStringTag](): string { throw new Error('no'); } };
    expect(describe(throwing)).toBe('object');
    expect(describe({ [Symbol.toStringTag]: 'Tensor' })).toBe('Tensor');
  });

  test('invalid() builds the sharp-style message', () => {
    const error = invalid('batchSize', 'positive integer', -3);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe('Expected positive integer for batchSize but received -3 of type number');
  });
});

group('numbers', () => {
  test('positiveInteger: 1 and the maximum are allowed, 0, max + 1, fractions, unsafe integers and non-numbers are not', () => {
    expect(positiveInteger('n', 1)).toBe(1);
    expect(positiveInteger('n', Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(positiveInteger('n', 7, 7)).toBe(7);
    expect(message(() => positiveInteger('n', 0))).toBe('Expected positive integer for n but received 0 of type number');
    expect(message(() => positiveInteger('n', 1.5))).toBe('Expected positive integer for n but received 1.5 of type number');
    expect(message(() => positiveInteger('n', 2 ** 53))).toBe('Expected positive integer for n but received 9007199254740992 of type number');
    expect(message(() => positiveInteger('n', '3'))).toBe("Expected positive integer for n but received '3' of type string");
    expect(message(() => positiveInteger('n', 8, 7))).toBe('Expected integer between 1 and 7 for n but received 8 of type number');
  });

  test('finiteNumber: bounds are inclusive and named in the message', () => {
    expect(finiteNumber('x', -1e300)).toBe(-1e300);
    expect(finiteNumber('x', 0, 0)).toBe(0);
    expect(finiteNumber('x', 1, 0, 1)).toBe(1);
    expect(message(() => finiteNumber('x', Infinity))).toBe('Expected finite number for x but received Infinity of type number');
    expect(message(() => finiteNumber('x', NaN, 0))).toBe('Expected finite number >= 0 for x but received NaN of type number');
    expect(message(() => finiteNumber('x', -0.5, 0))).toBe('Expected finite number >= 0 for x but received -0.5 of type number');
    expect(message(() => finiteNumber('x', 1.5, 0, 1))).toBe('Expected finite number between 0 and 1 for x but received 1.5 of type number');
    expect(message(() => finiteNumber('x', -2, -1, 1))).toBe('Expected finite number between -1 and 1 for x but received -2 of type number');
    expect(message(() => finiteNumber('x', 2, -Infinity, 1))).toBe('Expected finite number between -Infinity and 1 for x but received 2 of type number');
    expect(message(() => finiteNumber('x', '1'))).toBe("Expected finite number for x but received '1' of type string");
  });

  test('boolean', () => {
    expect(boolean('b', false)).toBe(false);
    expect(message(() => boolean('b', 0))).toBe('Expected boolean for b but received 0 of type number');
  });
});

group('objects and names', () => {
  test('plainObject refuses null, arrays, typed arrays and primitives', () => {
    const o = { a: 1 };
    expect(plainObject('o', o)).toBe(o);
    expect(plainObject('o', new Map())).toBeInstanceOf(Map);
    for (const [value, what] of [[null, 'null'], [[], 'array'], [new Float32Array(2), 'Float32Array of length 2'], ['x', "'x' of type string"], [undefined, 'undefined of type undefined']] as const) {
      expect(message(() => plainObject('o', value))).toBe(`Expected object for o but received ${what}`);
    }
  });

  test('oneOf lists the choices and suggests the closest within half the word (at least 2 edits), case-blind', () => {
    const choices = ['relu', 'sigmoid', 'tanh', 'leakyRelu'] as const;
    expect(oneOf('activation', 'tanh', choices)).toBe('tanh');
    const list = "'relu', 'sigmoid', 'tanh', 'leakyRelu'";
    expect(message(() => oneOf('activation', 'rleu', choices))).toBe(`Expected one of ${list} for activation but received 'rleu' of type string; did you mean 'relu'?`);
    expect(message(() => oneOf('activation', 'LEAKYRELU', choices))).toBe(`Expected one of ${list} for activation but received 'LEAKYRELU' of type string; did you mean 'leakyRelu'?`);
    // 'sigmod' is one deletion from sigmoid; 'tan' one from tanh.
    expect(message(() => oneOf('activation', 'sigmod', choices))).toMatch(/did you mean 'sigmoid'\?$/);
    expect(message(() => oneOf('activation', 'tan', choices))).toMatch(/did you mean 'tanh'\?$/);
    // Two edits are near for any word; three are near only for a word of six letters or more.
    expect(message(() => oneOf('activation', 'xy', choices))).not.toMatch(/did you mean/);
    expect(message(() => oneOf('activation', 'rexx', choices))).toMatch(/did you mean 'relu'\?$/);
    expect(message(() => oneOf('activation', 'rxxx', choices))).not.toMatch(/did you mean/);
    expect(message(() => oneOf('activation', 'sigxxxd', choices))).toMatch(/did you mean 'sigmoid'\?$/);
    expect(message(() => oneOf('activation', 'sxxxxid', choices))).not.toMatch(/did you mean/);
    // Of two at the same distance, the first listed wins.
    expect(message(() => oneOf('loss', 'ab', ['ax', 'xb'] as const))).toMatch(/did you mean 'ax'\?$/);
    expect(message(() => oneOf('activation', 3, choices))).toBe(`Expected one of ${list} for activation but received 3 of type number`);
  });

  test('knownKeys and readOptions: an unknown key is named with a suggestion and the known list; each known key is read once', () => {
    expect(message(() => knownKeys('fit options', { epoch: 3 }, ['epochs', 'batchSize']))).toBe(
      "Unknown option 'epoch' in fit options; did you mean 'epochs'? (known options: epochs, batchSize)");
    expect(message(() => knownKeys('fit options', { zzzzzz: 3 }, ['epochs']))).toBe("Unknown option 'zzzzzz' in fit options (known options: epochs)");
    expect(message(() => readOptions('fit options', 3, ['epochs']))).toBe('Expected object for fit options but received 3 of type number');
    let reads = 0;
    const options = { get epochs() { return ++reads; } };
    const snapshot = readOptions('fit options', options, ['epochs', 'batchSize']);
    expect(snapshot).toEqual({ epochs: 1, batchSize: undefined });
    expect(snapshot.epochs).toBe(1);
    expect(reads).toBe(1);
    expect(Object.getPrototypeOf(snapshot)).toBeNull();
  });

  test('readArray reads the length and each element once; non-arrays give undefined', () => {
    expect(readArray(new Float32Array(2))).toBeUndefined();
    expect(readArray('ab')).toBeUndefined();
    let lengthReads = 0;
    const tricky = new Proxy([1, 2, 3], { get: (target, key, receiver) => (key === 'length' && lengthReads++, Reflect.get(target, key, receiver)) });
    expect(readArray(tricky)).toEqual([1, 2, 3]);
    expect(lengthReads).toBe(1);
    expect(readArray([])).toEqual([]);
  });
});

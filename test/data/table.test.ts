// The row decoder both file loaders share (lib/data/table.ts), driven directly with rows as
// maps: option checks with their messages, number parsing, one-hot categories and targets,
// class labels, skipped rows, and the model's saved columns (checkColumns).
import { describe, expect, test } from 'vitest';
import { DataFormatError, InvalidArgumentError } from '../../lib/errors';
import { checkColumns, tableDecoder, type RowReader, type TableOptions } from '../../lib/data/table';

/** A row with named columns (or, given an array, 0-based ones). */
function row(values: Record<string, unknown> | unknown[]): RowReader {
  const entries: [string | number, unknown][] = Array.isArray(values) ? values.map((v, i) => [i, v]) : Object.entries(values);
  const map = new Map(entries);
  return { get: (c) => map.get(c), columns: entries.map(([c]) => c) };
}

function failure(options: TableOptions, rows: RowReader[]): DataFormatError {
  const decoder = tableDecoder('data.csv', options);
  try {
    rows.forEach((r, i) => decoder.decode(r, i + 2));
  } catch (error) {
    expect(error).toBeInstanceOf(DataFormatError);
    return error as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

describe('options', () => {
  test.each([
    [{ target: '' }, 'Expected column name or 0-based index for target but received \'\' of type string'],
    [{ target: -1 }, 'Expected column name or 0-based index for target but received -1 of type number'],
    [{ target: 1.5 }, 'Expected column name or 0-based index for target but received 1.5 of type number'],
    [{ target: 'y', features: 'a' }, "Expected array of column names or indices for features but received 'a' of type string"],
    [{ target: 'y', features: ['a', null] }, 'Expected column name or 0-based index for features[1] but received null'],
    [{ target: 'y', labels: [] }, "Expected non-empty array of class names or 'auto' for labels but received array"],
    [{ target: 'y', labels: ['a', 2] }, "Expected non-empty array of class names or 'auto' for labels but received array"],
    [{ target: 'y', labels: 'a' }, "Expected non-empty array of class names or 'auto' for labels but received 'a' of type string"],
    [{ labels: 'auto' }, "Expected undefined without a target column for labels but received 'auto' of type string"],
    [{ target: 'y', labels: ['a'], oneHot: 1 }, 'Expected boolean for oneHot but received 1 of type number'],
    [{ target: 'y', labels: 'auto', oneHot: true }, "Expected labels given as a list of classes (one-hot rows need their width before the first row) for oneHot but received 'auto' of type string"],
    [{ target: 'y', oneHot: true }, 'Expected labels given as a list of classes (one-hot rows need their width before the first row) for oneHot but received undefined of type undefined'],
    [{ target: 'y', categories: null }, 'Expected object of column → categories for categories but received null'],
    [{ target: 'y', categories: 'c' }, "Expected object of column → categories for categories but received 'c' of type string"],
    [{ target: 'y', onError: 'warn' }, "Expected one of 'throw', 'skip' for onError but received 'warn' of type string"],
    [{ target: 'y', colour: 1 }, "Unknown option 'colour' in table options (known options: target, features, labels, oneHot, categories, onError)"],
  ])('%j is refused', (options, message) => {
    expect(() => tableDecoder('data.csv', options as TableOptions)).toThrow(new InvalidArgumentError(message));
  });
});

describe('decoding', () => {
  test('numbers: numeric strings (trimmed) and JSON numbers; blanks, words, null and missing values are errors naming line and column', () => {
    const decoder = tableDecoder('data.csv', { target: 'y' });
    expect(decoder.decode(row({ a: ' 1.5 ', b: 2, y: '-3e1' }), 2)).toEqual({ x: Float32Array.of(1.5, 2), y: Float32Array.of(-30) });
    const cases: [unknown, string][] = [['', '""'], ['  ', '"  "'], ['abc', '"abc"'], [null, 'null'], [undefined, 'no value'], [true, 'true'], ['Infinity', '"Infinity"'], [Number.NaN, 'null']];
    for (const [value, shown] of cases) {
      const error = failure({ target: 'y' }, [row({ a: 1, b: value, y: 0 })]);
      expect(error.message).toBe(`Expected a finite number but found ${shown} in data.csv line 2 column 'b'`);
      expect([error.file, error.line, error.column]).toEqual(['data.csv', 2, 'b']);
    }
  });

  test('features default to every column but the target, in the row\'s order; a named column must exist', () => {
    const decoder = tableDecoder('data.csv', { target: 'y' });
    expect(decoder.decode(row({ b: 1, y: 9, a: 2 }), 2)!.x).toEqual(Float32Array.of(1, 2));
    expect(decoder.info.featureNames).toEqual(['b', 'a']);
    expect(decoder.info.features).toBe(2);
    const chosen = tableDecoder('data.csv', { target: 'y', features: ['a'] });
    expect(chosen.decode(row({ b: 1, y: 9, a: 2 }), 2)!.x).toEqual(Float32Array.of(2));
    const indexed = tableDecoder('data.csv', { target: 0 });
    expect(indexed.decode(row(['5', '6', '7']), 1)).toEqual({ x: Float32Array.of(6, 7), y: Float32Array.of(5) });
    const many = { c1: 1, c2: 1, c3: 1, c4: 1, c5: 1, c6: 1, c7: 1 };
    expect(failure({ target: 'y' }, [row(many)]).message).toBe(
      'Expected a column "y" but the row has 7 ("c1", "c2", "c3", "c4", "c5", "c6", …) in data.csv line 2 column \'y\'');
    expect(failure({ target: 'y', features: ['a', 'q'] }, [row({ a: 1, y: 1 })]).message).toBe(
      'Expected a column "q" but the row has 2 ("a", "y") in data.csv line 2 column \'q\'');
    expect(failure({ target: 'y' }, [row({ y: 1 })]).message).toBe('Expected at least one feature column in data.csv line 2');
    expect(failure({ target: 'y' }, [row({ y: 1 })]).column).toBeUndefined();
  });

  test('categories one-hot a feature in place, in the listed order; an unknown category names the known ones', () => {
    const decoder = tableDecoder('data.csv', { target: 'y', categories: { colour: ['red', 'green', 'blue'] } });
    expect(decoder.decode(row({ a: 1, colour: 'blue', b: 2, y: 0 }), 2)!.x).toEqual(Float32Array.of(1, 0, 0, 1, 2));
    expect(decoder.decode(row({ a: 3, colour: 'red', b: 4, y: 0 }), 3)!.x).toEqual(Float32Array.of(3, 1, 0, 0, 4));
    expect(decoder.info.features).toBe(5);
    expect(failure({ target: 'y', categories: { colour: ['red', 'green'] } }, [row({ colour: 'pink', y: 0 })]).message).toBe(
      'Expected one of \'red\', \'green\' but found "pink" in data.csv line 2 column \'colour\'');
  });

  test('labels: a list fixes the classes; auto numbers them by first appearance; oneHot rows; no value or an unknown class is an error', () => {
    const listed = tableDecoder('data.csv', { target: 'y', labels: ['no', 'yes'] });
    expect(listed.decode(row({ a: 1, y: 'yes' }), 2)!.y).toBe(1);
    expect(listed.decode(row({ a: 1, y: 'no' }), 3)!.y).toBe(0);
    const auto = tableDecoder('data.csv', { target: 'y', labels: 'auto' });
    expect(['b', 'a', 'b', 'c'].map((y, i) => auto.decode(row({ a: 1, y }), i + 2)!.y)).toEqual([0, 1, 0, 2]);
    expect(auto.info.classes).toEqual(['b', 'a', 'c']);
    const oneHot = tableDecoder('data.csv', { target: 'y', labels: ['x', 'y', 'z'], oneHot: true });
    expect(oneHot.decode(row({ a: 1, y: 'z' }), 2)!.y).toEqual(Float32Array.of(0, 0, 1));
    // A number read as a class name.
    expect(tableDecoder('data.csv', { target: 'y', labels: ['0', '1'] }).decode(row({ a: 1, y: 1 }), 2)!.y).toBe(1);
    for (const empty of ['', null, undefined]) {
      expect(failure({ target: 'y', labels: 'auto' }, [row({ a: 1, y: empty })]).message).toBe("Expected a class but found no value in data.csv line 2 column 'y'");
    }
    expect(failure({ target: 'y', labels: ['no', 'yes'] }, [row({ a: 1, y: 'maybe' })]).message).toBe(
      'Expected one of the classes \'no\', \'yes\' but found "maybe" in data.csv line 2 column \'y\'');
  });

  test('a later row without a feature column (JSON lines) is a missing value there, not a new plan', () => {
    const decoder = tableDecoder('data.jsonl', { target: 'y' });
    decoder.decode(row({ a: 1, b: 2, y: 0 }), 1);
    expect(() => decoder.decode(row({ a: 1, y: 0 }), 2)).toThrow(new DataFormatError("Expected a finite number but found no value in data.jsonl line 2 column 'b'", { file: 'data.jsonl', line: 2, column: 'b' }));
  });

  test('without a target every example has an empty y; onError skip counts malformed rows until reset', () => {
    const none = tableDecoder('data.csv', {});
    const example = none.decode(row({ a: 1, b: 2 }), 2)!;
    expect(example.x).toEqual(Float32Array.of(1, 2));
    expect(example.y).toEqual(new Float32Array(0));
    const skipping = tableDecoder('data.csv', { target: 'y', onError: 'skip' });
    expect(skipping.decode(row({ a: 1, y: 2 }), 2)).toBeDefined();
    expect(skipping.decode(row({ a: 'x', y: 2 }), 3)).toBeUndefined();
    expect(skipping.decode(row({ a: 1, y: '' }), 4)).toBeUndefined();
    expect(skipping.info.skipped).toBe(2);
    skipping.reset();
    expect(skipping.info.skipped).toBe(0);
    expect(skipping.decode(row({ a: 1, y: 3 }), 5)!.y).toEqual(Float32Array.of(3));
  });
});

test('checkColumns: one feature name per input, a target, distinct classes per output (two for one sigmoid output), frozen', () => {
  const columns = checkColumns({ features: ['a', 1], target: 'y', classes: ['no', 'yes'] }, 2, 1);
  expect(columns).toStrictEqual({ features: ['a', 1], target: 'y', classes: ['no', 'yes'] });
  expect(Object.isFrozen(columns) && Object.isFrozen(columns.features) && Object.isFrozen(columns.classes)).toBe(true);
  expect(checkColumns({ features: ['a'] }, 1, 3)).toStrictEqual({ features: ['a'] });
  expect(checkColumns({ features: ['a'], classes: ['p', 'q', 'r'] }, 1, 3).classes).toEqual(['p', 'q', 'r']);
  const refused: [unknown, number, number, string][] = [
    [{ features: ['a'] }, 2, 1, 'Expected array of 2 column names or indices (one per input) for columns.features but received array'],
    [{ features: 'a' }, 1, 1, "Expected array of 1 column names or indices (one per input) for columns.features but received 'a' of type string"],
    [{ features: [''] }, 1, 1, "Expected column name or 0-based index for columns.features[0] but received '' of type string"],
    [{ features: ['a'], target: -1 }, 1, 1, 'Expected column name or 0-based index for columns.target but received -1 of type number'],
    [{ features: ['a'], classes: ['x'] }, 1, 1, 'Expected array of 2 distinct class names for columns.classes but received array'],
    [{ features: ['a'], classes: ['x', 'x', 'y'] }, 1, 3, 'Expected array of 3 distinct class names for columns.classes but received array'],
    [{ features: ['a'], classes: ['x', 2] }, 1, 2, 'Expected array of 2 distinct class names for columns.classes but received array'],
    [{ features: ['a'], classes: 'xy' }, 1, 2, "Expected array of 2 distinct class names for columns.classes but received 'xy' of type string"],
    [{ features: ['a'], extra: 1 }, 1, 1, "Unknown option 'extra' in columns (known options: features, target, classes)"],
  ];
  for (const [value, inputs, outputs, message] of refused) expect(() => checkColumns(value, inputs, outputs)).toThrow(new InvalidArgumentError(message));
});

// Datasets and streaming fit: the pipeline operations, the CSV and JSON-lines loaders (columns,
// categories, labels, errors naming file, line and column), and fit/evaluateAsync over streams
// against the same training on arrays.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  DataFormatError, Dataset, Dense, FileError, InvalidArgumentError, OneCycleLR, SGD, Sequential, ShapeError, type Batch, type Example,
} from '../../lib/index';
import { heldOut } from '../../lib/data/dataset';
import { isDataSource, streamBatches } from '../../lib/data/source';
import { Random } from '../../lib/random';
import { scratchDir } from '../helpers';

const dir = scratchDir('data');
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const collect = async <T>(d: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const e of d) out.push(e);
  return out;
};

// 300 rows, 3 features, 3 classes: the same numbers as arrays, as CSV and as JSON lines.
const N = 300;
const x = Float32Array.from({ length: N * 3 }, (_, i) => Math.fround(Math.sin(i * 0.37) * 2));
const labels = Int32Array.from({ length: N }, (_, r) => (x[r * 3]! + x[r * 3 + 1]! > 0.5 ? 2 : x[r * 3 + 2]! > 0 ? 1 : 0));
const CLASSES = ['low', 'mid', 'high'];
const csvPath = file('rows.csv', ['f0,f1,f2,kind', ...Array.from({ length: N }, (_, r) => `${x[r * 3]},${x[r * 3 + 1]},${x[r * 3 + 2]},${CLASSES[labels[r]!]}`)].join('\n') + '\n');
const jsonPath = file('rows.jsonl', Array.from({ length: N }, (_, r) => JSON.stringify({ f0: x[r * 3], f1: x[r * 3 + 1], f2: x[r * 3 + 2], kind: CLASSES[labels[r]!] })).join('\n') + '\n');

describe('pipelines', () => {
  const rows = Dataset.fromArrays(x, labels, { features: 3 });

  test('fromArrays reads rows in place; batch packs them, the last batch shorter', async () => {
    const examples = await collect(rows);
    expect(examples).toHaveLength(N);
    expect(examples[5]!.x.buffer).toBe(x.buffer); // a view, not a copy
    expect(Array.from(examples[5]!.x)).toEqual(Array.from(x.subarray(15, 18)));
    const batches = await collect(rows.batch(64));
    expect(batches.map((b) => b.y.length)).toEqual([64, 64, 64, 64, 44]);
    expect(batches[4]!.y).toBeInstanceOf(Int32Array);
    expect(Array.from(batches[1]!.x.subarray(0, 3))).toEqual(Array.from(x.subarray(64 * 3, 64 * 3 + 3)));
  });

  test('map, take and skip; every iteration is a new pass', async () => {
    const firsts = rows.map((e) => e.x[0]!).skip(10).take(5);
    expect(await collect(firsts)).toEqual(Array.from({ length: 5 }, (_, i) => x[(10 + i) * 3]));
    expect(await collect(firsts)).toEqual(await collect(firsts));
    expect(await collect(rows.take(0))).toEqual([]);
  });

  test('a shuffle buffer emits a permutation, another one every pass, the same for the same seed', async () => {
    const index = rows.map((e) => e.x.byteOffset / 12);
    const a = index.shuffle({ bufferSize: 50, seed: 7 });
    const [first, second] = [await collect(a), await collect(a)];
    expect([...first].sort((p, q) => p - q)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(first).not.toEqual(second);
    expect(first).not.toEqual(Array.from({ length: N }, (_, i) => i));
    expect(await collect(index.shuffle({ bufferSize: 50, seed: 7 }))).toEqual(first);
    // A buffer of 50 moves an element at most ~50 places ahead of where it was read.
    first.forEach((original, position) => expect(position).toBeGreaterThanOrEqual(original - 50));
  });

  test('split: disjoint, together all of it, the same on every pass', async () => {
    const index = rows.map((e) => e.x.byteOffset / 12);
    const [train, held] = index.split(0.25, { seed: 3 });
    const [t, h] = [await collect(train), await collect(held)];
    expect([...t, ...h].sort((p, q) => p - q)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(h.length).toBeGreaterThan(N * 0.15);
    expect(h.length).toBeLessThan(N * 0.35);
    expect(await collect(held)).toEqual(h);
  });

  test('bad arguments are refused like everywhere else', () => {
    expect(() => rows.batch(0)).toThrow(/Expected positive integer for size but received 0/);
    expect(() => rows.take(-1)).toThrow(/Expected integer ≥ 0 for n but received -1/);
    expect(() => rows.split(1)).toThrow(/Expected number between 0 and 1 \(exclusive\) for fraction/);
    expect(() => rows.shuffle({ bufferSize: 10, seeds: 1 } as never)).toThrow(/Unknown option 'seeds' in shuffle options; did you mean 'seed'\?/);
    expect(() => Dataset.from(42 as never)).toThrow(InvalidArgumentError);
    expect(() => Dataset.fromArrays(x, labels.subarray(1), { features: 3 })).toThrow(/Expected y to hold 300 class labels/);
    expect(() => Dataset.fromArrays(x, [0.5, 1.5] as never, { features: 3 })).toThrow(/Expected Float32Array of targets or an integer typed array of class labels for y but received array/);
  });
});

describe('exact semantics of each operation', () => {
  const index = (n: number) => Dataset.fromArrays(Float32Array.from({ length: n }, (_, i) => i), new Int32Array(n), { features: 1 }).map((e) => e.x[0]!);

  /** The documented shuffle buffer, written out: Random(seed + pass), uniform replacement, Fisher–Yates drain. */
  function shuffleReference(n: number, size: number, seed: number): number[] {
    const random = new Random(seed);
    const buffer: number[] = [];
    const out: number[] = [];
    for (let element = 0; element < n; element++) {
      if (buffer.length < size) {
        buffer.push(element);
        continue;
      }
      const i = Math.floor(random.next() * size);
      out.push(buffer[i]!);
      buffer[i] = element;
    }
    for (let i = buffer.length - 1; i >= 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      out.push(buffer[j]!);
      buffer[j] = buffer[i]!;
    }
    return out;
  }

  test('shuffle: exactly the documented buffer, pass p seeded with seed + p, default seed 42; a buffer of 1 keeps the order', async () => {
    const shuffled = index(40).shuffle({ bufferSize: 8, seed: 7 });
    expect(await collect(shuffled)).toEqual(shuffleReference(40, 8, 7));
    expect(await collect(shuffled)).toEqual(shuffleReference(40, 8, 8));
    expect(await collect(index(40).shuffle({ bufferSize: 8 }))).toEqual(shuffleReference(40, 8, 42));
    expect(await collect(index(5).shuffle({ bufferSize: 100, seed: 1 }))).toEqual(shuffleReference(5, 100, 1));
    expect(await collect(index(10).shuffle({ bufferSize: 1, seed: 3 }))).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(() => index(3).shuffle({ bufferSize: 2, seed: -1 })).toThrow(new InvalidArgumentError('Expected integer ≥ 0 for seed but received -1 of type number'));
    expect(() => index(3).shuffle({ bufferSize: 2, seed: 1.5 })).toThrow('Expected integer ≥ 0 for seed but received 1.5');
    expect(() => index(3).shuffle({ bufferSize: 0 })).toThrow(new InvalidArgumentError('Expected positive integer for bufferSize but received 0 of type number'));
  });

  test('split holds out exactly the positions heldOut(seed, i, fraction) names; default seed 42', async () => {
    const [train, held] = index(200).split(0.3, { seed: 5 });
    const expected = Array.from({ length: 200 }, (_, i) => i).filter((i) => heldOut(5, i, 0.3));
    expect(await collect(held)).toEqual(expected);
    expect(await collect(train)).toEqual(Array.from({ length: 200 }, (_, i) => i).filter((i) => !heldOut(5, i, 0.3)));
    expect(await collect(index(200).split(0.3)[1])).toEqual(Array.from({ length: 200 }, (_, i) => i).filter((i) => heldOut(42, i, 0.3)));
    // The hash spreads: a different seed holds out different rows, about the fraction of them.
    expect(expected.length).toBeGreaterThan(40);
    expect(expected.length).toBeLessThan(80);
    expect(Array.from({ length: 200 }, (_, i) => heldOut(6, i, 0.3))).not.toEqual(Array.from({ length: 200 }, (_, i) => heldOut(5, i, 0.3)));
    for (const fraction of [0, -0.1, 1, NaN, '0.5']) {
      expect(() => index(3).split(fraction as number)).toThrow(`Expected number between 0 and 1 (exclusive) for fraction but received`);
    }
    expect(() => index(3).split(0.5, { seed: -2 })).toThrow(new InvalidArgumentError('Expected integer ≥ 0 for seed but received -2 of type number'));
    expect(() => index(3).split(0.5, { sed: 1 } as never)).toThrow("Unknown option 'sed' in split options");
    expect(await collect(index(20).split(Number.MIN_VALUE)[1])).toEqual([]);
  });

  test('fromArrays: float targets of any width become row views; every refusal names what is wrong', async () => {
    const x = Float32Array.of(1, 2, 3, 4, 5, 6);
    const y = Float32Array.of(10, 11, 20, 21, 30, 31);
    const rows = await collect(Dataset.fromArrays(x, y, { features: 2 }));
    expect(rows.map((r) => [Array.from(r.x), Array.from(r.y as Float32Array)])).toEqual([[[1, 2], [10, 11]], [[3, 4], [20, 21]], [[5, 6], [30, 31]]]);
    expect((rows[1]!.y as Float32Array).buffer).toBe(y.buffer);
    for (const Labels of [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array]) {
      expect((await collect(Dataset.fromArrays(x, Labels.of(2, 0, 1), { features: 2 }))).map((r) => r.y)).toEqual([2, 0, 1]);
    }
    const refused: [() => unknown, Error][] = [
      [() => Dataset.fromArrays([1, 2] as never, y, { features: 2 }), new InvalidArgumentError('Expected Float32Array (samples × features) for x but received array')],
      [() => Dataset.fromArrays(new Float32Array(0), y, { features: 2 }), new ShapeError('Expected x length to be a positive multiple of features 2 but received Float32Array of length 0')],
      [() => Dataset.fromArrays(x.subarray(1), y, { features: 2 }), new ShapeError('Expected x length to be a positive multiple of features 2 but received Float32Array of length 5')],
      [() => Dataset.fromArrays(x, y.subarray(1), { features: 2 }), new ShapeError('Expected y to hold a multiple of 3 values but received Float32Array of length 5')],
      [() => Dataset.fromArrays(x, new Uint8Array(2), { features: 2 }), new ShapeError('Expected y to hold 3 class labels but received Uint8Array of length 2')],
      [() => Dataset.fromArrays(x, y, { features: 0 }), new InvalidArgumentError('Expected positive integer for features but received 0 of type number')],
      [() => Dataset.fromArrays(x, new Float64Array(3) as never, { features: 2 }), new InvalidArgumentError('Expected Float32Array of targets or an integer typed array of class labels for y but received Float64Array of length 3')],
      [() => Dataset.fromArrays(x, y, { feature: 2 } as never), new InvalidArgumentError("Unknown option 'feature' in fromArrays options; did you mean 'features'? (known options: features)")],
    ];
    for (const [call, error] of refused) expect(call).toThrow(error);
  });

  test('batch packs float targets row by row and refuses mixed examples; map, from and batch refuse what they cannot use', async () => {
    const examples = [{ x: Float32Array.of(1, 2), y: Float32Array.of(5, 6) }, { x: Float32Array.of(3, 4), y: Float32Array.of(7, 8) }, { x: Float32Array.of(9, 9), y: Float32Array.of(0, 1) }];
    const [first, last] = await collect(Dataset.ofExamples(() => examples, { featureNames: [], classes: [], skipped: 0 } as never).batch(2));
    expect(Array.from(first!.x)).toEqual([1, 2, 3, 4]);
    expect(first!.y).toBeInstanceOf(Float32Array);
    expect(Array.from(first!.y)).toEqual([5, 6, 7, 8]);
    expect(Array.from(last!.y)).toEqual([0, 1]);
    const labelled = await collect(Dataset.ofExamples(() => [{ x: Float32Array.of(1), y: 2 }, { x: Float32Array.of(3), y: 0 }], {} as never).batch(5));
    expect(labelled[0]!.y).toEqual(Int32Array.of(2, 0));
    const packing = async (rows: object[]) => collect(Dataset.ofExamples(() => rows as never, {} as never).batch(4));
    await expect(packing([{ x: Float32Array.of(1, 2), y: 0 }, { x: Float32Array.of(1), y: 0 }])).rejects.toThrow(
      new ShapeError('Expected every example to have 2 features but example 1 of a batch has 1'));
    await expect(packing([{ x: Float32Array.of(1), y: 0 }, { x: Float32Array.of(1), y: Float32Array.of(0) }])).rejects.toThrow(
      new ShapeError('Expected every example of a batch to have the same kind of target (class label or values)'));
    await expect(packing([{ x: Float32Array.of(1), y: Float32Array.of(0) }, { x: Float32Array.of(1), y: 1 }])).rejects.toThrow(
      new ShapeError('Expected every example of a batch to have the same kind of target (class label or values)'));
    await expect(packing([{ x: Float32Array.of(1), y: Float32Array.of(0, 1) }, { x: Float32Array.of(1), y: Float32Array.of(0) }])).rejects.toThrow(
      new ShapeError('Expected every example to have 2 target values but example 1 of a batch has 1'));
    expect(() => index(2).map(3 as never)).toThrow(new InvalidArgumentError('Expected function for fn but received 3 of type number'));
    const batched = Dataset.fromArrays(Float32Array.of(1, 2), new Int32Array(2), { features: 1 }).batch(1) as unknown as Dataset<Example>;
    expect(() => batched.batch(1)).toThrow(new InvalidArgumentError('Expected a dataset of examples for batch() but this one is already batched'));
    const sourceMessage = 'Expected iterable or async iterable of { x, y } batches, or a function returning one for source but received';
    expect(() => Dataset.from(null as never)).toThrow(`${sourceMessage} null`);
    expect(() => Dataset.from({ x: 1 } as never)).toThrow(`${sourceMessage} Object`);
    expect(() => Dataset.from('abc' as never)).toThrow(`${sourceMessage} 'abc' of type string`);
    expect(await collect(Dataset.from([{ x: Float32Array.of(1), y: Float32Array.of(2) }]))).toHaveLength(1);
    expect(await collect(Dataset.from((async function* () { yield { x: Float32Array.of(1), y: Float32Array.of(2) }; })()))).toHaveLength(1);
    expect(() => index(2).take(1.5)).toThrow(new InvalidArgumentError('Expected integer ≥ 0 for n but received 1.5 of type number'));
    expect(() => index(2).skip('1' as never)).toThrow("Expected integer ≥ 0 for n but received '1' of type string");
    expect(await collect(index(5).skip(0))).toEqual([0, 1, 2, 3, 4]);
    expect(await collect(index(5).take(9))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('streams as fit reads them (lib/data/source.ts)', () => {
  const index = (n: number) => Dataset.fromArrays(Float32Array.from({ length: n }, (_, i) => i), new Int32Array(n), { features: 1 });
  const firsts = async (d: AsyncIterable<Batch>) => (await collect(d)).map((b) => Array.from(b.x));

  test('isDataSource: a Dataset, a function or an async iterable; arrays and plain values are not', () => {
    expect([index(2), () => [], (async function* () {})(), { [Symbol.asyncIterator]: () => ({}) }].map(isDataSource)).toEqual([true, true, true, true]);
    expect([[1, 2], new Float32Array(2), { x: 1 }, null, undefined, 'abc', 3].map(isDataSource)).toEqual([false, false, false, false, false, false, false]);
  });

  test('streamBatches: examples batched as they come, or after the seeded shuffle buffer; batches pass through; true is refused', async () => {
    expect(await firsts(streamBatches(index(5), 2, undefined, 7))).toEqual([[0, 1], [2, 3], [4]]);
    expect(await firsts(streamBatches(index(5), 2, false, 7))).toEqual([[0, 1], [2, 3], [4]]);
    const shuffled = await firsts(streamBatches(index(30), 4, { bufferSize: 6 }, 7));
    expect(shuffled).toEqual(await firsts(index(30).shuffle({ bufferSize: 6, seed: 7 }).batch(4)));
    expect(shuffled.flat()).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
    // A negative model seed is read as its unsigned 32-bit value.
    expect(await firsts(streamBatches(index(30), 4, { bufferSize: 6 }, -1))).toEqual(await firsts(index(30).shuffle({ bufferSize: 6, seed: 2 ** 32 - 1 }).batch(4)));
    const batches = index(6).batch(3);
    expect(streamBatches(batches, 2, undefined, 1)).toBe(batches);
    expect(() => streamBatches(index(5), 2, true, 7)).toThrow(new InvalidArgumentError('Expected { bufferSize } for a stream, which cannot be shuffled whole for shuffle but received true of type boolean'));
    expect(() => streamBatches(index(5), 2, { size: 3 }, 7)).toThrow("Unknown option 'size' in shuffle");
  });
});

describe('loader details', () => {
  test('paths and options are checked before any reading', () => {
    for (const load of [(p: unknown) => Dataset.fromCsv(p as string, { target: 'y' }), (p: unknown) => Dataset.fromJsonLines(p as string, { target: 'y' })]) {
      expect(() => load('')).toThrow(new InvalidArgumentError("Expected non-empty string for path but received '' of type string"));
      expect(() => load(3)).toThrow(new InvalidArgumentError('Expected non-empty string for path but received 3 of type number'));
    }
    expect(() => Dataset.fromCsv(csvPath, { target: 'kind', delimiter: '' })).toThrow(new InvalidArgumentError("Expected non-empty string for delimiter but received '' of type string"));
    expect(() => Dataset.fromCsv(csvPath, { target: 'kind', delimiter: 9 as never })).toThrow(new InvalidArgumentError('Expected non-empty string for delimiter but received 9 of type number'));
    expect(() => Dataset.fromCsv(csvPath, { target: 'kind', header: 'yes' as never })).toThrow(new InvalidArgumentError("Expected boolean for header but received 'yes' of type string"));
    expect(() => Dataset.fromCsv(csvPath, { target: 'kind', colour: 1 } as never)).toThrow(/^Unknown option 'colour' in fromCsv options/);
    expect(() => Dataset.fromJsonLines(jsonPath, { target: 'kind', colour: 1 } as never)).toThrow(/^Unknown option 'colour' in fromJsonLines options/);
  });

  test('CSV: fields are trimmed, blank lines skipped, any delimiter; a file read twice starts over', async () => {
    const p = file('spaced.csv', 'a ; b ; y\n\n 1 ; 2 ; 3 \n\n4;5;6\n');
    const data = Dataset.fromCsv(p, { target: 'y', delimiter: ';' });
    const rows = await collect(data);
    expect(rows.map((r) => [...Array.from(r.x), ...Array.from(r.y as Float32Array)])).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(data.table!.featureNames).toEqual(['a', 'b']);
    expect((await collect(data)).length).toBe(2);
    // Line numbers count the header and blank lines, as an editor shows them.
    const bad = file('bad-line.csv', 'a,y\n\n1,2\nx,3\n');
    await expect(collect(Dataset.fromCsv(bad, { target: 'y' }))).rejects.toThrow(`Expected a finite number but found "x" in ${bad} line 4 column 'a'`);
  });

  test('JSON lines: blank lines skipped and counted in line numbers; a non-object or bad JSON line is named, or skipped and counted', async () => {
    const p = file('mixed.jsonl', '{"a":1,"y":2}\n   \n[1,2]\n{"a":3,"y":4}\nnot json\n7\n');
    const rejects = async (text: string, message: string) => {
      await expect(collect(Dataset.fromJsonLines(file('one.jsonl', text), { target: 'y' }))).rejects.toThrow(message);
    };
    await rejects('{"a":1,"y":2}\n\n[1,2]\n', 'Expected a JSON object but found [1,2] in');
    await rejects('\n\n\nnull\n', 'line 4');
    await rejects('"text"\n', 'Expected a JSON object but found "text" in');
    await rejects('{"a":1,\n', 'Expected a JSON object but found invalid JSON (');
    const skipping = Dataset.fromJsonLines(p, { target: 'y', onError: 'skip' });
    expect((await collect(skipping)).map((r) => r.x[0])).toEqual([1, 3]);
    expect(skipping.table!.skipped).toBe(3);
    const error = (await collect(Dataset.fromJsonLines(p, { target: 'y' })).catch((e: unknown) => e)) as DataFormatError;
    expect(error).toMatchObject({ line: 3, file: p });
  });

  test('an unreadable path is a FileError naming it, for both loaders', async () => {
    const missing = path.join(dir, 'missing.csv');
    for (const data of [Dataset.fromCsv(missing, { target: 'y' }), Dataset.fromJsonLines(missing, { target: 'y' })]) {
      const error = (await collect(data).catch((e: unknown) => e)) as FileError;
      expect(error).toBeInstanceOf(FileError);
      expect(error.message).toMatch(new RegExp(`^Cannot read ${missing.replace(/[/.]/g, '\\$&')}: ENOENT`));
      expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    }
  });
});

describe('loaders', () => {
  test('CSV and JSON lines give the same examples as the arrays', async () => {
    const fromArrays = await collect(Dataset.fromArrays(x, labels, { features: 3 }));
    for (const data of [Dataset.fromCsv(csvPath, { target: 'kind', labels: CLASSES }), Dataset.fromJsonLines(jsonPath, { target: 'kind', labels: CLASSES })]) {
      const examples = await collect(data);
      expect(examples.map((e) => [Array.from(e.x), e.y])).toEqual(fromArrays.map((e) => [Array.from(e.x), e.y]));
      expect(data.table).toMatchObject({ featureNames: ['f0', 'f1', 'f2'], features: 3, classes: CLASSES, skipped: 0 });
    }
  });

  test("labels 'auto' numbers classes by first appearance; oneHot gives rows; categories one-hot a feature", async () => {
    const p = file('pets.csv', 'size;color;pet\n1.5;red;cat\n2;blue;dog\n0.5;red;cat\n3;green;bird\n');
    const auto = Dataset.fromCsv(p, { target: 'pet', labels: 'auto', delimiter: ';', categories: { color: ['red', 'green', 'blue'] } });
    const examples = await collect(auto);
    expect(examples.map((e) => [Array.from(e.x), e.y])).toEqual([[[1.5, 1, 0, 0], 0], [[2, 0, 0, 1], 1], [[0.5, 1, 0, 0], 0], [[3, 0, 1, 0], 2]]);
    expect(auto.table!.classes).toEqual(['cat', 'dog', 'bird']);
    const hot = await collect(Dataset.fromCsv(p, { target: 'pet', labels: ['bird', 'cat', 'dog'], oneHot: true, delimiter: ';', features: ['size'] }));
    expect(hot.map((e) => [Array.from(e.x), Array.from(e.y as Float32Array)])).toEqual([[[1.5], [0, 1, 0]], [[2], [0, 0, 1]], [[0.5], [0, 1, 0]], [[3], [1, 0, 0]]]);
    // No header: columns by index; a numeric target gives float target rows.
    const plain = await collect(Dataset.fromCsv(file('plain.csv', '1,2,3\n4,5,6\n'), { header: false, target: 0 }));
    expect(plain.map((e) => [Array.from(e.x), Array.from(e.y as Float32Array)])).toEqual([[[2, 3], [1]], [[5, 6], [4]]]);
  });

  test('a malformed row names file, line and column, or is skipped and counted', async () => {
    const p = file('bad.csv', 'a,b,y\n1,2,3\n4,oops,6\n7,8,9\n');
    const error = await collect(Dataset.fromCsv(p, { target: 'y' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error).toMatchObject({ code: 'ERR_BLASTRAIN_DATA_FORMAT', file: p, line: 3, column: 'b' });
    expect((error as Error).message).toBe(`Expected a finite number but found "oops" in ${p} line 3 column 'b'`);
    const skipping = Dataset.fromCsv(p, { target: 'y', onError: 'skip' });
    expect((await collect(skipping)).map((e) => Array.from(e.x))).toEqual([[1, 2], [7, 8]]);
    expect(skipping.table!.skipped).toBe(1);
    const ragged = await collect(Dataset.fromCsv(file('ragged.csv', 'a,b,y\n1,2,3\n4,5\n'), { target: 'y' })).catch((e: unknown) => e);
    expect(ragged).toMatchObject({ code: 'ERR_BLASTRAIN_DATA_FORMAT', line: 3 });
    const unknownClass = await collect(Dataset.fromCsv(csvPath, { target: 'kind', labels: ['low', 'mid'] })).catch((e: unknown) => e);
    expect((unknownClass as Error).message).toMatch(/Expected one of the classes 'low', 'mid' but found "high" in .*rows\.csv line \d+ column 'kind'/);
    const json = file('bad.jsonl', '{"a":1,"y":2}\nnot json\n[1,2]\n{"a":3,"y":4}\n');
    expect(await collect(Dataset.fromJsonLines(json, { target: 'y' })).catch((e: unknown) => e)).toMatchObject({ code: 'ERR_BLASTRAIN_DATA_FORMAT', line: 2 });
    const jsonSkipping = Dataset.fromJsonLines(json, { target: 'y', onError: 'skip' });
    expect((await collect(jsonSkipping)).map((e) => Array.from(e.x))).toEqual([[1], [3]]);
    expect(jsonSkipping.table!.skipped).toBe(2);
    expect(await collect(Dataset.fromCsv(path.join(dir, 'missing.csv'), { target: 'y' })).catch((e: unknown) => e)).toBeInstanceOf(FileError);
    expect(() => Dataset.fromCsv(p, { target: 'y', oneHot: true })).toThrow(/Expected labels given as a list of classes/);
  });
});

const classifier = (backend: 'native' | 'js' = 'native') => {
  const m = new Sequential({ inputSize: 3, seed: 11, backend, layers: [new Dense(16, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.2, momentum: 0.9, clipNorm: 2 }), metrics: ['accuracy', 'mae'] });
  return m;
};

describe('fit on a stream', () => {
  test.each(['native', 'js'] as const)('%s backend: a CSV stream trains exactly as the same rows in memory, schedule and validation included', async (backend) => {
    const options = { epochs: 3, batchSize: 32, lrSchedule: new OneCycleLR({ maxLr: 0.3, totalSteps: 30 }) };
    const arrays = classifier(backend);
    const fromArrays = await arrays.fit(x, labels, { ...options, lrSchedule: new OneCycleLR({ maxLr: 0.3, totalSteps: 30 }), shuffle: false, validationData: [x.subarray(0, 270), labels.subarray(0, 90)] });
    const streamed = classifier(backend);
    const data = Dataset.fromCsv(csvPath, { target: 'kind', labels: CLASSES });
    const fromStream = await streamed.fit(data, { ...options, validationData: data.take(90) });
    expect(streamed.params).toEqual(arrays.params);
    expect(fromStream).toEqual(fromArrays);
    expect(await streamed.evaluateAsync(data.take(90), { batchSize: 40 })).toEqual(await arrays.evaluateAsync(x.subarray(0, 270), labels.subarray(0, 90), { batchSize: 40 }));
  });

  test('batches from an async generator function, one per epoch; callbacks and stopTraining as for arrays', async () => {
    const model = classifier();
    let passes = 0;
    async function* batches(): AsyncGenerator<Batch> {
      passes++;
      for (let start = 0; start < N; start += 50) yield { x: x.slice(start * 3, (start + 50) * 3), y: labels.slice(start, start + 50) };
    }
    const seen: number[] = [];
    const history = await model.fit(batches, {
      epochs: 4,
      callbacks: {
        onBatchEnd: (batch, logs) => void seen.push(batch, logs.size),
        onEpochEnd: (epoch) => {
          if (epoch === 2) model.stopTraining = true;
        },
      },
    });
    expect(passes).toBe(3);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(seen.slice(0, 12)).toEqual([0, 50, 1, 50, 2, 50, 3, 50, 4, 50, 5, 50]);
    expect(history.accuracy!.at(-1)).toBeGreaterThan(0.6);
  });

  test('the next batch is produced while the current one trains, and never more than one ahead', async () => {
    const model = classifier();
    const events: string[] = [];
    async function* batches(): AsyncGenerator<Batch> {
      for (let i = 0; i < 6; i++) {
        events.push(`produce ${i}`);
        yield { x: x.slice(i * 150, (i + 1) * 150), y: labels.slice(i * 50, (i + 1) * 50) };
      }
    }
    await model.fit(batches, { callbacks: { onBatchEnd: (b) => void events.push(`trained ${b}`) } });
    expect(events).toEqual([
      'produce 0', 'produce 1', 'trained 0', 'produce 2', 'trained 1', 'produce 3', 'trained 2', 'produce 4', 'trained 3',
      'produce 5', 'trained 4', 'trained 5',
    ]);
  });

  test('an AbortSignal stops a stream between batches and closes its iterator', async () => {
    const model = classifier();
    const controller = new AbortController();
    let closed = false;
    async function* batches(): AsyncGenerator<Batch> {
      try {
        for (let i = 0; ; i++) {
          if (i === 3) controller.abort(new Error('client went away'));
          yield { x: x.slice(0, 150), y: labels.slice(0, 50) };
        }
      } finally {
        closed = true;
      }
    }
    await expect(model.fit(batches, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORT_ERR', message: expect.stringMatching(/client went away/) });
    expect(closed).toBe(true);
    expect(model.isTraining).toBe(false);
  });

  test('a shuffle buffer on the stream; errors name what is wrong', async () => {
    const model = classifier();
    const data = Dataset.fromArrays(x, labels, { features: 3 });
    const history = await model.fit(data, { epochs: 2, batchSize: 30, shuffle: { bufferSize: 100 } });
    expect(history.loss).toHaveLength(2);
    await expect(model.fit(data, { shuffle: true })).rejects.toThrow(/Expected \{ bufferSize \} for a stream, which cannot be shuffled whole for shuffle/);
    await expect(model.fit(data, { validationSplit: 0.2 })).rejects.toThrow(/dataset\.split\(fraction\)/);
    await expect(model.fit(Dataset.from([{ x: new Float32Array(5), y: new Int32Array(1) } as Batch]))).rejects.toThrow(/multiple of inputSize 3/);
    await expect(model.fit(Dataset.from([42 as unknown as Batch]))).rejects.toThrow(/Expected \{ x, y \} batch for batch 0 of the stream but received 42/);
    const bad = Dataset.fromCsv(file('badfit.csv', 'a,b,c,kind\n1,2,3,low\n1,x,3,low\n'), { target: 'kind', labels: CLASSES });
    await expect(model.fit(bad)).rejects.toBeInstanceOf(DataFormatError);
    // The model is usable afterwards: nothing is left busy.
    expect(model.predict(x.subarray(0, 3))).toHaveLength(3);
  });
});



// Mutated CSV and JSON-lines files, and hostile stream elements, must only ever give
// BlastrainErrors (DataFormatError naming file and line, ShapeError, InvalidArgumentError…):
// no other exception, no hang, no crash. CI runs this under ASan + UBSan.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { BlastrainError, DataFormatError, Dataset, Dense, SGD, Sequential, type Batch } from '../../lib/index';
import { scratchDir } from '../helpers';

const dir = scratchDir('data-fuzz');
const valid = ['a,b,c,kind', '0.5,1,2,x', '-1,2.5,0,y', '3,4,5,x', '1e3,-2,7,z'].join('\n') + '\n';
const validJson = ['{"a":0.5,"b":1,"kind":"x"}', '{"a":-1,"b":2.5,"kind":"y"}', '{"a":3,"b":4,"kind":"x"}'].join('\n') + '\n';

/** Byte-level edits of a text file: flips, deletions, insertions of the characters that matter. */
const edited = (text: string) =>
  fc.array(fc.record({ at: fc.nat(text.length), op: fc.constantFrom('flip', 'delete', 'insert'), char: fc.constantFrom(',', '\n', '"', '{', '}', ':', 'x', '-', '.', 'e', '\u0000', '\r', ' ') }), { maxLength: 6 })
    .map((edits) => {
      let s = text;
      for (const { at, op, char } of edits) {
        const i = Math.min(at, s.length);
        s = op === 'delete' ? s.slice(0, i) + s.slice(i + 1) : op === 'insert' ? s.slice(0, i) + char + s.slice(i) : s.slice(0, i) + char + s.slice(i + 1);
      }
      return s;
    });

const model = new Sequential({ inputSize: 3, layers: [new Dense(4, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });

async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(BlastrainError);
    return (error as BlastrainError).code;
  }
}

test('mutated CSV files: examples or BlastrainErrors, through the loader and through fit', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(edited(valid), fc.constantFrom<'throw' | 'skip'>('throw', 'skip'), async (text, onError) => {
      const file = path.join(dir, `f${n++}.csv`);
      writeFileSync(file, text);
      const data = Dataset.fromCsv(file, { target: 'kind', labels: ['x', 'y', 'z'], onError });
      const code = await outcome(() => model.fit(data, { batchSize: 2 }));
      if (code === 'ERR_BLASTRAIN_DATA_FORMAT') {
        const error = await (async () => { for await (const _ of data); })().catch((e: unknown) => e);
        expect((error as DataFormatError).file).toBe(file);
      }
    }),
    { numRuns: 150, seed: 20261201 },
  );
});

test('mutated JSON-lines files: examples or BlastrainErrors', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(edited(validJson), async (text) => {
      const file = path.join(dir, `j${n++}.jsonl`);
      writeFileSync(file, text);
      await outcome(async () => {
        for await (const _ of Dataset.fromJsonLines(file, { target: 'kind', labels: 'auto', features: ['a', 'b'] }));
      });
    }),
    { numRuns: 150, seed: 20261202 },
  );
});

test('hostile stream elements: BlastrainErrors, and the model stays usable', async () => {
  const element = fc.oneof(
    fc.constantFrom<unknown>(null, 42, 'batch', [], {}, { x: null, y: null }, { x: new Float32Array(0), y: new Int32Array(0) }),
    fc.record({ x: fc.float32Array({ maxLength: 12 }), y: fc.oneof(fc.int32Array({ maxLength: 4 }), fc.float32Array({ maxLength: 12 })) }),
    fc.record({ x: fc.constant(new Float32Array(6)), y: fc.constantFrom<unknown>(Int32Array.of(0, 9), Int32Array.of(-1, 0), Float32Array.of(NaN, 0, 0, 0, 0, 1), [0, 1], 'ab') }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(element, { maxLength: 4 }), async (elements) => {
      await outcome(() => model.fit(Dataset.from(elements as Batch[])));
      await outcome(() => model.evaluateAsync(Dataset.from(elements as Batch[])));
      expect(model.predict(new Float32Array(3))).toHaveLength(3);
    }),
    { numRuns: 200, seed: 20261203 },
  );
});

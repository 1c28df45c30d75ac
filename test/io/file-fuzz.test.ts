// Mutated model files (truncations, byte flips, edited header JSON, huge numbers) must only ever
// give BlastrainErrors: no crash, no hang, no large allocation. CI runs this under ASan + UBSan.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Adam, BlastrainError, Dense, Sequential } from '../../lib/index';
import { headerOf, withHeader } from './safetensors-files';

const model = new Sequential({ inputSize: 3, layers: [new Dense(5, { activation: 'tanh' }), new Dense(2, { activation: 'softmax' })] });
model.compile({ loss: 'categoricalCrossentropy', optimizer: new Adam() });
const valid = model.toBuffer({ optimizer: true });
const huge = fc.constantFrom(2 ** 31, 2 ** 53, 1e300, -1, -(2 ** 31), 0.5, NaN, 1e9, 65536, 2 ** 32 - 1);

/** Replaces the n-th number of the header JSON (metadata strings included) with `value`. */
function replaceNumber(bytes: Buffer, n: number, value: number): Buffer {
  return withHeader(bytes, (header) => {
    let seen = 0;
    const visit = (node: unknown): unknown => {
      if (typeof node === 'number') return seen++ === n ? value : node;
      if (typeof node === 'string' && /^[[{]/.test(node)) {
        try {
          return JSON.stringify(visit(JSON.parse(node)));
        } catch {
          return node;
        }
      }
      if (Array.isArray(node)) return node.map(visit);
      if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
      return node;
    };
    for (const key of Object.keys(header)) header[key] = visit(header[key]);
  });
}

/** Header surgery applies only while the header still parses; otherwise the bytes pass unchanged. */
function ifParsable(edit: (b: Buffer) => Buffer): (b: Buffer) => Buffer {
  return (b) => {
    try {
      return edit(b);
    } catch {
      return b;
    }
  };
}

const mutation = fc.oneof(
  fc.nat().map((n) => (b: Buffer) => b.subarray(0, n % b.length)),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => (b: Buffer) => {
    const copy = Buffer.from(b);
    const headerEnd = b.length < 8 ? b.length : Math.min(b.length, 8 + Number(b.readBigUInt64LE(0)));
    // Half the flips in the header, where they change meaning rather than weights.
    if (copy.length > 0) for (const [i, v] of flips) copy[i % 2 === 0 ? i % headerEnd : i % copy.length] = v;
    return copy;
  }),
  fc.tuple(fc.nat(60), huge).map(([n, v]) => ifParsable((b) => replaceNumber(b, n, v))),
  fc.constantFrom('__metadata__', '0.weight', '0.bias', '2.weight', 'optimizer.expAvg').map((key) => ifParsable((b) => withHeader(b, (h) => delete h[key]))),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((length) => ifParsable((b) => {
    const copy = Buffer.from(b);
    copy.writeBigUInt64LE(length, 0);
    return copy;
  })),
);

test('mutated files load or throw a BlastrainError, never allocating much', async () => {
  expect(Object.keys(headerOf(valid))).toContain('optimizer.expAvg');
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      const bytes = mutations.reduce((b, m) => m(b), valid);
      const before = process.memoryUsage().arrayBuffers;
      try {
        const loaded = await Sequential.fromBuffer(bytes);
        expect(loaded.params.every(Number.isFinite)).toBe(true);
      } catch (error) {
        if (!(error instanceof BlastrainError)) throw error;
        refused++;
      }
      // The file is a few hundred bytes: nothing it says may make the loader allocate megabytes.
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
    }),
    { numRuns: 600, seed: 4242 },
  );
  expect(refused).toBeGreaterThan(300);
});

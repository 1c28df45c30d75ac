// The seeded generator (lib/random.ts) against values computed independently: mulberry32 written
// out in Python with exact 32-bit integer arithmetic.
import { expect, test } from 'vitest';
import { Random } from '../lib/random';

test('mulberry32: the first values for three seeds, as an independent implementation gives them', () => {
  const take = (seed: number, n: number) => {
    const random = new Random(seed);
    return Array.from({ length: n }, () => random.next());
  };
  expect(take(42, 4)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693]);
  expect(take(0, 2)).toEqual([0.26642920868471265, 0.0003297457005828619]);
  // Seeds are read as unsigned 32-bit integers: -1 is 2³² − 1.
  expect(take(-1, 2)).toEqual([0.8964226141106337, 0.189478256739676]);
  expect(take(2 ** 32 - 1, 2)).toEqual(take(-1, 2));
});

test('the state is the whole generator: read after n values, restoring it resumes the sequence', () => {
  const random = new Random(42);
  expect(random.state).toBe(42);
  for (let i = 0; i < 4; i++) random.next();
  expect(random.state).toBe(3031295998);
  const resumed = new Random(0);
  resumed.state = random.state;
  expect(resumed.next()).toBe(random.next());
  resumed.state = -1;
  expect(resumed.state).toBe(2 ** 32 - 1);
});

test('uniform(limit) maps [0, 1) onto [−limit, limit); shuffle is Fisher–Yates from the last element down', () => {
  const a = new Random(42);
  const b = new Random(42);
  expect(a.uniform(3)).toBe((2 * b.next() - 1) * 3);
  const order = Int32Array.from([0, 1, 2, 3, 4, 5]);
  new Random(7).shuffle(order);
  expect(Array.from(order)).toEqual([4, 1, 2, 3, 5, 0]);
  const one = Int32Array.of(9);
  new Random(7).shuffle(one);
  expect(Array.from(one)).toEqual([9]);
});

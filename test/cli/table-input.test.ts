// How the CLI reads a table into memory (lib/cli/table-input.ts), called directly: rows wider
// than the first buffer, labels renumbered to the sorted classes, the held-out rows.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { heldOut } from '../../lib/data/dataset';
import { loadTable, sortClasses, tableSource } from '../../lib/cli/table-input';
import { tempDir } from './run';

const dir = tempDir();

test('rows of 3,000 features (each longer than the first buffer) arrive whole', async () => {
  const features = 3000;
  const lines = [Array.from({ length: features }, (_, f) => `f${f}`).concat('y').join(',')];
  for (let r = 0; r < 3; r++) lines.push(Array.from({ length: features }, (_, f) => (r * features + f) % 97).concat(r).join(','));
  const file = path.join(dir, 'wide.csv');
  writeFileSync(file, lines.join('\n'));
  const table = await loadTable(tableSource(file, {}), { target: 'y' }, 0, 1);
  expect(table.train.count).toBe(3);
  expect(table.train.x.length).toBe(3 * features);
  expect(Array.from(table.train.x.subarray(2 * features, 2 * features + 3))).toEqual([(2 * features) % 97, (2 * features + 1) % 97, (2 * features + 2) % 97]);
  expect(Array.from(table.train.y)).toEqual([0, 1, 2]);
  expect(table.validation.count).toBe(0);
});

test('class labels are renumbered to the sorted classes; the held-out rows are those heldOut names', async () => {
  const file = path.join(dir, 'classes.csv');
  const kinds = ['zebra', 'ant', 'moth', 'ant', 'zebra', 'bee', 'moth', 'ant', 'bee', 'zebra'];
  writeFileSync(file, ['a,kind', ...kinds.map((k, i) => `${i},${k}`)].join('\n'));
  const table = await loadTable(tableSource(file, {}), { target: 'kind', labels: 'auto' }, 0.3, 5);
  expect(table.classes).toEqual(['ant', 'bee', 'moth', 'zebra']);
  const held = kinds.map((_, i) => heldOut(5, i, 0.3));
  const pick = (keep: boolean) => kinds.filter((_, i) => held[i] === keep);
  expect(Array.from(table.train.y, (label) => table.classes![label])).toEqual(pick(false));
  expect(Array.from(table.validation.y, (label) => table.classes![label])).toEqual(pick(true));
  expect(Array.from(table.validation.x)).toEqual(kinds.map((_, i) => i).filter((i) => held[i]));
  expect(sortClasses(['10', '9', '-1', '2.5'])).toEqual(['-1', '2.5', '9', '10']);
  expect(sortClasses(['b', 'B', 'a', '1'])).toEqual(['1', 'B', 'a', 'b']);
});

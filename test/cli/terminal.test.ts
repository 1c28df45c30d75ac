// The progress bar in a real terminal: train runs inside tmux (a terminal emulator that
// reflows lines on resize, as most desktop terminals do); the window is narrowed while the bar
// is drawn, and the screen must show one bar, within the new width, and no stale copy of the
// old, wider one. Skipped, saying so, where tmux is not installed (.ci/run installs it).
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { BIN, tempDir, writeBlobs } from './run';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) console.warn('skipping the terminal test: tmux is not installed (sudo apt-get install tmux)');

const SOCKET = `blastrain-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'train').split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, ok: (lines: string[]) => boolean, seconds = 60): Promise<string[]> {
  for (let i = 0; i < seconds * 10; i++) {
    const lines = screen();
    if (ok(lines)) return lines;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; the screen shows:\n${screen().join('\n')}`);
}

const isBar = (line: string) => /Epoch \d+\/\d+ \[/.test(line);

test.skipIf(!hasTmux)('the bar keeps to the window as it narrows and widens, and leaves whole epoch lines', async () => {
  const dir = tempDir();
  const data = writeBlobs(dir, 20_000, 11).csv;
  const command = [process.execPath, BIN, 'train', data, '--target', 'kind', '--features', 'x1,x2,x3,x4', '--layers', '256,256',
    '--batch-size', '8', '--epochs', '3', '-o', path.join(dir, 'm.safetensors')].map((w) => `'${w}'`).join(' ');
  tmux('new-session', '-d', '-s', 'train', '-x', '120', '-y', '40', `${command}; echo EXIT=$?; sleep 120`);
  try {
    const wide = await waitFor('a bar with an ETA', (lines) => lines.some((l) => isBar(l) && l.includes('ETA')));
    expect(wide.filter(isBar)).toHaveLength(1);
    tmux('resize-window', '-t', 'train', '-x', '44');
    // The first redraw at the new width (however long a loaded machine takes to get to it), then a few more.
    const isNarrowBar = (line: string) => isBar(line) && line.length < 44 && line.endsWith('…');
    await waitFor('a bar cut to the narrowed window', (lines) => lines.some(isNarrowBar));
    await sleep(600);
    const narrow = screen();
    expect(narrow.filter(isBar), narrow.join('\n')).toHaveLength(1);
    expect(narrow.filter((l) => l.includes('ETA')).length, narrow.join('\n')).toBeLessThanOrEqual(1); // no stale copy
    expect(narrow.filter(isNarrowBar), narrow.join('\n')).toHaveLength(1);
    tmux('resize-window', '-t', 'train', '-x', '160');
    const done = await waitFor('the end of training', (lines) => lines.some((l) => l.startsWith('EXIT=')), 120);
    expect(done).toContain('EXIT=0');
    expect(done.filter(isBar)).toHaveLength(0);
    const epochs = done.filter((l) => /^Epoch \d\/3 - /.test(l));
    expect(epochs.map((l) => l.slice(0, 9))).toEqual(['Epoch 1/3', 'Epoch 2/3', 'Epoch 3/3']);
    for (const line of epochs) expect(line).toMatch(/ - valLoss \d\.\d{6} - valAccuracy \d\.\d{4}$/); // whole, not cut
  } finally {
    tmux('kill-server');
  }
}, 180_000);

// Runs the real `blastrain` executable (dist/cli/main.js, built by pretest) in a child process,
// as a user's shell would, and checks SVG output with a strict XML parser (Python's).
// In the mutation suite (test/mutation/vitest.config.mts, inMutationSuite) `cli`
// calls the TypeScript `main` in the test process, where StrykerJS's mutants of lib/ are seen
// (a child process runs the unmutated dist/); `start` (signals, pipes) always spawns, and the
// tests that need it (testExecutable) are skipped there.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'vitest';
import { main } from '../../lib/cli/main';
import { Random } from '../../lib/random';
import { inMutationSuite, scratchDir } from '../helpers';
import { findPython, pythonEnv } from '../python';

export const BIN = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `blastrain ...args`; `done` resolves when it exits. */
export function start(args: readonly string[], cwd: string): { child: ChildProcess; done: Promise<Outcome>; stdout: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<Outcome>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stdout: () => stdout };
}

export function cli(args: readonly string[], cwd: string): Promise<Outcome> {
  return inMutationSuite ? inProcess(args, cwd) : start(args, cwd).done;
}

/** A test of the built executable alone (signals, pipes): skipped by the mutation suite, where it could not see a mutant. */
export const testExecutable: ReturnType<typeof test.skipIf> = test.skipIf(inMutationSuite);

/** A stream that keeps what is written to it, as a pipe would (not a terminal). */
export class Captured extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/**
 * `main` in this process, with the exit code and output the executable would give: files are
 * opened in `cwd`, and named in messages as the command line gave them.
 */
export async function inProcess(args: readonly string[], cwd: string): Promise<Outcome> {
  const stdout = new Captured();
  const stderr = new Captured();
  let code: number;
  try {
    code = await main(args, { stdout, stderr, cwd });
  } catch (error) {
    stderr.write(`blastrain: unexpected error (please report it): ${(error as Error).stack}\n`);
    code = 1;
  }
  const asGiven = (text: string) => text.replaceAll(`${cwd}${path.sep}`, '');
  return { code, signal: null, stdout: asGiven(stdout.text), stderr: asGiven(stderr.text) };
}

export function tempDir(): string {
  return scratchDir('cli');
}

const CLASSES = ['dog', 'cat', 'bird'];

/**
 * `rows` rows of three Gaussian blobs in 4-D, class names as strings (not in sorted order of
 * first appearance), and a numeric target `size` = a smooth function of the features.
 */
export function writeBlobs(dir: string, rows: number, seed = 3): { csv: string; jsonl: string } {
  const random = new Random(seed);
  const lines = ['x1,x2,x3,x4,kind,size'];
  const objects: string[] = [];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    const x = [0, 1, 2, 3].map((d) => (d === c ? 3 : 0) + random.uniform(1));
    const size = 2 * x[0]! - x[1]! + 0.5 * x[2]! * x[3]!;
    lines.push(`${x.map((v) => v.toFixed(5)).join(',')},${CLASSES[c]},${size.toFixed(5)}`);
    objects.push(JSON.stringify({ x1: x[0], x2: x[1], x3: x[2], x4: x[3], kind: CLASSES[c], size }));
  }
  const csv = path.join(dir, 'blobs.csv');
  const jsonl = path.join(dir, 'blobs.jsonl');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  writeFileSync(jsonl, `${objects.join('\n')}\n`);
  return { csv, jsonl };
}

const python = findPython(['xml.etree.ElementTree'], 'python3');

/**
 * Parses an SVG file with Python's strict XML parser (a malformed document fails) and returns
 * its root tag, the panels' keys and every text node.
 */
export function parseSvg(file: string): { root: string; panels: string[]; texts: string[]; paths: number } {
  if (python === undefined) throw new Error('python3 is needed to check SVG files as XML');
  const script = `
import json, sys, xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
print(json.dumps({
  'root': root.tag,
  'panels': [g.get('data-key') for g in root.iter(ns + 'g') if g.get('class') == 'panel'],
  'texts': [t.text for t in root.iter(ns + 'text')],
  'paths': len([p for p in root.iter(ns + 'path') if p.get('class') in ('training', 'validation')]),
}))`;
  return JSON.parse(execFileSync(python, ['-c', script, file], { encoding: 'utf8', env: pythonEnv() })) as ReturnType<typeof parseSvg>;
}

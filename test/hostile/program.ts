// Runs a hostile-but-legal user program in its own Node process, so that a crash (a segfault,
// an abort) fails the test instead of killing the test runner. The program loads the built
// package (dist/, which npm test's pretest builds; BLASTRAIN_DIST names another build's
// dist/index.js, to show a program crashing an older build) as `lib`, whose path is `DIST`,
// and reports with `report(value)`.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';

const dist = process.env.BLASTRAIN_DIST ?? path.join(__dirname, '..', '..', 'dist', 'index.js');

const PRELUDE = `
const DIST = ${JSON.stringify(dist)};
const lib = require(DIST);
const report = (value) => process.stdout.write('REPORT ' + JSON.stringify(value) + '\\n');
const describeError = (e) => ({ name: e && e.name, code: e && e.code, message: String(e && e.message), typed: e instanceof lib.BlastrainError });
`;

export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every value the program passed to report(), in order. */
  reports: unknown[];
}

/** Runs `source` in a new Node process (with `nodeArgs` before the program, e.g. a heap limit). */
export function runProgram(source: string, timeoutMs = 60_000, nodeArgs: readonly string[] = []): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, '--expose-gc', '-e', `${PRELUDE}\n(async () => {\n${source}\n})().catch((e) => { console.error(e); process.exit(70); });`],
      { timeout: timeoutMs, maxBuffer: 1 << 24, env: { ...process.env } },
      (error, stdout, stderr) => {
        const reports = stdout.split('\n').filter((l) => l.startsWith('REPORT ')).map((l) => JSON.parse(l.slice(7)) as unknown);
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, signal: (error?.signal as NodeJS.Signals | undefined) ?? null, stdout, stderr, reports });
      },
    );
  });
}

/** The program ended by itself, with exit code 0: no crash, no hang, no unhandled error. */
export function expectSurvived(result: ProgramResult): void {
  expect({ code: result.code, signal: result.signal, stderr: result.stderr.slice(0, 2000) }).toEqual({ code: 0, signal: null, stderr: result.stderr.slice(0, 2000) });
}

// The small helpers the package tests (pack-test.mjs, pack-test-arm64.mjs) share.
import { execFileSync } from 'node:child_process';

/** Runs a command, returning its stdout; its stderr goes to ours; throws when it fails. */
export const run = (cmd, args, cwd, env = process.env) => execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** Prints "ok - message", or the failure and exits 1. */
export function check(condition, message, what = 'pack test') {
  if (!condition) {
    console.error(`${what} FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`ok - ${message}`);
}

#!/usr/bin/env node
// The blastrain command: `blastrain <command> …` (npx blastrain after npm install). Each command
// is described once (lib/cli/<command>.ts: its options and help) and runs as an async function
// returning the exit code. Errors become one line on stderr and an exit code: 2 for a bad
// command line or an input that cannot be read, 1 for anything that fails while running.
import { BlastrainError, DataFormatError, FileError, InvalidArgumentError, ModelFormatError, ShapeError } from '../errors';
import { helpText, parseCommand, UsageError, type CommandSpec, type Parsed } from './args';
import { BENCH, bench } from './bench';
import { EVAL, evaluate } from './eval';
import { INFO, info } from './info';
import type { Io } from './io';
import { PLOT, plot } from './plot';
import { PREDICT, predict } from './predict';
import { TRAIN, train } from './train';

const COMMANDS: readonly [CommandSpec, (parsed: Parsed, io: Io) => Promise<number>][] = [
  [TRAIN, train], [EVAL, evaluate], [PREDICT, predict], [INFO, info], [PLOT, plot], [BENCH, bench],
];

function overview(): string {
  const width = Math.max(...COMMANDS.map(([spec]) => spec.name.length)) + 2;
  return [
    'Usage: blastrain <command> [options]',
    '',
    'Train neural networks in Node.js at native speed (OpenBLAS).',
    '',
    'Commands:',
    ...COMMANDS.map(([spec]) => `  ${spec.name.padEnd(width)}${spec.summary}`),
    '',
    "Run 'blastrain <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** Errors a user fixes by changing the command line or its files: exit code 2. */
function isUsage(error: unknown): boolean {
  return [UsageError, InvalidArgumentError, ShapeError, DataFormatError, FileError, ModelFormatError].some((Class) => error instanceof Class);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const spec = COMMANDS.find(([s]) => s.name === rest[0])?.[0];
    (name === undefined ? io.stderr : io.stdout).write(spec === undefined ? overview() : helpText(spec));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${(require('../../package.json') as { version: string }).version}\n`);
    return 0;
  }
  const command = COMMANDS.find(([spec]) => spec.name === name);
  if (command === undefined) {
    io.stderr.write(`blastrain: unknown command '${name}'\n\n${overview()}`);
    return 2;
  }
  const [spec, run] = command;
  try {
    const parsed = parseCommand(spec, rest);
    if (parsed === undefined) {
      io.stdout.write(helpText(spec));
      return 0;
    }
    return await run(parsed, io);
  } catch (error) {
    if (!(error instanceof BlastrainError)) throw error; // a bug: the stack trace is worth seeing
    io.stderr.write(`blastrain ${spec.name}: ${error.message}\n`);
    if (error instanceof UsageError) io.stderr.write(`Run 'blastrain ${spec.name} --help' for its options.\n`);
    return isUsage(error) ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`blastrain: unexpected error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

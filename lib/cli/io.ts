// Where a command writes: its result to stdout (the only thing there with --json), notes for
// people to stdout, or to stderr when stdout carries JSON.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { FileError } from '../errors';
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  /**
   * The directory relative paths on the command line are read against, for a program that runs
   * `main` for another directory (the executable leaves it unset: the process's own).
   */
  readonly cwd?: string;
}

/** A path from the command line as the command opens it; messages keep the text as given. */
export function inCwd(io: Io, file: string): string {
  return io.cwd === undefined ? file : path.resolve(io.cwd, file);
}

/** A line for the person watching: on stdout, or on stderr under --json. */
export function say(io: Io, json: boolean, line: string): void {
  (json ? io.stderr : io.stdout).write(`${line}\n`);
}

/** Writes a whole text file; a failure is a FileError naming it. */
export async function writeText(file: string, content: string): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (error) {
    throw new FileError(`Cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Text written to a file or stdout as it is produced, waiting when the reader is slower
 * (back-pressure). A reader that goes away (`| head`) ends the output quietly, as Unix tools
 * do; any other write failure is a FileError.
 */
export class TextSink {
  /** True once the reader has gone: the producer can stop. */
  closed = false;
  private failure: Error | undefined;
  private readonly stream: Writable;

  constructor(private readonly file: string | undefined, stdout: NodeJS.WritableStream) {
    this.stream = file === undefined ? (stdout as Writable) : createWriteStream(file);
    this.stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.closed = true;
      else this.failure ??= new FileError(`Cannot write ${file ?? 'stdout'}: ${error.message}`, { cause: error });
      this.stream.emit('drain'); // wake a write waiting for room
    });
  }

  async write(chunk: string): Promise<void> {
    this.check();
    if (this.closed) return;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    this.check();
  }

  /** Flushes and closes a file (stdout stays open). */
  async end(): Promise<void> {
    if (this.file !== undefined && !this.closed) {
      const finished = new Promise<void>((resolve) => {
        this.stream.end(resolve);
        this.stream.once('error', () => resolve());
      });
      await finished;
    }
    this.check();
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

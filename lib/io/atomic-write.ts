// Writing a file so that a crash at any moment leaves either the old file or the new one, never
// a mix: write a temporary file in the same directory, fsync it, rename it over the target (an
// atomic replacement on POSIX file systems), then fsync the directory so the rename itself is
// durable. Temporary files left by a process that died mid-write are removed by the next save.
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

const SUFFIX = '.blastrain-tmp';

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}${SUFFIX}`);
}

// Stryker disable all: signal 0 fails with EPERM only for a process of another user, which a test
// run as root (as CI's is) never meets; without it the catch block's mutants are untestable.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, owned by someone else
  }
}
// Stryker restore all

/** Removes temporary files of earlier saves of `target` whose writer is no longer running. */
async function removeStale(target: string): Promise<void> {
  const prefix = `.${path.basename(target)}.`;
  const entries = await readdir(path.dirname(target)).catch(() => [] as string[]);
  for (const name of entries) {
    if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    // Our own pid is alive: a save of ours may be writing that file now.
    if (Number.isSafeInteger(pid) && !alive(pid)) {
      await unlink(path.join(path.dirname(target), name)).catch(() => undefined);
    }
  }
}

/** Writes the chunks, in order, as the new content of `target`, atomically and durably. */
export async function writeFileAtomic(target: string, chunks: readonly Uint8Array[]): Promise<void> {
  await removeStale(target);
  const temp = tempName(target);
  const file = await open(temp, 'wx', 0o644);
  try {
    for (const chunk of chunks) {
      for (let done = 0; done < chunk.byteLength; ) {
        // Stryker disable next-line ArithmeticOperator: a regular file takes a whole chunk in one write, so done is 0 here
        done += (await file.write(chunk, done, chunk.byteLength - done)).bytesWritten;
      }
    }
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await file.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // Stryker disable BlockStatement: durability across a power loss, which no test can observe
  const directory = await open(path.dirname(target), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  // Stryker restore BlockStatement
}

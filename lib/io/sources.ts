// Byte sources for the safetensors reader: a file read through libuv (off the main thread) or
// a buffer already in memory.
import { open, type FileHandle } from 'node:fs/promises';
import { FileError, ModelFormatError } from '../errors';
import type { ByteSource } from './safetensors';

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    label: 'the buffer',
    read(into: Uint8Array, position: number): void {
      into.set(bytes.subarray(position, position + into.byteLength));
    },
  };
}

export function fileSource(handle: FileHandle, size: number, path: string): ByteSource {
  return {
    size,
    label: path,
    async read(into: Uint8Array, position: number): Promise<void> {
      for (let done = 0; done < into.byteLength; ) {
        // Stryker disable next-line ArithmeticOperator: a regular file fills the whole request in one read, so done is 0 here
        const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done);
        if (bytesRead === 0) throw new ModelFormatError(`${path} ended while being read (it is being written or was truncated)`);
        done += bytesRead;
      }
    },
  };
}

/** Runs read over a file opened for reading, and closes it; system errors become FileErrors. */
export async function withFile<T>(path: string, read: (source: ByteSource) => Promise<T>): Promise<T> {
  let handle: FileHandle | undefined;
  let size: number;
  try {
    handle = await open(path, 'r');
    size = (await handle.stat()).size;
  } catch (error) {
    await handle?.close();
    throw new FileError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await read(fileSource(handle, size, path));
  } finally {
    await handle.close();
  }
}

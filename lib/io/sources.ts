// Byte sources for the safetensors reader: a file read through libuv (off the main thread) or
// a buffer already in memory.
import type { FileHandle } from 'node:fs/promises';
import { ModelFormatError } from '../errors';
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
        const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done);
        if (bytesRead === 0) throw new ModelFormatError(`${path} ended while being read (it is being written or was truncated)`);
        done += bytesRead;
      }
    },
  };
}

// Reading typed arrays without trusting them (lib/typed-arrays.ts), called directly: the engine's
// own answers whatever the array claims, fresh views of the same memory, detached and resizable
// buffers.
import { expect, test } from 'vitest';
import { DetachedBufferError } from '../lib/errors';
import { bufferOfView, isResizable, kindIn, ownView, typedArrayKind, viewLength } from '../lib/typed-arrays';
import { resizableBuffer } from './helpers';

/** A Float32Array that lies about itself through own properties. */
function liar(): Float32Array {
  const real = new Float32Array(new ArrayBuffer(32), 8, 4);
  real.set([1, 2, 3, 4]);
  for (const [key, value] of [['length', 1000], ['byteOffset', 0], ['buffer', new ArrayBuffer(4)], [Symbol.toStringTag, 'Uint8Array']] as const) {
    Object.defineProperty(real, key, { value });
  }
  return real;
}

test('kind, length and buffer come from the engine, not from what the array claims', () => {
  const lying = liar();
  expect(typedArrayKind(lying)).toBe('Float32Array');
  expect(viewLength(lying)).toBe(4);
  expect(bufferOfView(lying).byteLength).toBe(32);
  expect([typedArrayKind([1]), typedArrayKind(new DataView(new ArrayBuffer(4))), typedArrayKind(null), typedArrayKind({ [Symbol.toStringTag]: 'Float32Array' })]).toEqual([undefined, undefined, undefined, undefined]);
  expect(kindIn(new Int16Array(1), ['Uint8Array', 'Int16Array'])).toBe('Int16Array');
  expect(kindIn(new Int16Array(1), ['Uint8Array'])).toBeUndefined();
  expect(kindIn('Int16Array', ['Int16Array'])).toBeUndefined();
});

test('ownView is a fresh view of the same memory at the true offset and length', () => {
  const lying = liar();
  const view = ownView('x', lying, 'Float32Array');
  expect(view).not.toBe(lying);
  expect(Array.from(view)).toEqual([1, 2, 3, 4]);
  expect([view.byteOffset, view.length, view.buffer]).toEqual([8, 4, bufferOfView(lying)]);
  view[0] = 9;
  expect(new Float32Array(bufferOfView(lying), 8, 1)[0]).toBe(9);
  const labels = ownView('y', Uint16Array.of(3, 4), 'Uint16Array');
  expect(labels).toBeInstanceOf(Uint16Array);
  expect(Array.from(labels)).toEqual([3, 4]);
  // An empty array on a live buffer is not detached.
  expect(ownView('x', new Float32Array(0), 'Float32Array').length).toBe(0);
  expect(ownView('x', new Float32Array(new ArrayBuffer(8), 8, 0), 'Float32Array').length).toBe(0);
});

test('a transferred (detached) buffer is a DetachedBufferError naming the argument', () => {
  const x = new Float32Array(4);
  structuredClone(x.buffer, { transfer: [x.buffer] });
  expect(() => ownView('inputs', x, 'Float32Array')).toThrow(new DetachedBufferError(
    'Expected a readable Float32Array for inputs but its ArrayBuffer is detached (it was transferred, e.g. to a worker); pass a fresh array'));
});

test('only a resizable ArrayBuffer can shrink: fixed and shared buffers are not resizable', () => {
  expect(isResizable(resizableBuffer(8, 16))).toBe(true);
  expect(isResizable(new ArrayBuffer(8))).toBe(false);
  expect(isResizable(new SharedArrayBuffer(8))).toBe(false);
});

// Reading a user's typed array without trusting it. A program may override `buffer`, `length`
// or `byteOffset` on its array (defineProperty, a subclass, a Proxy-like prototype swap), so
// every fact about an array comes from the engine's own %TypedArray%.prototype getters,
// captured when this module loads, and the library then works on a fresh view of the same
// memory (no copy) whose properties nobody else can redefine.
import { DetachedBufferError } from './errors';

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const getter = (key: PropertyKey) => Object.getOwnPropertyDescriptor(TypedArrayPrototype, key)?.get as (this: unknown) => unknown;
const tagOf = getter(Symbol.toStringTag);
const bufferOf = getter('buffer');
const byteOffsetOf = getter('byteOffset');
const lengthOf = getter('length');
const resizableOf = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')?.get as ((this: ArrayBuffer) => boolean) | undefined;
const isView = ArrayBuffer.isView;

const CONSTRUCTORS = {
  Float32Array, Float64Array, Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array,
} as const;
export type TypedArrayKind = keyof typeof CONSTRUCTORS;
type ViewOf<K extends TypedArrayKind> = InstanceType<(typeof CONSTRUCTORS)[K]>;

/** The real kind of a typed array ('Float32Array', …), or undefined for anything else. */
export function typedArrayKind(value: unknown): string | undefined {
  return isView(value) ? (Reflect.apply(tagOf, value, []) as string | undefined) : undefined;
}

/** A typed array's element count, as the engine sees it. */
export function viewLength(view: ArrayBufferView): number {
  return Reflect.apply(lengthOf, view, []) as number;
}

/** The ArrayBuffer or SharedArrayBuffer behind a typed array, as the engine sees it. */
export function bufferOfView(view: ArrayBufferView): ArrayBufferLike {
  return Reflect.apply(bufferOf, view, []) as ArrayBufferLike;
}

/** Node 20 has no ArrayBuffer.prototype.detached; a detached buffer's views have length 0 and it refuses new ones. */
function isDetached(view: ArrayBufferView, buffer: ArrayBufferLike): boolean {
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: a shortcut (a view with elements is never detached); the getter takes no arguments
  if (Reflect.apply(lengthOf, view, []) !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** Whether a buffer can shrink (a resizable ArrayBuffer; a SharedArrayBuffer can only grow). */
export function isResizable(buffer: ArrayBufferLike): boolean {
  try {
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: every supported Node (20 on) has the getter, which takes no arguments
    return resizableOf !== undefined && Reflect.apply(resizableOf, buffer, []) === true;
  } catch {
    return false; // the getter refuses a SharedArrayBuffer
  }
}

/**
 * A fresh `kind` view of the same memory as `value` (which must be that kind), fixed to its
 * current length. Throws DetachedBufferError when its buffer was transferred.
 */
export function ownView<K extends TypedArrayKind>(name: string, value: ArrayBufferView, kind: K): ViewOf<K> {
  const buffer = bufferOfView(value);
  if (isDetached(value, buffer)) {
    throw new DetachedBufferError(
      `Expected a readable ${kind} for ${name} but its ArrayBuffer is detached (it was transferred, e.g. to a worker); pass a fresh array`,
    );
  }
  const Constructor = CONSTRUCTORS[kind] as unknown as new (b: ArrayBufferLike, offset: number, length: number) => ViewOf<K>;
  return new Constructor(buffer, Reflect.apply(byteOffsetOf, value, []) as number, Reflect.apply(lengthOf, value, []) as number);
}

/** The view's kind name if it is one of `kinds`. */
export function kindIn<K extends TypedArrayKind>(value: unknown, kinds: readonly K[]): K | undefined {
  const kind = typedArrayKind(value);
  return (kinds as readonly string[]).includes(kind as string) ? (kind as K) : undefined;
}

// The error classes themselves: each one's name, code and message, causes kept only when given,
// and fromNative, which types the addon's plain errors and passes everything else through.
import { describe, expect, test } from 'vitest';
import {
  AbortError, BlastrainError, DetachedBufferError, FileError, InvalidArgumentError, ModelBusyError, NativeLoadError, NonFiniteLossError,
  OutOfMemoryError, ShapeError, UnsupportedBufferError,
} from '../lib/index';
import { fromNative } from '../lib/errors';

describe('error classes', () => {
  test('names, codes and the fixed messages', () => {
    expect(new ModelBusyError('predict')).toMatchObject({
      name: 'ModelBusyError', code: 'ERR_BLASTRAIN_MODEL_BUSY',
      message: 'Cannot call predict() while the model is training; await fit() first, or stop it with its AbortSignal',
    });
    expect(new OutOfMemoryError('m')).toMatchObject({ name: 'OutOfMemoryError', code: 'ERR_BLASTRAIN_OUT_OF_MEMORY', message: 'm' });
    expect(new NonFiniteLossError(Number.NaN, 2, 5)).toMatchObject({
      code: 'ERR_BLASTRAIN_NON_FINITE_LOSS', loss: Number.NaN, quantity: 'loss', epoch: 2, batch: 5,
      message: 'Loss became NaN at epoch 2, batch 5; training stopped before applying that batch. Lower the learning rate, scale the inputs, or check the data for outliers.',
    });
    expect(new AbortError()).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'Training was aborted' });
    for (const error of [new ModelBusyError('x'), new OutOfMemoryError('x'), new AbortError(), new FileError('x')]) expect(error).toBeInstanceOf(BlastrainError);
  });

  test('a cause is kept when given, and no cause property appears otherwise', () => {
    for (const Class of [FileError, NativeLoadError, AbortError]) {
      const cause = new Error('below');
      expect(new Class('m', { cause }).cause).toBe(cause);
      expect('cause' in new Class('m')).toBe(false);
    }
  });
});

describe('fromNative', () => {
  test('a plain error with one of the addon codes becomes its class, with the message', () => {
    for (const [code, Class] of [['ERR_BLASTRAIN_INVALID_ARGUMENT', InvalidArgumentError], ['ERR_BLASTRAIN_SHAPE', ShapeError],
      ['ERR_BLASTRAIN_DETACHED_BUFFER', DetachedBufferError], ['ERR_BLASTRAIN_UNSUPPORTED_BUFFER', UnsupportedBufferError]] as const) {
      const typed = fromNative(Object.assign(new Error('native said so'), { code }));
      expect(typed).toBeInstanceOf(Class);
      expect(typed).toMatchObject({ code, message: 'native said so' });
    }
  });

  test('everything else passes through unchanged: blastrain errors, non-errors, other codes', () => {
    const ours = new ShapeError('s');
    expect(fromNative(ours)).toBe(ours);
    for (const value of ['text', 42, undefined, { code: 'ERR_BLASTRAIN_SHAPE' }]) expect(fromNative(value)).toBe(value);
    for (const code of ['ENOENT', 7, 'constructor', 'toString', undefined]) {
      const error = Object.assign(new Error('other'), { code });
      expect(fromNative(error)).toBe(error);
    }
  });
});

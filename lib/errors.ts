// Every error blastrain throws on purpose is a BlastrainError with a stable `code`, so callers
// can branch on `err.code` instead of parsing messages.

export class BlastrainError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument has the wrong type or value (including unknown option names). */
export class InvalidArgumentError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_INVALID_ARGUMENT', message);
  }
}

/** Array sizes do not match the model or each other. */
export class ShapeError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_SHAPE', message);
  }
}

/** An ArrayBuffer was transferred or detached and can no longer be read. */
export class DetachedBufferError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_DETACHED_BUFFER', message);
  }
}

/** A model method that needs a loss and an optimizer was called before `compile`. */
export class NotCompiledError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_NOT_COMPILED', message);
  }
}

/**
 * The loss became NaN or infinite during training, or the loss stayed finite but the gradient
 * did not (float32 overflow, e.g. inputs around 1e20); the failing batch was not applied.
 */
export class NonFiniteLossError extends BlastrainError {
  readonly loss: number;
  /** What was not finite: the loss, or (with a finite loss) the gradient. */
  readonly quantity: 'loss' | 'gradient';
  /** 1-based epoch and batch of fit(); undefined for trainStep. */
  readonly epoch: number | undefined;
  readonly batch: number | undefined;
  constructor(loss: number, epoch?: number, batch?: number, quantity: 'loss' | 'gradient' = 'loss') {
    const where = epoch === undefined ? 'in trainStep' : `at epoch ${epoch}, batch ${batch}`;
    const what = quantity === 'loss' ? `Loss became ${loss}` : `The gradient overflowed float32 (the loss was ${loss})`;
    super(
      'ERR_BLASTRAIN_NON_FINITE_LOSS',
      `${what} ${where}; training stopped before applying that batch. ` +
        'Lower the learning rate, scale the inputs, or check the data for outliers.',
    );
    this.loss = loss;
    this.quantity = quantity;
    this.epoch = epoch;
    this.batch = batch;
  }
}

/** A call that needs an earlier one, e.g. backward() before any forward(). */
export class StateError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_STATE', message);
  }
}

/** The model is training (fit is running): it cannot take another call that uses its buffers. */
export class ModelBusyError extends BlastrainError {
  constructor(method: string) {
    super(
      'ERR_BLASTRAIN_MODEL_BUSY',
      `Cannot call ${method}() while the model is training; await fit() first, or stop it with its AbortSignal`,
    );
  }
}

/** fit() was cancelled through its AbortSignal; the model keeps the last completed step. */
export class AbortError extends BlastrainError {
  constructor(message = 'Training was aborted', options?: { cause: unknown }) {
    super('ABORT_ERR', message);
    if (options) this.cause = options.cause;
  }
}

/** A buffer of a kind that a running job cannot safely borrow (a resizable ArrayBuffer). */
export class UnsupportedBufferError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_UNSUPPORTED_BUFFER', message);
  }
}

/** An allocation the call needs (a workspace, an output) is larger than memory or a Float32Array allows. */
export class OutOfMemoryError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_OUT_OF_MEMORY', message);
  }
}

/** A model file or buffer is malformed, or does not fit the model it is loaded into. */
export class ModelFormatError extends BlastrainError {
  constructor(message: string) {
    super('ERR_BLASTRAIN_MODEL_FORMAT', message);
  }
}

/** Reading or writing a file failed (it does not exist, no permission, disk full…); `cause` has the system error. */
/** A row of a data file (CSV, JSON lines) that cannot be read: names the file, line and column. */
export class DataFormatError extends BlastrainError {
  readonly file: string;
  readonly line: number;
  readonly column: string | undefined;
  constructor(message: string, where: { file: string; line: number; column?: string }) {
    super('ERR_BLASTRAIN_DATA_FORMAT', message);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

export class FileError extends BlastrainError {
  constructor(message: string, options?: { cause: unknown }) {
    super('ERR_BLASTRAIN_FILE', message);
    if (options) this.cause = options.cause;
  }
}

/** The native addon could not be loaded. */
export class NativeLoadError extends BlastrainError {
  constructor(message: string, options?: { cause: unknown }) {
    super('ERR_BLASTRAIN_NATIVE_LOAD', message);
    if (options) this.cause = options.cause;
  }
}

const NATIVE_ERRORS: Record<string, new (message: string) => BlastrainError> = {
  ERR_BLASTRAIN_INVALID_ARGUMENT: InvalidArgumentError,
  ERR_BLASTRAIN_SHAPE: ShapeError,
  ERR_BLASTRAIN_DETACHED_BUFFER: DetachedBufferError,
  ERR_BLASTRAIN_UNSUPPORTED_BUFFER: UnsupportedBufferError,
};

/**
 * The addon throws plain errors carrying one of the codes above (native/binding_args.h); this
 * gives them their class, so no untyped error reaches a user. Anything else is rethrown as is.
 */
export function fromNative(error: unknown): unknown {
  if (error instanceof BlastrainError || !(error instanceof Error)) return error;
  const code = (error as Error & { code?: unknown }).code;
  // Own keys only: an error from user code may carry any code, 'constructor' or 'toString' included.
  const Class = typeof code === 'string' && Object.hasOwn(NATIVE_ERRORS, code) ? NATIVE_ERRORS[code] : undefined;
  return Class === undefined ? error : new Class(error.message);
}

// The optimizer base, after torch.optim.Optimizer: step(), zeroGrad(), stateDict() and
// loadStateDict(). All of an optimizer's state buffers live in ONE Float32Array (`state`), each
// a params-length block; hyper-parameters sit in a Float64Array the backends read directly.
// An optimizer declares its kind, its hyper-parameters (HyperSpec) and its state buffer names;
// validation, stateDict and the backends' calls come from here.
import type { Backend } from '../backend';
import { InvalidArgumentError, ModelBusyError, NotCompiledError, ShapeError } from '../errors';
import { boolean, finiteNumber, invalid, plainObject, readOptions, safeInteger } from '../validate';
import { HYPER_CLIP_NORM, HYPER_CLIP_VALUE, HYPER_LR, momentumSlot } from './kinds';

export interface OptimizerStateDict {
  /** The optimizer's type, e.g. 'sgd'. */
  type: string;
  /** Updates taken so far. */
  step: number;
  /** Hyper-parameters, as passed to the constructor. */
  options: Record<string, number | boolean>;
  /** Copies of the state buffers, by name (e.g. momentumBuffer), each params-length. */
  state: Record<string, Float32Array>;
}

/** One hyper-parameter: its option name, its slot in `hyper`, its default and allowed values. */
export interface HyperSpec {
  readonly name: string;
  readonly slot: number;
  readonly default: number | boolean;
  /** For numbers: 'nonNegative' (≥ 0), 'unit' ([0, 1)) or 'any' finite value. */
  readonly range?: 'nonNegative' | 'unit' | 'any';
}

interface Attachment {
  params: Float32Array;
  grads: Float32Array;
  backend: Backend;
  state: Float32Array;
  /** Throws while the model cannot take the call (e.g. ModelBusyError during fit). */
  guard: (method: string) => void;
}

/** Gradient clipping, options of every optimizer (Keras's clipnorm and clipvalue). */
export interface ClipOptions {
  /** Rescale the whole gradient to a global L2 norm of at most this (clip_grad_norm_); 0 (default) turns it off. */
  clipNorm?: number;
  /** Clamp every gradient component to ±this, after clipNorm (clip_grad_value_); 0 (default) turns it off. */
  clipValue?: number;
}

/** Gradient clipping, an option of every optimizer (Keras's clipnorm/clipvalue; 0 turns it off). */
const CLIP_SPECS: readonly HyperSpec[] = [
  { name: 'clipNorm', slot: HYPER_CLIP_NORM, default: 0 },
  { name: 'clipValue', slot: HYPER_CLIP_VALUE, default: 0 },
];

export abstract class Optimizer {
  /** Native kind code (native/optimizer.h). @internal */
  abstract readonly kind: number;
  /** The optimizer's type name in stateDict. */
  abstract readonly type: string;
  /** Hyper-parameters in the kind's slot order. @internal */
  readonly hyper: Float64Array;
  private attachment: Attachment | undefined;
  private steps = 0;

  private readonly specs: readonly HyperSpec[];

  protected constructor(
    kindSpecs: readonly HyperSpec[],
    /** Names of the state buffers, in their order inside `state`. */
    readonly stateNames: readonly string[],
    options: unknown,
    private readonly optionsName: string,
  ) {
    this.specs = [...kindSpecs, ...CLIP_SPECS];
    this.hyper = new Float64Array(this.specs.length);
    this.setOptions(options);
  }

  /** Cross-checks between options (e.g. Nesterov needs momentum); throws to reject. */
  protected checkOptions(_options: Readonly<Record<string, number | boolean>>): void {}

  /** Hyper-parameters by name, as the constructor takes them. */
  get options(): Record<string, number | boolean> {
    return Object.fromEntries(this.specs.map((s) => [s.name, typeof s.default === 'boolean' ? this.hyper[s.slot] !== 0 : (this.hyper[s.slot] as number)]));
  }

  /** Validates every option (defaults for the absent ones) before changing any. */
  private setOptions(options: unknown): void {
    const o = readOptions(this.optionsName, options, this.specs.map((s) => s.name));
    const values: Record<string, number | boolean> = {};
    for (const spec of this.specs) {
      const value = o[spec.name] ?? spec.default;
      if (typeof spec.default === 'boolean') values[spec.name] = boolean(spec.name, value);
      else if (spec.range === 'unit') {
        if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw invalid(spec.name, 'number in [0, 1)', value);
        values[spec.name] = value;
      } else values[spec.name] = finiteNumber(spec.name, value, spec.range === 'any' ? -Infinity : 0);
    }
    this.checkOptions(values);
    for (const spec of this.specs) this.hyper[spec.slot] = Number(values[spec.name]);
  }

  /** Learning rate; every kind keeps it in hyper-parameter slot 0 (HYPER_LR). */
  get lr(): number {
    return this.hyper[HYPER_LR] as number;
  }
  /**
   * Changing lr between steps is how learning-rate schedules drive an optimizer. During fit it
   * can be changed between chunks (from a callback); while a chunk runs it is refused, so which
   * batches a new rate applies to never depends on timing.
   */
  set lr(value: number) {
    const lr = finiteNumber('lr', value, 0);
    this.notRunning('lr');
    this.hyper[HYPER_LR] = lr;
  }

  /** Sets the slot a one-cycle schedule cycles (SGD's and RMSprop's momentum, Adam's β₁). @internal */
  setMomentum(value: number): void {
    this.notRunning('momentum');
    this.hyper[momentumSlot(this.kind)] = value;
  }

  /** Updates taken so far (PyTorch's state['step']). */
  get stepCount(): number {
    return this.steps;
  }

  /** All state buffers in one array: stateNames.length blocks of params.length. */
  get state(): Float32Array {
    return this.attached('state').state;
  }

  /** One named state buffer, a view into `state`. */
  stateBuffer(name: string): Float32Array {
    const { state, params } = this.attached('stateBuffer');
    const index = this.stateNames.indexOf(name);
    if (index < 0) throw invalid('state buffer name', `one of ${this.stateNames.join(', ')}`, name);
    return state.subarray(index * params.length, (index + 1) * params.length);
  }

  /** Applies one update to the model's parameters from its gradients. */
  step(): void {
    this.attached('step', true).backend.optimizerStep(this.steps);
    this.steps++;
  }

  /** Sets the model's gradients to zero. */
  zeroGrad(): void {
    this.attached('zeroGrad', true).grads.fill(0);
  }

  /** A copy of the state. During fit it can be taken between chunks (from a callback), never mid-chunk. */
  stateDict(): OptimizerStateDict {
    this.attached('stateDict');
    this.notRunning('stateDict');
    const state: Record<string, Float32Array> = {};
    for (const name of this.stateNames) state[name] = this.stateBuffer(name).slice();
    return { type: this.type, step: this.steps, options: this.options, state };
  }

  loadStateDict(dict: OptimizerStateDict): void {
    const { params } = this.attached('loadStateDict', true);
    const d = plainObject('stateDict', dict);
    if (d.type !== this.type) throw invalid('stateDict.type', `'${this.type}'`, d.type);
    const step = safeInteger('stateDict.step', d.step, 0);
    const buffers = plainObject('stateDict.state', d.state);
    for (const name of this.stateNames) {
      const buffer = buffers[name];
      if (!(buffer instanceof Float32Array) || buffer.length !== params.length) {
        throw new ShapeError(
          `Expected Float32Array of length ${params.length} for stateDict.state.${name} but received ` +
            `${buffer instanceof Float32Array ? `length ${buffer.length}` : typeof buffer}`,
        );
      }
    }
    this.setOptions(plainObject('stateDict.options', d.options));
    for (const name of this.stateNames) this.stateBuffer(name).set(buffers[name] as Float32Array);
    this.steps = step;
  }

  /** Binds the optimizer to a model's buffers; called by model.compile. @internal */
  attach(params: Float32Array, grads: Float32Array, backend: Backend, guard: (method: string) => void): void {
    if (this.attachment !== undefined && this.attachment.params !== params) {
      throw new InvalidArgumentError('This optimizer already belongs to another model; create one optimizer per model');
    }
    const state = new Float32Array(this.stateNames.length * params.length);
    backend.setOptimizer({ kind: this.kind, hyper: this.hyper, state });
    this.attachment = { params, grads, backend, state, guard };
    this.steps = 0;
  }

  /** Records updates the fused training loop took. @internal */
  advance(steps: number): void {
    this.steps += steps;
  }

  /** A training chunk reads and writes the state and reads the hyper-parameters while it runs. */
  private notRunning(method: string): void {
    if (this.attachment?.backend.running === true) throw new ModelBusyError(`optimizer.${method}`);
  }

  private attached(method: string, writes = false): Attachment {
    if (this.attachment === undefined) {
      throw new NotCompiledError(`Cannot call optimizer.${method}() before model.compile({ optimizer }) attaches it to a model`);
    }
    if (writes) this.attachment.guard(method);
    return this.attachment;
  }
}

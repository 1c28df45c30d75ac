// The optimizer base, after torch.optim.Optimizer: step(), zeroGrad(), stateDict() and
// loadStateDict(). All of an optimizer's state buffers live in ONE Float32Array (`state`), each
// a params-length block; hyper-parameters sit in a Float64Array the backends read directly.
// A new optimizer (Adam, RMSprop, …) declares its kind, hyper slots and state names, and
// nothing else changes.
import { markAsUntransferable } from 'node:worker_threads';
import type { Backend, OptimizerRef } from '../backend';
import { InvalidArgumentError, NotCompiledError, ShapeError } from '../errors';
import { finiteNumber, invalid, plainObject } from '../validate';
import { HYPER_LR } from './kinds';

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

interface Attachment {
  params: Float32Array;
  grads: Float32Array;
  backend: Backend;
  state: Float32Array;
  /** Throws while the model cannot take the call (e.g. ModelBusyError during fit). */
  guard: (method: string) => void;
}

export abstract class Optimizer implements OptimizerRef {
  /** Native kind code (native/optimizer.h). @internal */
  abstract readonly kind: number;
  /** The optimizer's type name in stateDict. */
  abstract readonly type: string;
  /** Hyper-parameters in the kind's slot order. @internal */
  readonly hyper: Float64Array;
  private attachment: Attachment | undefined;
  private steps = 0;

  protected constructor(hyperCount: number) {
    this.hyper = new Float64Array(hyperCount);
  }

  /** Names of the state buffers, in their order inside `state`. */
  protected abstract get stateNames(): readonly string[];
  /** Hyper-parameters by name, for stateDict. */
  protected abstract get options(): Record<string, number | boolean>;
  /** Validates and applies hyper-parameters from a stateDict. */
  protected abstract setOptions(options: Record<string, unknown>): void;

  /** Learning rate; every kind keeps it in hyper-parameter slot 0 (HYPER_LR). */
  get lr(): number {
    return this.hyper[HYPER_LR] as number;
  }
  /** Changing lr between steps is how learning-rate schedules drive an optimizer. */
  set lr(value: number) {
    this.hyper[HYPER_LR] = finiteNumber('lr', value, 0);
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
    const { backend, params, grads } = this.attached('step', true);
    backend.optimizerStep(this, params, grads);
    this.steps++;
  }

  /** Sets the model's gradients to zero. */
  zeroGrad(): void {
    this.attached('zeroGrad', true).grads.fill(0);
  }

  stateDict(): OptimizerStateDict {
    const state: Record<string, Float32Array> = {};
    for (const name of this.stateNames) state[name] = this.stateBuffer(name).slice();
    return { type: this.type, step: this.steps, options: this.options, state };
  }

  loadStateDict(dict: OptimizerStateDict): void {
    const { params } = this.attached('loadStateDict', true);
    const d = plainObject('stateDict', dict);
    if (d.type !== this.type) throw invalid('stateDict.type', `'${this.type}'`, d.type);
    if (typeof d.step !== 'number' || !Number.isSafeInteger(d.step) || d.step < 0) {
      throw invalid('stateDict.step', 'non-negative integer', d.step);
    }
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
    this.steps = d.step;
  }

  /** Binds the optimizer to a model's buffers; called by model.compile. @internal */
  attach(params: Float32Array, grads: Float32Array, backend: Backend, guard: (method: string) => void): void {
    if (this.attachment !== undefined && this.attachment.params !== params) {
      throw new InvalidArgumentError('This optimizer already belongs to another model; create one optimizer per model');
    }
    const state = new Float32Array(this.stateNames.length * params.length);
    markAsUntransferable(state.buffer);
    this.attachment = { params, grads, backend, state, guard };
    this.steps = 0;
  }

  /** Records updates the fused training loop took. @internal */
  advance(steps: number): void {
    this.steps += steps;
  }

  private attached(method: string, writes = false): Attachment {
    if (this.attachment === undefined) {
      throw new NotCompiledError(`Cannot call optimizer.${method}() before model.compile({ optimizer }) attaches it to a model`);
    }
    if (writes) this.attachment.guard(method);
    return this.attachment;
  }
}

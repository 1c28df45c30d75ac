// Learning-rate schedules with PyTorch's semantics (torch.optim.lr_scheduler), in closed form:
// lrAt(step, baseLr) is the rate PyTorch's scheduler sets after `step` calls of scheduler.step(),
// baseLr its `initial_lr` (the optimizer's lr when the schedule is first used). Constructed with
// PyTorch's arguments in camelCase plus `interval`: 'epoch' (the default; fit sets the rate at
// each epoch's start) or 'batch' (fit hands the rates of a chunk's batches to the native loop).
// test/schedules.test.ts checks every schedule against rates PyTorch computed.
import { InvalidArgumentError } from '../errors';
import { boolean, finiteNumber, oneOf, positiveInteger, readArray, readOptions } from '../validate';

export type ScheduleInterval = 'epoch' | 'batch';

export abstract class LRSchedule {
  readonly interval: ScheduleInterval;
  /** Epochs (interval 'epoch') or batches ('batch') scheduled so far: PyTorch's last_epoch. */
  step = 0;
  /** The optimizer's lr when this schedule was first used by fit (PyTorch's initial_lr). */
  baseLr: number | undefined;

  protected constructor(interval: unknown, defaultInterval: ScheduleInterval) {
    this.interval = oneOf('interval', interval ?? defaultInterval, ['epoch', 'batch'] as const);
  }

  /** The learning rate after `step` scheduler steps, from the initial rate `baseLr`. */
  abstract lrAt(step: number, baseLr: number): number;

  /** The momentum (β₁ for Adam) after `step` steps, for schedules that cycle it; NaN otherwise. */
  momentumAt(_step: number): number {
    return NaN;
  }
}

function options(name: string, value: unknown, known: string[]): Record<string, unknown> {
  return readOptions(`${name} options`, value ?? {}, [...known, 'interval']);
}

/** lr = base · γ^⌊step / stepSize⌋ */
export class StepLR extends LRSchedule {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(o: { stepSize: number; gamma?: number; interval?: ScheduleInterval }) {
    const v = options('StepLR', o, ['stepSize', 'gamma']);
    super(v.interval, 'epoch');
    this.stepSize = positiveInteger('stepSize', v.stepSize);
    this.gamma = finiteNumber('gamma', v.gamma ?? 0.1, 0);
  }
  lrAt(step: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(step / this.stepSize);
  }
}

/** lr = base · γ^(milestones passed) */
export class MultiStepLR extends LRSchedule {
  readonly milestones: readonly number[];
  readonly gamma: number;
  constructor(o: { milestones: number[]; gamma?: number; interval?: ScheduleInterval }) {
    const v = options('MultiStepLR', o, ['milestones', 'gamma']);
    super(v.interval, 'epoch');
    const list = readArray(v.milestones);
    if (list === undefined || list.length === 0) throw new InvalidArgumentError('Expected a non-empty array of positive integers for milestones');
    this.milestones = list.map((m, i) => positiveInteger(`milestones[${i}]`, m)).sort((a, b) => a - b);
    this.gamma = finiteNumber('gamma', v.gamma ?? 0.1, 0);
  }
  lrAt(step: number, baseLr: number): number {
    return baseLr * this.gamma ** this.milestones.filter((m) => m <= step).length;
  }
}

/** lr = base · γ^step */
export class ExponentialLR extends LRSchedule {
  readonly gamma: number;
  constructor(o: { gamma: number; interval?: ScheduleInterval }) {
    const v = options('ExponentialLR', o, ['gamma']);
    super(v.interval, 'epoch');
    this.gamma = finiteNumber('gamma', v.gamma, 0);
  }
  lrAt(step: number, baseLr: number): number {
    return baseLr * this.gamma ** step;
  }
}

/** lr = ηmin + (base − ηmin)·(1 + cos(π·step / Tmax)) / 2 (SGDR without restarts). */
export class CosineAnnealingLR extends LRSchedule {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(o: { tMax: number; etaMin?: number; interval?: ScheduleInterval }) {
    const v = options('CosineAnnealingLR', o, ['tMax', 'etaMin']);
    super(v.interval, 'epoch');
    this.tMax = positiveInteger('tMax', v.tMax);
    this.etaMin = finiteNumber('etaMin', v.etaMin ?? 0, 0);
  }
  lrAt(step: number, baseLr: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * step) / this.tMax))) / 2;
  }
}

/** lr = base · (startFactor + (endFactor − startFactor)·min(step, totalIters) / totalIters): warm-up. */
export class LinearLR extends LRSchedule {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(o: { startFactor?: number; endFactor?: number; totalIters?: number; interval?: ScheduleInterval } = {}) {
    const v = options('LinearLR', o, ['startFactor', 'endFactor', 'totalIters']);
    super(v.interval, 'epoch');
    this.startFactor = finiteNumber('startFactor', v.startFactor ?? 1 / 3, 0, 1);
    if (this.startFactor === 0) throw new InvalidArgumentError('Expected startFactor greater than 0 and at most 1 (as PyTorch requires) but received 0');
    this.endFactor = finiteNumber('endFactor', v.endFactor ?? 1, 0, 1);
    this.totalIters = positiveInteger('totalIters', v.totalIters ?? 5);
  }
  lrAt(step: number, baseLr: number): number {
    const t = Math.min(step, this.totalIters) / this.totalIters;
    return baseLr * (this.startFactor + (this.endFactor - this.startFactor) * t);
  }
}

/**
 * The 1cycle policy (Smith & Topin 2018) as PyTorch's OneCycleLR: from maxLr/divFactor up to
 * maxLr over pctStart of totalSteps, then down to maxLr/(divFactor·finalDivFactor), cosine or
 * linear; with cycleMomentum, momentum (β₁ for Adam) moves the other way between maxMomentum
 * and baseMomentum. It sets its own initial rate, so the optimizer's lr is ignored. Default
 * interval 'batch'.
 */
export class OneCycleLR extends LRSchedule {
  readonly maxLr: number;
  readonly totalSteps: number;
  readonly pctStart: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly baseMomentum: number;
  readonly maxMomentum: number;
  readonly divFactor: number;
  readonly finalDivFactor: number;
  readonly threePhase: boolean;
  private readonly phases: { end: number; lr: [number, number]; momentum: [number, number] }[];

  constructor(o: {
    maxLr: number; totalSteps: number; pctStart?: number; annealStrategy?: 'cos' | 'linear'; cycleMomentum?: boolean;
    baseMomentum?: number; maxMomentum?: number; divFactor?: number; finalDivFactor?: number; threePhase?: boolean;
    interval?: ScheduleInterval;
  }) {
    const v = options('OneCycleLR', o, ['maxLr', 'totalSteps', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase']);
    super(v.interval, 'batch');
    this.maxLr = finiteNumber('maxLr', v.maxLr, 0);
    this.totalSteps = positiveInteger('totalSteps', v.totalSteps);
    this.pctStart = finiteNumber('pctStart', v.pctStart ?? 0.3, 0, 1);
    this.annealStrategy = oneOf('annealStrategy', v.annealStrategy ?? 'cos', ['cos', 'linear'] as const);
    this.cycleMomentum = boolean('cycleMomentum', v.cycleMomentum ?? true);
    this.baseMomentum = finiteNumber('baseMomentum', v.baseMomentum ?? 0.85, 0);
    this.maxMomentum = finiteNumber('maxMomentum', v.maxMomentum ?? 0.95, 0);
    this.divFactor = finiteNumber('divFactor', v.divFactor ?? 25, 0);
    this.finalDivFactor = finiteNumber('finalDivFactor', v.finalDivFactor ?? 1e4, 0);
    this.threePhase = boolean('threePhase', v.threePhase ?? false);
    const initial = this.maxLr / this.divFactor;
    const min = initial / this.finalDivFactor;
    const up = this.pctStart * this.totalSteps - 1;
    const [lo, hi] = [this.baseMomentum, this.maxMomentum];
    this.phases = this.threePhase
      ? [
          { end: up, lr: [initial, this.maxLr], momentum: [hi, lo] },
          { end: 2 * this.pctStart * this.totalSteps - 2, lr: [this.maxLr, initial], momentum: [lo, hi] },
          { end: this.totalSteps - 1, lr: [initial, min], momentum: [hi, hi] },
        ]
      : [
          { end: up, lr: [initial, this.maxLr], momentum: [hi, lo] },
          { end: this.totalSteps - 1, lr: [this.maxLr, min], momentum: [lo, hi] },
        ];
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  /** PyTorch's get_lr: the phase the step falls in, and how far through it. */
  private at(step: number, which: 'lr' | 'momentum'): number {
    let start = 0;
    for (const [i, phase] of this.phases.entries()) {
      // Stryker disable next-line EqualityOperator: at a phase's end the next phase starts from the same value
      if (step <= phase.end || i === this.phases.length - 1) {
        const pct = (step - start) / (phase.end - start);
        return this.anneal(phase[which][0], phase[which][1], pct);
      }
      start = phase.end;
    }
    return NaN;
  }

  lrAt(step: number): number {
    return this.at(step, 'lr');
  }

  override momentumAt(step: number): number {
    return this.cycleMomentum ? this.at(step, 'momentum') : NaN;
  }
}

/** Schedules one after another (PyTorch's SequentialLR): schedule i runs from milestones[i − 1]. */
export class SequentialLR extends LRSchedule {
  readonly schedules: readonly LRSchedule[];
  readonly milestones: readonly number[];
  constructor(o: { schedules: LRSchedule[]; milestones: number[]; interval?: ScheduleInterval }) {
    const v = options('SequentialLR', o, ['schedules', 'milestones']);
    super(v.interval, 'epoch');
    const schedules = readArray(v.schedules);
    if (schedules === undefined || schedules.length < 2 || !schedules.every((s) => s instanceof LRSchedule)) {
      throw new InvalidArgumentError('Expected an array of at least two schedules (e.g. new LinearLR(…)) for schedules');
    }
    const milestones = readArray(v.milestones);
    if (milestones === undefined || milestones.length !== schedules.length - 1) {
      throw new InvalidArgumentError(`Expected ${schedules.length - 1} milestones (one fewer than schedules) but received ${milestones?.length ?? 'none'}`);
    }
    this.schedules = schedules as LRSchedule[];
    this.milestones = milestones.map((m, i) => positiveInteger(`milestones[${i}]`, m));
    if (this.milestones.slice(1).some((m, i) => m <= this.milestones[i]!)) throw new InvalidArgumentError('Expected increasing milestones');
  }
  private part(step: number): [LRSchedule, number] {
    const i = this.milestones.filter((m) => m <= step).length;
    return [this.schedules[i]!, i === 0 ? step : step - this.milestones[i - 1]!];
  }
  lrAt(step: number, baseLr: number): number {
    const [schedule, local] = this.part(step);
    return schedule.lrAt(local, baseLr);
  }
  override momentumAt(step: number): number {
    const [schedule, local] = this.part(step);
    return schedule.momentumAt(local);
  }
}

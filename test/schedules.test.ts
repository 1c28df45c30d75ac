// Learning-rate schedules and gradient clipping against PyTorch (scripts/generate-vectors.py):
// every schedule's rate (and momentum) at every step, and training trajectories that combine a
// per-batch or per-epoch schedule with clipNorm or clipValue, on both backends through fit.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  Adam, CosineAnnealingLR, Dense, ExponentialLR, InvalidArgumentError, LinearLR, MultiStepLR, OneCycleLR, RMSprop, SGD,
  SequentialLR, Sequential, StepLR, type LRSchedule,
} from '../lib/index';
import type { Optimizer } from '../lib/optim/optimizer';
import { expectClose } from './helpers';
import { readTrajectories, type Trajectory } from './trajectories';

interface ScheduleSpec {
  name: string;
  args: Record<string, unknown>;
  interval?: 'epoch' | 'batch';
}

const CLASSES: Record<string, new (o: never) => LRSchedule> = {
  StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR,
} as never;

function scheduleFor(spec: ScheduleSpec): LRSchedule {
  const args: Record<string, unknown> = { ...spec.args, ...(spec.interval && { interval: spec.interval }) };
  if (spec.name === 'SequentialLR') args.schedules = (spec.args.schedules as ScheduleSpec[]).map(scheduleFor);
  return new CLASSES[spec.name]!(args as never);
}

const fixtures = path.join(__dirname, 'fixtures');
const rates = JSON.parse(readFileSync(path.join(fixtures, 'schedules.json'), 'utf8')) as { name: string; schedule: ScheduleSpec; baseLr: number; lrs: number[]; momenta: number[] }[];

describe('rates equal PyTorch\'s at every step', () => {
  test.each(rates.map((r) => [r.name, r] as const))('%s', (_, r) => {
    const schedule = scheduleFor(r.schedule);
    // PyTorch computes in double, some schedules recursively: agreement to 1e-12 relative.
    expectClose(r.lrs.map((_, step) => schedule.lrAt(step, r.baseLr)), r.lrs, 1e-12, 1e-15, 'lrs');
    const cycles = r.schedule.name === 'OneCycleLR';
    r.momenta.forEach((m, step) => {
      if (cycles) expect(schedule.momentumAt(step)).toBeCloseTo(m, 12);
      else expect(schedule.momentumAt(step)).toBeNaN();
    });
  });
});

test('schedules validate their options like every other class', () => {
  expect(() => new StepLR({ stepSize: 0 })).toThrow('Expected positive integer for stepSize but received 0 of type number');
  expect(() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, anealStrategy: 'cos' } as never)).toThrow(/did you mean 'annealStrategy'/);
  expect(() => new StepLR({ stepSize: 2, interval: 'step' as never })).toThrow(InvalidArgumentError);
  expect(() => new SequentialLR({ schedules: [new LinearLR()], milestones: [] })).toThrow(/at least two schedules/);
  expect(new OneCycleLR({ maxLr: 0.1, totalSteps: 10 }).interval).toBe('batch');
  expect(new StepLR({ stepSize: 2 }).interval).toBe('epoch');
});

test("defaults are PyTorch's: StepLR and MultiStepLR γ 0.1, CosineAnnealingLR ηmin 0, LinearLR 1/3 → 1 over 5 steps", () => {
  const same = (a: LRSchedule, b: LRSchedule) => {
    for (let step = 0; step < 12; step++) expect(a.lrAt(step, 0.8)).toBe(b.lrAt(step, 0.8));
  };
  same(new StepLR({ stepSize: 2 }), new StepLR({ stepSize: 2, gamma: 0.1 }));
  same(new MultiStepLR({ milestones: [3] }), new MultiStepLR({ milestones: [3], gamma: 0.1 }));
  same(new CosineAnnealingLR({ tMax: 5 }), new CosineAnnealingLR({ tMax: 5, etaMin: 0 }));
  same(new LinearLR(), new LinearLR({ startFactor: 1 / 3, endFactor: 1, totalIters: 5 }));
  expect(new LinearLR().lrAt(0, 0.9)).toBeCloseTo(0.3, 15);
  expect(new LinearLR().lrAt(99, 0.9)).toBe(0.9);
  // Milestones in any order count the same (PyTorch keeps them in a Counter).
  same(new MultiStepLR({ milestones: [7, 2, 4], gamma: 0.5 }), new MultiStepLR({ milestones: [2, 4, 7], gamma: 0.5 }));
  expect([0, 1, 2, 3, 4, 7, 8].map((step) => new MultiStepLR({ milestones: [7, 2, 4], gamma: 0.5 }).lrAt(step, 8))).toEqual([8, 8, 4, 4, 2, 1, 1]);
});

test('OneCycleLR without cycleMomentum leaves momentum alone (NaN); SequentialLR passes momentum through from the running part', () => {
  expect(new OneCycleLR({ maxLr: 0.1, totalSteps: 10, cycleMomentum: false }).momentumAt(3)).toBeNaN();
  const sequential = new SequentialLR({ schedules: [new LinearLR({ totalIters: 2 }), new OneCycleLR({ maxLr: 0.1, totalSteps: 10 })], milestones: [2] });
  expect(sequential.momentumAt(1)).toBeNaN();
  expect(sequential.momentumAt(2)).toBeCloseTo(0.95, 12);
  expect(sequential.lrAt(2, 1)).toBeCloseTo(0.1 / 25, 15);
});

test('every schedule option is checked, named as PyTorch names it', () => {
  const cases: [() => unknown, string][] = [
    [() => new StepLR({ stepSize: 2, gamma: -1 }), 'Expected finite number >= 0 for gamma but received -1 of type number'],
    [() => new MultiStepLR({ milestones: [] }), 'Expected a non-empty array of positive integers for milestones'],
    [() => new MultiStepLR({ milestones: 3 as never }), 'Expected a non-empty array of positive integers for milestones'],
    [() => new MultiStepLR({ milestones: [2, 0] }), 'Expected positive integer for milestones[1] but received 0 of type number'],
    [() => new ExponentialLR({ gamma: NaN }), 'Expected finite number >= 0 for gamma but received NaN of type number'],
    [() => new CosineAnnealingLR({ tMax: 5, etaMin: -1 }), 'Expected finite number >= 0 for etaMin but received -1 of type number'],
    [() => new LinearLR({ startFactor: 0 }), 'Expected startFactor greater than 0 and at most 1 (as PyTorch requires) but received 0'],
    [() => new LinearLR({ startFactor: 1.5 }), 'Expected finite number between 0 and 1 for startFactor but received 1.5 of type number'],
    [() => new LinearLR({ endFactor: 2 }), 'Expected finite number between 0 and 1 for endFactor but received 2 of type number'],
    [() => new LinearLR({ totalIters: 0 }), 'Expected positive integer for totalIters but received 0 of type number'],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, pctStart: 2 }), 'Expected finite number between 0 and 1 for pctStart but received 2 of type number'],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, annealStrategy: 'step' as never }), "Expected one of 'cos', 'linear' for annealStrategy but received 'step' of type string"],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, threePhase: 1 as never }), 'Expected boolean for threePhase but received 1 of type number'],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, cycleMomentum: 'no' as never }), "Expected boolean for cycleMomentum but received 'no' of type string"],
    [() => new OneCycleLR({ maxLr: -0.1, totalSteps: 10 }), 'Expected finite number >= 0 for maxLr but received -0.1 of type number'],
    [() => new SequentialLR({ schedules: [new LinearLR(), 3 as never], milestones: [2] }), 'Expected an array of at least two schedules (e.g. new LinearLR(…)) for schedules'],
    [() => new SequentialLR({ schedules: [new LinearLR(), new LinearLR()], milestones: [] }), 'Expected 1 milestones (one fewer than schedules) but received 0'],
    [() => new SequentialLR({ schedules: [new LinearLR(), new LinearLR()], milestones: undefined as never }), 'Expected 1 milestones (one fewer than schedules) but received none'],
    [() => new SequentialLR({ schedules: [new LinearLR(), new LinearLR(), new LinearLR()], milestones: [4, 4] }), 'Expected increasing milestones'],
    [() => new StepLR(undefined as never), 'Expected positive integer for stepSize but received undefined of type undefined'],
    [() => new ExponentialLR({ gamma: 0.9, colour: 1 } as never), "Unknown option 'colour' in ExponentialLR options (known options: gamma, interval)"],
    [() => new StepLR({ stepSize: 2, colour: 1 } as never), "Unknown option 'colour' in StepLR options (known options: stepSize, gamma, interval)"],
    [() => new MultiStepLR({ milestones: [2], colour: 1 } as never), "Unknown option 'colour' in MultiStepLR options (known options: milestones, gamma, interval)"],
    [() => new MultiStepLR({ milestones: [2], gamma: -1 }), 'Expected finite number >= 0 for gamma but received -1 of type number'],
    [() => new CosineAnnealingLR({ tMax: 5, colour: 1 } as never), "Unknown option 'colour' in CosineAnnealingLR options (known options: tMax, etaMin, interval)"],
    [() => new CosineAnnealingLR({ tMax: 0 }), 'Expected positive integer for tMax but received 0 of type number'],
    [() => new LinearLR({ colour: 1 } as never), "Unknown option 'colour' in LinearLR options (known options: startFactor, endFactor, totalIters, interval)"],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, colour: 1 } as never),
      "Unknown option 'colour' in OneCycleLR options (known options: maxLr, totalSteps, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, interval)"],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 0 }), 'Expected positive integer for totalSteps but received 0 of type number'],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, baseMomentum: -1 }), 'Expected finite number >= 0 for baseMomentum but received -1 of type number'],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, maxMomentum: -1 }), 'Expected finite number >= 0 for maxMomentum but received -1 of type number'],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, divFactor: -1 }), 'Expected finite number >= 0 for divFactor but received -1 of type number'],
    [() => new OneCycleLR({ maxLr: 0.1, totalSteps: 10, finalDivFactor: -1 }), 'Expected finite number >= 0 for finalDivFactor but received -1 of type number'],
    [() => new SequentialLR({ schedules: [new LinearLR(), new LinearLR()], milestones: [2], colour: 1 } as never),
      "Unknown option 'colour' in SequentialLR options (known options: schedules, milestones, interval)"],
    [() => new SequentialLR({ milestones: [] } as never), 'Expected an array of at least two schedules (e.g. new LinearLR(…)) for schedules'],
    [() => new SequentialLR({ schedules: [new LinearLR(), new LinearLR()], milestones: [0] }), 'Expected positive integer for milestones[0] but received 0 of type number'],
    [() => new SequentialLR({ schedules: [new LinearLR(), new LinearLR(), new LinearLR()], milestones: [4, 3] }), 'Expected increasing milestones'],
    [() => new StepLR({ stepSize: 2, interval: 'step' as never }), "Expected one of 'epoch', 'batch' for interval but received 'step' of type string"],
  ];
  for (const [build, message] of cases) expect(build).toThrow(new InvalidArgumentError(message));
  expect(new SequentialLR({ schedules: [new LinearLR(), new LinearLR(), new LinearLR()], milestones: [2, 5] }).milestones).toEqual([2, 5]);
  expect(new MultiStepLR({ milestones: [7, 2, 4] }).milestones).toEqual([2, 4, 7]);
  expect(new MultiStepLR({ milestones: [20, 3, 100] }).milestones).toEqual([3, 20, 100]);
});

type ScheduledVector = Trajectory & { lrSchedule: ScheduleSpec; lrs: number[] };

const vectors = readTrajectories<ScheduledVector>('schedule-vectors');

describe.each(vectors)('$name', (v) => {
  test.each(['native', 'js'] as const)('%s backend: fit with the schedule and clipping reproduces PyTorch', async (backend) => {
    const { type, ...options } = v.optimizer;
    const optimizer: Optimizer = type === 'sgd' ? new SGD(options) : type === 'adam' ? new Adam(options) : new RMSprop(options);
    const model = new Sequential({ inputSize: v.layers[0]!.in, backend, layers: v.layers.map((l) => new Dense(l.out, { activation: l.activation })) });
    model.params.set(v.params0);
    model.compile({ loss: v.loss, optimizer });
    const schedule = scheduleFor(v.lrSchedule);
    const batchLosses: number[] = [];
    const x = Float32Array.from(v.x);
    const y = v.labels ? Int32Array.from(v.labels) : Float32Array.from(v.y);
    await model.fit(x, y, {
      epochs: v.epochs, batchSize: v.batchSize, shuffle: false, lrSchedule: schedule, logGradNorm: true,
      callbacks: {
        onBatchEnd: (_, logs) => {
          batchLosses.push(logs.loss);
          expect(Number.isFinite(logs.gradNorm)).toBe(true);
        },
      },
    });
    // The rate every batch used, as the schedule reports it, is PyTorch's.
    const perEpoch = Math.ceil(v.samples / v.batchSize);
    const used = v.lrs.map((_, i) => schedule.lrAt(v.lrSchedule.interval === 'batch' ? i : Math.floor(i / perEpoch), schedule.baseLr!));
    expectClose(used, v.lrs, 1e-12, 1e-15, 'rates');
    expectClose(batchLosses, v.losses, 1e-4, 1e-5, 'losses');
    expectClose(model.params, v.paramsFinal, 1e-4, 1e-5, 'paramsFinal');
    expectClose(model.predict(x), v.predictionsFinal, 1e-4, 1e-5, 'predictionsFinal');
  });
});

test('a schedule continues across fit calls exactly as one fit', async () => {
  const x = Float32Array.from({ length: 4 * 64 }, (_, i) => Math.sin(i * 0.37));
  const y = Int32Array.from({ length: 64 }, (_, i) => i % 3);
  const run = async (splits: number[]) => {
    const model = new Sequential({ inputSize: 4, seed: 2, layers: [new Dense(8, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1, momentum: 0.9 }) });
    const schedule = new OneCycleLR({ maxLr: 0.5, totalSteps: 32 });
    for (const epochs of splits) await model.fit(x, y, { epochs, batchSize: 16, shuffle: false, lrSchedule: schedule });
    return model.params;
  };
  expect(await run([3, 5])).toEqual(await run([8]));
});

// Native code folds the clip-by-norm factor into the update and rescales the gradient buffer
// once when a run ends: grads must still read as clip_grad_norm_ (then clip_grad_value_) left
// them, after trainStep and after a multi-batch fit, on both backends.
describe.each(['native', 'js'] as const)('%s backend: grads after a clipped step', (backend) => {
  const x = Float32Array.from({ length: 8 * 3 }, (_, i) => Math.sin(i));
  const labels = Int32Array.from({ length: 8 }, (_, i) => i % 2);
  const build = (optimizer: Optimizer) => {
    const m = new Sequential({ inputSize: 3, layers: [new Dense(5, { activation: 'tanh' }), new Dense(2, { activation: 'softmax' })], seed: 9, backend });
    m.compile({ loss: 'categoricalCrossentropy', optimizer });
    return m;
  };
  /** The unclipped gradient of the last batch (rows 4..8 at the same weights). */
  const rawGradient = (params: Float32Array, rows: [number, number]) => {
    const m = build(new SGD({ lr: 0 }));
    m.params.set(params);
    m.forward(x.subarray(rows[0] * 3, rows[1] * 3));
    m.backward(labels.subarray(rows[0], rows[1]));
    return Float64Array.from(m.grads);
  };
  const norm = (g: ArrayLike<number>) => Math.sqrt(Array.from(g).reduce((a, v) => a + v * v, 0));

  test.each<[string, { clipNorm: number; clipValue?: number }]>([
    ['clipNorm', { clipNorm: 0.05 }],
    ['clipNorm and clipValue', { clipNorm: 0.05, clipValue: 0.01 }],
  ])('%s: trainStep and fit leave the clipped gradient in grads', async (_, clip) => {
    const m = build(new SGD({ lr: 0.1, momentum: 0.9, ...clip }));
    const before = m.params.slice();
    m.trainStep(x, labels);
    const raw = rawGradient(before, [0, 8]);
    expect(norm(raw)).toBeGreaterThan(0.05); // the clip is active
    const expected = raw.map((g) => Math.min(Math.max((g * 0.05) / (norm(raw) + 1e-6), -(clip.clipValue ?? Infinity)), clip.clipValue ?? Infinity));
    // float32 gradients and factor: a few ulps of the largest component.
    expectClose(m.grads, expected, 1e-5, 1e-9, 'grads after trainStep');

    // fit over two batches: its grads are the second batch's, taken at the weights the first
    // left, which a twin reaches with one trainStep on the first batch.
    const fitted = build(new SGD({ lr: 0.1, momentum: 0.9, ...clip }));
    await fitted.fit(x, labels, { batchSize: 4, shuffle: false });
    const twin = build(new SGD({ lr: 0.1, momentum: 0.9, ...clip }));
    twin.trainStep(x.subarray(0, 12), labels.subarray(0, 4));
    const last = rawGradient(twin.params, [4, 8]);
    const c = Math.min(1, 0.05 / (norm(last) + 1e-6));
    expectClose(fitted.grads, last.map((g) => Math.min(Math.max(g * c, -(clip.clipValue ?? Infinity)), clip.clipValue ?? Infinity)), 1e-5, 1e-9, 'grads after fit');
  });
});

// The factor folded into each optimizer's update (native) against the plain rescale-then-update
// of the TypeScript backend, with the clip far from inactive (factor ≈ 0.05 / ‖∇‖).
test.each([
  ['SGD', () => new SGD({ lr: 0.5, clipNorm: 0.05 })],
  ['SGD momentum', () => new SGD({ lr: 0.5, momentum: 0.9, clipNorm: 0.05 })],
  ['SGD nesterov', () => new SGD({ lr: 0.5, momentum: 0.9, nesterov: true, clipNorm: 0.05 })],
  ['Adam', () => new Adam({ lr: 0.05, clipNorm: 0.05 })],
  ['RMSprop', () => new RMSprop({ lr: 0.01, momentum: 0.5, clipNorm: 0.05, clipValue: 0.004 })],
] as const)('%s: a clipped update from the folded factor equals rescaling first (native against js)', (_, optimizer) => {
  const x = Float32Array.from({ length: 16 * 3 }, (_, i) => Math.sin(i * 1.3) * 2);
  const labels = Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 3);
  const models = (['native', 'js'] as const).map((backend) => {
    const m = new Sequential({ inputSize: 3, layers: [new Dense(6, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })], seed: 4, backend });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: optimizer() });
    for (let step = 0; step < 4; step++) m.trainStep(x, labels);
    return m;
  });
  const start = new Sequential({ inputSize: 3, layers: [new Dense(6, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })], seed: 4 });
  const moved = Math.max(...Array.from(models[0]!.params, (p, i) => Math.abs(p - start.params[i]!)));
  expect(moved).toBeGreaterThan(1e-3); // the steps did something
  // float32 round-off of (c·g)·lr against (lr·c)·g over four steps: ~1e-7 relative in the
  // params; the last gradient, taken at those params, amplifies it (RMSprop's 1/√s) to ~4e-5.
  // Reading c·g as g/c, or dropping c, is off by the factor itself (here ≪ 0.5).
  expectClose(models[0]!.params, models[1]!.params, 1e-5, 1e-7, 'params');
  expectClose(models[0]!.grads, models[1]!.grads, 2e-4, 1e-9, 'grads');
});

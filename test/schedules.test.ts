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

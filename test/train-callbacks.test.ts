// The built-in callbacks driven directly, epoch by epoch, on a stand-in model: each decision
// against a trace worked out by hand from Keras's source (keras/src/callbacks/early_stopping.py,
// reduce_lr_on_plateau.py, model_checkpoint.py), and every option check. training-workflow.test.ts
// runs them inside fit.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CSVLogger, EarlyStopping, InvalidArgumentError, JsonLinesLogger, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau } from '../lib/index';
import { recordEpoch, toCallbackList, type CallbackModel, type EpochLogs } from '../lib/train/callbacks';
import { Monitor } from '../lib/train/monitor';
import { scratchDir } from './helpers';

class StandIn implements CallbackModel {
  params = Float32Array.of(0, 0);
  stopTraining = false;
  optimizer: { lr: number } | undefined = { lr: 1 };
  saves: [string, { optimizer?: boolean } | undefined][] = [];
  async save(path: string, options?: { optimizer?: boolean }): Promise<void> {
    this.saves.push([path, options]);
  }
}

const logs = (values: Record<string, number>) => ({ loss: 0, ...values }) as unknown as EpochLogs;

/** Runs EarlyStopping over the values of `key`, setting params to [epoch, epoch] before each epoch ends; the epoch it stopped at, or undefined. */
function stopping(options: ConstructorParameters<typeof EarlyStopping>[0], values: number[], key = 'valLoss') {
  const model = new StandIn();
  const callback = new EarlyStopping(options);
  callback.setModel(model);
  callback.onTrainBegin();
  let stopped: number | undefined;
  for (const [epoch, value] of values.entries()) {
    model.params.fill(epoch);
    callback.onEpochEnd(epoch, logs({ [key]: value }));
    if (model.stopTraining) {
      stopped = epoch;
      break;
    }
  }
  callback.onTrainEnd();
  return { stopped, callback, params: Array.from(model.params) };
}

describe('EarlyStopping', () => {
  test('stops once `patience` epochs have passed without an improvement larger than minDelta', () => {
    expect(stopping({ patience: 2 }, [3, 2, 2.5, 2.4, 1])).toMatchObject({ stopped: 3, callback: { best: 2, bestEpoch: 1, stoppedEpoch: 3 } });
    expect(stopping({ patience: 1, minDelta: 0.5 }, [3, 2.6, 2.4]).stopped).toBe(1);
    expect(stopping({ patience: 1, minDelta: -0.5 }, [3, 2.6, 2.4]).stopped).toBe(1); // |minDelta|
    expect(stopping({ patience: 1, minDelta: 0.5 }, [3, 2.4, 1.8]).stopped).toBeUndefined();
    // Patience 0 (the default) stops at the first epoch after the first that does not improve.
    expect(stopping({}, [3, 3]).stopped).toBe(1);
    expect(stopping({}, [3, 2, 1, 1]).stopped).toBe(3);
  });

  test("'auto' watches accuracies for a maximum and everything else for a minimum; 'max' and 'min' force it", () => {
    expect(stopping({ monitor: 'valAccuracy', patience: 1 }, [0.5, 0.6, 0.55], 'valAccuracy').stopped).toBe(2);
    expect(stopping({ monitor: 'top2Accuracy', patience: 1 }, [0.5, 0.6, 0.7], 'top2Accuracy').stopped).toBeUndefined();
    expect(stopping({ monitor: 'valF1', mode: 'max', patience: 1 }, [0.5, 0.6, 0.55], 'valF1').stopped).toBe(2);
    expect(stopping({ mode: 'min', patience: 1 }, [0.5, 0.6], 'valLoss').stopped).toBe(1);
    expect(stopping({ monitor: 'valAccuracy', mode: 'min', patience: 1 }, [0.5, 0.4, 0.45], 'valAccuracy').stopped).toBe(2);
  });

  test('a baseline keeps the count running until it is beaten; improvements that fall short still return early', () => {
    expect(stopping({ baseline: 1, patience: 2 }, [3, 3, 3]).stopped).toBe(1);
    expect(stopping({ baseline: 1, patience: 2 }, [3, 2, 1.5, 1.4]).stopped).toBeUndefined();
    expect(stopping({ baseline: 1, patience: 2 }, [3, 0.5, 0.6, 0.7]).stopped).toBe(3);
  });

  test('startFromEpoch ignores the first epochs entirely', () => {
    expect(stopping({ patience: 1, startFromEpoch: 2 }, [1, 5, 5, 5, 5]).stopped).toBe(3);
    expect(stopping({ patience: 1, startFromEpoch: 2 }, [1, 5, 5, 5, 5]).callback.bestEpoch).toBe(2);
  });

  test('restoreBestWeights puts back the best epoch\'s parameters, or the first watched epoch\'s when none improved', () => {
    expect(stopping({ patience: 2, restoreBestWeights: true }, [3, 2, 2.5, 2.4]).params).toEqual([1, 1]);
    expect(stopping({ patience: 1, restoreBestWeights: true }, [NaN, NaN, NaN]).params).toEqual([0, 0]);
    expect(stopping({ patience: 1, restoreBestWeights: true, startFromEpoch: 1 }, [NaN, NaN, NaN]).params).toEqual([1, 1]);
    expect(stopping({ patience: 2 }, [3, 2, 2.5, 2.4]).params).toEqual([3, 3]);
  });

  test('onTrainBegin starts over: a second fit is watched afresh', () => {
    const model = new StandIn();
    const callback = new EarlyStopping({ patience: 1 });
    callback.setModel(model);
    callback.onTrainBegin();
    callback.onEpochEnd(0, logs({ valLoss: 1 }));
    callback.onEpochEnd(1, logs({ valLoss: 2 }));
    expect(callback.stoppedEpoch).toBe(1);
    model.stopTraining = false;
    callback.onTrainBegin();
    expect(callback.stoppedEpoch).toBe(0);
    callback.onEpochEnd(0, logs({ valLoss: 5 }));
    expect(callback.best).toBe(5);
    expect(model.stopTraining).toBe(false);
  });

  test('options are checked', () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(new InvalidArgumentError('Expected positive integer for patience but received -1 of type number'));
    expect(() => new EarlyStopping({ startFromEpoch: 1.5 })).toThrow(new InvalidArgumentError('Expected positive integer for startFromEpoch but received 1.5 of type number'));
    expect(() => new EarlyStopping({ restoreBestWeights: 1 as never })).toThrow(new InvalidArgumentError('Expected boolean for restoreBestWeights but received 1 of type number'));
    expect(() => new EarlyStopping({ patients: 1 } as never)).toThrow(/^Unknown option 'patients' in EarlyStopping options; did you mean 'patience'\?/);
    expect(new EarlyStopping({ patience: 0, startFromEpoch: 0 })).toMatchObject({ patience: 0, startFromEpoch: 0, baseline: undefined, restoreBestWeights: false });
  });
});

describe('Monitor', () => {
  test('names a missing log and says how to get validation logs', () => {
    const monitor = new Monitor('EarlyStopping', 'valLoss', undefined, undefined);
    expect(() => monitor.value(logs({ accuracy: 1 }))).toThrow(new InvalidArgumentError(
      "The monitored quantity 'valLoss' is not in the epoch logs (they hold loss, accuracy); pass validationData or validationSplit to fit"));
    expect(() => new Monitor('X', 'accuracy', undefined, undefined).value(logs({}))).toThrow(new InvalidArgumentError("The monitored quantity 'accuracy' is not in the epoch logs (they hold loss)"));
    expect(() => new Monitor('ModelCheckpoint', '', undefined, undefined)).toThrow(new InvalidArgumentError("Expected the name of an epoch log (e.g. 'valLoss') for ModelCheckpoint monitor but received "));
    expect(() => new Monitor('X', 3, undefined, undefined)).toThrow("for X monitor but received 3");
    expect(() => new Monitor('X', 'loss', 'lowest', undefined)).toThrow("Expected one of 'auto', 'min', 'max' for mode but received 'lowest'");
    expect(() => new Monitor('X', 'loss', 'min', NaN)).toThrow('Expected finite number for minDelta but received NaN');
  });

  test('improves by more than minDelta in its direction; the worst value to start from', () => {
    const min = new Monitor('X', 'loss', undefined, 0.1);
    expect([min.improves(0.85, 1), min.improves(0.9, 1), min.improves(0.95, 1), min.worst]).toEqual([true, false, false, Infinity]);
    const max = new Monitor('X', 'accuracy', undefined, undefined, 0.1);
    expect([max.improves(1.15, 1), max.improves(1.1, 1), max.minDelta, max.worst]).toEqual([true, false, 0.1, -Infinity]);
  });
});

describe('ReduceLROnPlateau', () => {
  test("the rate after each epoch follows Keras's trace: patience, cooldown, factor, and the floor minLr", () => {
    const model = new StandIn();
    const callback = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 0.1 });
    callback.setModel(model);
    callback.onTrainBegin();
    const rates: number[] = [];
    for (const [epoch, value] of [1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5].entries()) {
      callback.onEpochEnd(epoch, logs({ valLoss: value }));
      rates.push(model.optimizer!.lr);
    }
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.125, 0.1, 0.1, 0.1, 0.1]);
  });

  test('defaults: factor 0.1 after 10 epochs, no cooldown, an improvement must beat 1e-4; onTrainBegin starts over', () => {
    const model = new StandIn();
    const callback = new ReduceLROnPlateau({ monitor: 'loss' });
    expect(callback).toMatchObject({ factor: 0.1, patience: 10, cooldown: 0, minLr: 0 });
    callback.setModel(model);
    callback.onTrainBegin();
    // Each epoch 5e-6 lower: never by more than minDelta 1e-4 below the best.
    for (let epoch = 0; epoch <= 10; epoch++) callback.onEpochEnd(epoch, logs({ loss: 1 - epoch * 0.000005 }));
    expect(model.optimizer!.lr).toBeCloseTo(0.1, 12);
    callback.onTrainBegin();
    for (let epoch = 0; epoch < 10; epoch++) callback.onEpochEnd(epoch, logs({ loss: 5 }));
    expect(model.optimizer!.lr).toBeCloseTo(0.1, 12);
    callback.onEpochEnd(10, logs({ loss: 5 }));
    expect(model.optimizer!.lr).toBeCloseTo(0.01, 12);
  });

  test('options are checked; a model without an optimizer is named', () => {
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(new InvalidArgumentError('Expected factor strictly between 0 and 1 but received 1'));
    expect(() => new ReduceLROnPlateau({ factor: 0 })).toThrow(new InvalidArgumentError('Expected factor strictly between 0 and 1 but received 0'));
    expect(() => new ReduceLROnPlateau({ factor: 1.5 })).toThrow('Expected finite number between 0 and 1 for factor but received 1.5');
    expect(() => new ReduceLROnPlateau({ cooldown: -1 })).toThrow('Expected positive integer for cooldown but received -1');
    expect(() => new ReduceLROnPlateau({ minLr: -1 })).toThrow('Expected finite number >= 0 for minLr but received -1');
    expect(() => new ReduceLROnPlateau({ patience: 0 })).toThrow('Expected positive integer for patience but received 0');
    const callback = new ReduceLROnPlateau({ patience: 1 });
    const model = new StandIn();
    model.optimizer = undefined;
    callback.setModel(model);
    callback.onTrainBegin();
    callback.onEpochEnd(0, logs({ valLoss: 1 }));
    expect(() => callback.onEpochEnd(1, logs({ valLoss: 1 }))).toThrow(new InvalidArgumentError('ReduceLROnPlateau needs a compiled model'));
  });
});

describe('LearningRateScheduler and ModelCheckpoint', () => {
  test('the scheduler sets the rate at each epoch\'s start from (epoch, current rate), checked', () => {
    const model = new StandIn();
    const calls: [number, number][] = [];
    const scheduler = new LearningRateScheduler((epoch, lr) => (calls.push([epoch, lr]), lr / 2));
    scheduler.setModel(model);
    scheduler.onEpochBegin(0);
    scheduler.onEpochBegin(1);
    expect(calls).toEqual([[0, 1], [1, 0.5]]);
    expect(model.optimizer!.lr).toBe(0.25);
    const negative = new LearningRateScheduler(() => -1);
    negative.setModel(model);
    expect(() => negative.onEpochBegin(0)).toThrow(new InvalidArgumentError('Expected finite number >= 0 for the learning rate the schedule function returned but received -1 of type number'));
    expect(() => new LearningRateScheduler(0.1 as never)).toThrow(new InvalidArgumentError('Expected a function (epoch, lr) => lr for LearningRateScheduler'));
    expect(() => new LearningRateScheduler((_, lr) => lr).onEpochBegin(0)).toThrow(new InvalidArgumentError('LearningRateScheduler needs a compiled model'));
  });

  test('checkpoints: every epoch with {epoch} 1-based (every occurrence), or only improvements; the optimizer flag is passed on', async () => {
    const model = new StandIn();
    const every = new ModelCheckpoint({ path: 'ck-{epoch}/m{epoch}.safetensors', optimizer: true });
    every.setModel(model);
    await every.onEpochEnd(0, logs({}));
    await every.onEpochEnd(1, logs({}));
    expect(model.saves).toEqual([['ck-1/m1.safetensors', { optimizer: true }], ['ck-2/m2.safetensors', { optimizer: true }]]);
    expect(every.saved).toEqual(['ck-1/m1.safetensors', 'ck-2/m2.safetensors']);
    const best = new ModelCheckpoint({ path: 'best.safetensors', saveBestOnly: true, monitor: 'valAccuracy' });
    expect(best.best).toBe(-Infinity);
    best.setModel(model);
    model.saves = [];
    for (const [epoch, value] of [0.5, 0.7, 0.6, 0.7, 0.8].entries()) await best.onEpochEnd(epoch, logs({ valAccuracy: value }));
    expect(model.saves).toEqual([['best.safetensors', { optimizer: false }], ['best.safetensors', { optimizer: false }], ['best.safetensors', { optimizer: false }]]);
    expect(best.best).toBe(0.8);
    expect(() => new ModelCheckpoint({ path: '' })).toThrow(new InvalidArgumentError("Expected non-empty string for path but received '' of type string"));
    expect(() => new ModelCheckpoint({ path: 'x', saveBestOnly: 'yes' as never })).toThrow('Expected boolean for saveBestOnly');
    expect(() => new ModelCheckpoint({ path: 'x', optimizer: 1 as never })).toThrow('Expected boolean for optimizer');
    expect(new ModelCheckpoint({ path: 'x' })).toMatchObject({ saveBestOnly: false, optimizer: false, best: Infinity });
  });
});

describe('the callbacks option and the history', () => {
  test('toCallbackList: one object or a list; methods read once, bound to their object; a misspelt literal method or a non-function is named', async () => {
    expect(toCallbackList(undefined)).toEqual([]);
    const seen: unknown[] = [];
    const literal = { onEpochEnd(this: unknown, epoch: number) { seen.push([this, epoch]); } };
    const single = toCallbackList(literal);
    expect(single).toHaveLength(1);
    await single[0]!.onEpochEnd!(3, logs({}));
    expect(seen).toEqual([[literal, 3]]);
    class Counter { count = 0; onEpochBegin() { this.count++; } }
    const counter = new Counter();
    const [bound] = toCallbackList([counter]);
    await bound!.onEpochBegin!(0);
    await bound!.onEpochBegin!(1);
    expect(counter.count).toBe(2);
    expect(Object.keys(bound!)).toEqual(['onEpochBegin']);
    let reads = 0;
    const getter = toCallbackList({ get onTrainEnd() { reads++; return () => undefined; } });
    await getter[0]!.onTrainEnd!({} as never);
    await getter[0]!.onTrainEnd!({} as never);
    expect(reads).toBe(1);
    expect(() => toCallbackList({ onEpochEnds: () => undefined })).toThrow(/^Unknown option 'onEpochEnds' in callbacks; did you mean 'onEpochEnd'\?/);
    expect(() => toCallbackList([{}, { onBatchEnd: 3 }])).toThrow(new InvalidArgumentError('Expected function for callbacks[1].onBatchEnd but received 3 of type number'));
    expect(() => toCallbackList({ onBatchEnd: 'x' })).toThrow(new InvalidArgumentError("Expected function for callbacks.onBatchEnd but received 'x' of type string"));
    expect(() => toCallbackList([null])).toThrow(new InvalidArgumentError('Expected object for callbacks[0] but received null'));
    expect(() => toCallbackList(Object.create(null, { onEpochEnd: { value: 1, enumerable: true } }))).toThrow('Expected function for callbacks.onEpochEnd');
    // A class instance's other fields are its own business.
    expect(() => toCallbackList(new EarlyStopping())).not.toThrow();

    const history = { epoch: [] as number[], loss: [] as number[], lr: [] as number[] };
    recordEpoch(history, 0, logs({ lr: 0.1, valLoss: 2 }));
    recordEpoch(history, 1, logs({ lr: 0.05, valLoss: 1 }));
    expect(history).toEqual({ epoch: [0, 1], loss: [0, 0], lr: [0.1, 0.05], valLoss: [2, 1] });
  });
});

describe('epoch loggers', () => {
  test('CSVLogger: a header of the sorted log names, one row per epoch, any one-character separator; a new fit starts the file over unless append', async () => {
    const dir = scratchDir('loggers');
    const file = path.join(dir, 'log.csv');
    const csv = new CSVLogger(file, { separator: ';' });
    csv.onTrainBegin();
    await csv.onEpochEnd(0, logs({ valLoss: 2, accuracy: 0.5 }));
    await csv.onEpochEnd(1, logs({ valLoss: 1, accuracy: 0.75 }));
    expect(readFileSync(file, 'utf8')).toBe('epoch;accuracy;loss;valLoss\n0;0.5;0;2\n1;0.75;0;1\n');
    csv.onTrainBegin();
    await csv.onEpochEnd(0, logs({ valLoss: 3 }));
    expect(readFileSync(file, 'utf8')).toBe('epoch;loss;valLoss\n0;0;3\n');
    const appending = new CSVLogger(file, { separator: ';', append: true });
    appending.onTrainBegin();
    await appending.onEpochEnd(0, logs({ valLoss: 4 }));
    expect(readFileSync(file, 'utf8')).toBe('epoch;loss;valLoss\n0;0;3\nepoch;loss;valLoss\n0;0;4\n');
    const jsonl = path.join(dir, 'log.jsonl');
    const lines = new JsonLinesLogger(jsonl);
    lines.onTrainBegin();
    await lines.onEpochEnd(0, logs({ valLoss: 2 }));
    await lines.onEpochEnd(1, logs({ valLoss: 1 }));
    expect(readFileSync(jsonl, 'utf8')).toBe('{"epoch":0,"loss":0,"valLoss":2}\n{"epoch":1,"loss":0,"valLoss":1}\n');
    lines.onTrainBegin();
    await lines.onEpochEnd(0, logs({}));
    expect(readFileSync(jsonl, 'utf8')).toBe('{"epoch":0,"loss":0}\n');
    const more = new JsonLinesLogger(jsonl, { append: true });
    more.onTrainBegin();
    await more.onEpochEnd(5, logs({}));
    expect(readFileSync(jsonl, 'utf8')).toBe('{"epoch":0,"loss":0}\n{"epoch":5,"loss":0}\n');
    const missing = path.join(dir, 'no', 'log.csv');
    await expect(new CSVLogger(missing).onEpochEnd(0, logs({}))).rejects.toThrow(new RegExp(`^Cannot write the training log ${missing.replace(/[/.]/g, '\\$&')}: ENOENT`));
    expect(() => new CSVLogger('')).toThrow(new InvalidArgumentError("Expected non-empty string for CSVLogger path but received '' of type string"));
    expect(() => new JsonLinesLogger(3 as never)).toThrow(new InvalidArgumentError('Expected non-empty string for JsonLinesLogger path but received 3 of type number'));
    expect(() => new CSVLogger('x.csv', { separator: ';;' })).toThrow(new InvalidArgumentError("Expected one character for separator but received ';;' of type string"));
    expect(() => new CSVLogger('x.csv', { append: 'yes' as never })).toThrow('Expected boolean for append');
    expect(() => new JsonLinesLogger('x.jsonl', { appends: true } as never)).toThrow("Unknown option 'appends' in JsonLinesLogger options");
    expect(new CSVLogger('x.csv')).toMatchObject({ separator: ',', append: false });
  });
});

describe('what the mutation run found untested', () => {
  test('each callback names itself in its option and monitor errors, and takes mode', () => {
    const known = (name: string, list: string) => new RegExp(`^Unknown option 'colour' in ${name} options \\(known options: ${list}\\)`);
    expect(() => new ModelCheckpoint({ path: 'm', colour: 1 } as never)).toThrow(known('ModelCheckpoint', 'path, monitor, saveBestOnly, mode, optimizer'));
    expect(() => new ReduceLROnPlateau({ colour: 1 } as never)).toThrow(known('ReduceLROnPlateau', 'monitor, factor, patience, mode, minDelta, cooldown, minLr'));
    expect(() => new CSVLogger('log.csv', { colour: 1 } as never)).toThrow(known('CSVLogger', 'separator, append'));
    for (const [name, build] of [['ModelCheckpoint', () => new ModelCheckpoint({ path: 'm', monitor: 3 as never })], ['EarlyStopping', () => new EarlyStopping({ monitor: 3 as never })],
      ['ReduceLROnPlateau', () => new ReduceLROnPlateau({ monitor: 3 as never })]] as const) {
      expect(build).toThrow(new InvalidArgumentError(`Expected the name of an epoch log (e.g. 'valLoss') for ${name} monitor but received 3`));
    }
    expect(new ModelCheckpoint({ path: 'm', monitor: 'accuracy', mode: 'min' }).monitor.mode).toBe('min');
    expect(new ReduceLROnPlateau({ mode: 'max', minDelta: 0.5 }).monitor).toMatchObject({ mode: 'max', minDelta: 0.5 });
    expect(() => new ModelCheckpoint({ path: 3 as never })).toThrow(new InvalidArgumentError('Expected non-empty string for path but received 3 of type number'));
    expect(() => new CSVLogger('log.csv', { separator: 9 as never })).toThrow(new InvalidArgumentError('Expected one character for separator but received 9 of type number'));
    expect(new CSVLogger('log.csv', { append: true }).append).toBe(true);
    expect(new JsonLinesLogger('log.jsonl', { append: true }).append).toBe(true);
    expect(new ReduceLROnPlateau({ cooldown: 0 }).cooldown).toBe(0);
  });

  test('ReduceLROnPlateau does not count plateau epochs during cooldown, and leaves a rate already below minLr', () => {
    const model = new StandIn();
    const callback = new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown: 2 });
    callback.setModel(model);
    callback.onTrainBegin();
    const rates: number[] = [];
    for (let epoch = 0; epoch < 7; epoch++) {
      callback.onEpochEnd(epoch, logs({ valLoss: 1 }));
      rates.push(model.optimizer!.lr);
    }
    // Keras's order: a cooldown epoch counts down first, so with cooldown 2 the rate drops every
    // second epoch (1, 3, 5) instead of every epoch.
    expect(rates).toEqual([1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
    const low = new StandIn();
    low.optimizer = { lr: 0.001 };
    const floor = new ReduceLROnPlateau({ patience: 1, minLr: 0.01 });
    floor.setModel(low);
    floor.onTrainBegin();
    for (let epoch = 0; epoch < 4; epoch++) floor.onEpochEnd(epoch, logs({ valLoss: 1 }));
    expect(low.optimizer.lr).toBe(0.001);
  });

  test('EarlyStopping never stops at epoch 0, and restores nothing when no epoch was watched', () => {
    const nan = stopping({ patience: 0 }, [Number.NaN, Number.NaN]);
    expect(nan.stopped).toBe(1);
    const late = stopping({ restoreBestWeights: true, startFromEpoch: 5 }, [3, 2]);
    expect(late.params).toEqual([1, 1]);
  });

  test('a logger that cannot write names the file and keeps the cause', async () => {
    const logger = new JsonLinesLogger(path.join(scratchDir('loggers'), 'no-dir', 'log.jsonl'));
    logger.onTrainBegin();
    const error = await logger.onEpochEnd(0, logs({})).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BLASTRAIN_FILE', cause: { code: 'ENOENT' } });
    expect((error as Error).message).toMatch(/^Cannot write the training log .*no-dir\/log\.jsonl: ENOENT/);
  });

  test('a CSV row leaves a log the header did not have empty', async () => {
    const file = path.join(scratchDir('loggers'), 'gaps.csv');
    const logger = new CSVLogger(file);
    logger.onTrainBegin();
    await logger.onEpochEnd(0, logs({ a: 1 }));
    await logger.onEpochEnd(1, { a: 2 } as unknown as EpochLogs);
    expect(readFileSync(file, 'utf8')).toBe('epoch,a,loss\n0,1,0\n1,2,\n');
  });

  test('toCallbackList: undefined and null entries are refused by name', () => {
    expect(() => toCallbackList([undefined])).toThrow(new InvalidArgumentError('Expected object for callbacks[0] but received undefined of type undefined'));
    expect(() => toCallbackList(null)).toThrow(new InvalidArgumentError('Expected object for callbacks but received null'));
  });
});

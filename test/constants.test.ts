// The TypeScript mirrors of native enums and layouts (lib/layout.ts, lib/optim/kinds.ts,
// lib/job.ts) must equal what the addon itself uses: it exports them as `constants`
// (native/binding.cpp). A code that drifted on one side would train the wrong thing silently.
import { expect, test } from 'vitest';
import * as job from '../lib/job';
import * as layout from '../lib/layout';
import * as counters from '../lib/metrics/counters';
import { loadNative } from '../lib/native';
import * as kinds from '../lib/optim/kinds';
import { Adam, AdamW, Dense, RMSprop, SGD, Sequential } from '../lib/index';

const c = loadNative().constants;

test('losses, activations and layer kinds', () => {
  expect(c.loss).toEqual({
    mse: layout.LOSS_MSE, categoricalCrossentropy: layout.LOSS_CATEGORICAL_CROSSENTROPY,
    binaryCrossentropy: layout.LOSS_BINARY_CROSSENTROPY, count: layout.LOSSES.length,
  });
  expect(c.activation).toEqual({
    linear: layout.ACT_LINEAR, relu: layout.ACT_RELU, leakyRelu: layout.ACT_LEAKY_RELU, sigmoid: layout.ACT_SIGMOID,
    tanh: layout.ACT_TANH, softmax: layout.ACT_SOFTMAX, count: layout.ACTIVATIONS.length,
  });
  // The plan sends an activation as its index in ACTIVATIONS.
  for (const [i, name] of layout.ACTIVATIONS.entries()) expect(c.activation![name]).toBe(i);
  expect(c.layerKind).toEqual({ dense: layout.LAYER_DENSE, dropout: layout.LAYER_DROPOUT, count: 2 });
});

test('optimizer kinds, hyper-parameter slots and state buffers', () => {
  expect(c.optimizer).toEqual({ sgd: kinds.OPT_SGD, adam: kinds.OPT_ADAM, adamw: kinds.OPT_ADAMW, rmsprop: kinds.OPT_RMSPROP, count: 4 });
  expect(c.commonHyper).toEqual({ lr: kinds.HYPER_LR, clipNorm: kinds.HYPER_CLIP_NORM, clipValue: kinds.HYPER_CLIP_VALUE, count: kinds.HYPER_COMMON_COUNT });
  expect(c.sgdHyper).toEqual({
    lr: kinds.SGD_LR, momentum: kinds.SGD_MOMENTUM, dampening: kinds.SGD_DAMPENING, weightDecay: kinds.SGD_WEIGHT_DECAY,
    nesterov: kinds.SGD_NESTEROV, count: kinds.SGD_HYPER_COUNT,
  });
  expect(c.adamHyper).toEqual({
    lr: kinds.ADAM_LR, beta1: kinds.ADAM_BETA1, beta2: kinds.ADAM_BETA2, eps: kinds.ADAM_EPS,
    weightDecay: kinds.ADAM_WEIGHT_DECAY, amsgrad: kinds.ADAM_AMSGRAD, count: kinds.ADAM_HYPER_COUNT,
  });
  expect(c.rmspropHyper).toEqual({
    lr: kinds.RMSPROP_LR, rho: kinds.RMSPROP_RHO, eps: kinds.RMSPROP_EPS, weightDecay: kinds.RMSPROP_WEIGHT_DECAY,
    momentum: kinds.RMSPROP_MOMENTUM, centered: kinds.RMSPROP_CENTERED, count: kinds.RMSPROP_HYPER_COUNT,
  });
  for (const [name, optimizer] of [['sgd', new SGD()], ['adam', new Adam()], ['adamw', new AdamW()], ['rmsprop', new RMSprop()]] as const) {
    const model = new Sequential({ inputSize: 2, layers: [new Dense(3)] });
    model.compile({ loss: 'mse', optimizer });
    expect(optimizer.state.length / model.params.length, name).toBe(c.stateBuffers![name]);
  }
});

test('the stats layout and job statuses', () => {
  expect(c.stats).toEqual({
    status: job.STATS_STATUS, completed: job.STATS_COMPLETED, sample: job.STATS_SAMPLE, value: job.STATS_VALUE,
    header: job.STATS_HEADER, loss: job.BATCH_LOSS, gradNorm: job.BATCH_GRAD_NORM, counters: job.BATCH_COUNTERS,
  });
  expect(c.counter).toEqual({
    accuracy: counters.COUNTER_ACCURACY, topK: counters.COUNTER_TOP_K, absError: counters.COUNTER_ABS_ERROR,
    squaredError: counters.COUNTER_SQUARED_ERROR, confusion: counters.COUNTER_CONFUSION, count: counters.COUNTER_KINDS,
  });
  expect(c.status).toEqual({
    done: job.JOB_DONE, stopped: job.JOB_STOPPED, nonFiniteLoss: job.JOB_NON_FINITE_LOSS,
    nonFiniteGradient: job.JOB_NON_FINITE_GRADIENT, badLabel: job.JOB_BAD_LABEL, count: 5,
  });
  expect(Object.values(c.status!)).not.toContain(job.JOB_NON_FINITE_INPUT);
});

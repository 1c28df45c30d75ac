// The optimizers' API as PyTorch users meet it: each kind's defaults (PyTorch's), every option's
// range with its boundary, the state buffers' names and layout, and stateDict/loadStateDict's
// refusals with their exact messages. (optimizers.test.ts and vectors.test.ts check the maths.)
import { describe, expect, test } from 'vitest';
import { Adam, AdamW, Dense, InvalidArgumentError, ModelBusyError, NotCompiledError, RMSprop, SGD, Sequential, ShapeError } from '../lib/index';
import { createOptimizer, OPTIMIZER_TYPES } from '../lib/optim/registry';

const tiny = () => new Sequential({ inputSize: 2, layers: [new Dense(3)] }); // 9 parameters

describe('defaults and option ranges', () => {
  test("each kind's defaults are PyTorch's (AdamW decays by 0.01), clipping off", () => {
    const clip = { clipNorm: 0, clipValue: 0 };
    expect(new SGD().options).toEqual({ lr: 0.001, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...clip });
    expect(new Adam().options).toEqual({ lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, ...clip });
    expect(new AdamW().options).toEqual({ lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false, ...clip });
    expect(new RMSprop().options).toEqual({ lr: 0.01, rho: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, ...clip });
    expect([new SGD().type, new Adam().type, new AdamW().type, new RMSprop().type]).toEqual(['sgd', 'adam', 'adamw', 'rmsprop']);
    const sgd = new SGD({ momentum: 0.9, dampening: -0.5, weightDecay: 0.1, nesterov: false });
    expect([sgd.momentum, sgd.dampening, sgd.weightDecay, sgd.nesterov]).toEqual([0.9, -0.5, 0.1, false]);
    expect(new SGD({ momentum: 0.5, nesterov: true }).nesterov).toBe(true);
  });

  test('ranges: non-negative (0 allowed), [0, 1) for decays, any finite dampening; booleans are booleans', () => {
    expect(() => new SGD({ lr: -1e-9 })).toThrow(new InvalidArgumentError('Expected finite number >= 0 for lr but received -1e-9 of type number'));
    expect(new SGD({ lr: 0, clipNorm: 0, clipValue: 0 }).lr).toBe(0);
    expect(() => new Adam({ eps: Number.NaN })).toThrow(new InvalidArgumentError('Expected finite number >= 0 for eps but received NaN of type number'));
    expect(() => new RMSprop({ clipValue: -1 })).toThrow(new InvalidArgumentError('Expected finite number >= 0 for clipValue but received -1 of type number'));
    for (const beta1 of [1, -0.1, '0.5', Number.NaN]) {
      expect(() => new Adam({ beta1: beta1 as number })).toThrow(new InvalidArgumentError(`Expected number in [0, 1) for beta1 but received ${typeof beta1 === 'string' ? `'${beta1}' of type string` : `${beta1} of type number`}`));
    }
    expect(new Adam({ beta1: 0, beta2: 0.9999999 }).options).toMatchObject({ beta1: 0, beta2: 0.9999999 });
    expect(() => new RMSprop({ rho: 1 })).toThrow('Expected number in [0, 1) for rho but received 1 of type number');
    expect(() => new SGD({ dampening: Infinity })).toThrow('Expected finite number for dampening but received Infinity of type number');
    expect(() => new Adam({ amsgrad: 1 as unknown as boolean })).toThrow('Expected boolean for amsgrad but received 1 of type number');
    expect(() => new SGD({ lr: 0.1, momentun: 0.9 } as never)).toThrow("Unknown option 'momentun' in SGD options");
    expect(() => new RMSprop([] as never)).toThrow(InvalidArgumentError);
  });

  test('Nesterov needs momentum > 0 and dampening 0', () => {
    expect(() => new SGD({ nesterov: true })).toThrow(new InvalidArgumentError('Nesterov momentum requires momentum > 0 and dampening 0 but received momentum 0 and dampening 0'));
    expect(() => new SGD({ nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow('but received momentum 0.9 and dampening 0.1');
    expect(() => new SGD({ momentum: 0, dampening: 0.3 })).not.toThrow();
  });

  test('the lr setter checks its value and keeps the other options', () => {
    const adam = new Adam({ beta1: 0.8 });
    adam.lr = 0.5;
    expect(adam.options).toMatchObject({ lr: 0.5, beta1: 0.8 });
    expect(() => (adam.lr = -1)).toThrow('Expected finite number >= 0 for lr but received -1 of type number');
    expect(adam.lr).toBe(0.5);
  });

  test('the registry builds each type by name, and nothing for other names', () => {
    expect(OPTIMIZER_TYPES).toEqual(['sgd', 'adam', 'adamw', 'rmsprop']);
    for (const type of OPTIMIZER_TYPES) expect(createOptimizer(type, { lr: 0.25 })).toMatchObject({ type, lr: 0.25 });
    for (const type of ['toString', 'constructor', 'SGD', '']) expect(createOptimizer(type, {})).toBeUndefined();
  });
});

describe('state buffers', () => {
  test('named blocks of one array, params-length each, in the kind order', () => {
    for (const [optimizer, names] of [[new SGD(), ['momentumBuffer']], [new Adam(), ['expAvg', 'expAvgSq', 'maxExpAvgSq']], [new RMSprop(), ['squareAvg', 'momentumBuffer', 'gradAvg']]] as const) {
      const model = tiny();
      model.compile({ loss: 'mse', optimizer });
      expect(optimizer.stateNames).toEqual(names);
      expect(optimizer.state).toHaveLength(9 * names.length);
      names.forEach((name, i) => {
        const block = optimizer.stateBuffer(name);
        expect([block.buffer === optimizer.state.buffer, block.byteOffset, block.length]).toEqual([true, 4 * 9 * i, 9]);
      });
      expect(() => optimizer.stateBuffer('nope')).toThrow(new InvalidArgumentError(`Expected one of ${names.join(', ')} for state buffer name but received 'nope' of type string`));
    }
  });

  test('before compile every state call is refused; an optimizer serves one model, and compiling again starts it afresh', async () => {
    const sgd = new SGD({ lr: 0.1, momentum: 0.9 });
    for (const [method, call] of [['state', () => sgd.state], ['stateBuffer', () => sgd.stateBuffer('momentumBuffer')], ['step', () => sgd.step()], ['zeroGrad', () => sgd.zeroGrad()],
      ['loadStateDict', () => sgd.loadStateDict({ type: 'sgd', step: 0, options: {}, state: {} })], ['stateDict', () => sgd.stateDict()]] as const) {
      expect(call, method).toThrow(new NotCompiledError(`Cannot call optimizer.${method}() before model.compile({ optimizer }) attaches it to a model`));
    }
    const model = tiny();
    model.compile({ loss: 'mse', optimizer: sgd });
    expect(() => tiny().compile({ loss: 'mse', optimizer: sgd })).toThrow(new InvalidArgumentError('This optimizer already belongs to another model; create one optimizer per model'));
    model.trainStep(Float32Array.of(1, 2), Float32Array.of(1, 1, 1));
    expect(sgd.stepCount).toBe(1);
    expect(sgd.stateBuffer('momentumBuffer').some((v) => v !== 0)).toBe(true);
    model.compile({ loss: 'mse', optimizer: sgd });
    expect(sgd.stepCount).toBe(0);
    expect(sgd.state.every((v) => v === 0)).toBe(true);
    // step() applies one update and counts it; zeroGrad() clears the gradients.
    model.forward(Float32Array.of(1, 2));
    model.backward(Float32Array.of(1, 1, 1));
    const before = model.params.slice();
    sgd.step();
    expect(sgd.stepCount).toBe(1);
    expect(model.params).not.toEqual(before);
    sgd.zeroGrad();
    expect(model.grads.every((v) => v === 0)).toBe(true);
    // The model's guard applies: during fit, step() is refused.
    const fitting = model.fit(new Float32Array(2 * 64), new Float32Array(3 * 64), { epochs: 2, batchSize: 1 });
    expect(() => sgd.step()).toThrow(ModelBusyError);
    await fitting;
  });
});

describe('loadStateDict refuses, saying what is wrong, and changes nothing then', () => {
  test('every field', () => {
    const model = tiny();
    const rms = new RMSprop({ lr: 0.1, momentum: 0.5, centered: true });
    model.compile({ loss: 'mse', optimizer: rms });
    model.trainStep(Float32Array.of(1, 2), Float32Array.of(0, 1, 2));
    const good = rms.stateDict();
    expect(good.step).toBe(1);
    expect(Object.keys(good.state)).toEqual(['squareAvg', 'momentumBuffer', 'gradAvg']);
    const nine = () => new Float32Array(9);
    const cases: [unknown, Error][] = [
      [null, new InvalidArgumentError('Expected object for stateDict but received null')],
      [{ ...good, type: 'sgd' }, new InvalidArgumentError("Expected 'rmsprop' for stateDict.type but received 'sgd' of type string")],
      [{ ...good, step: -1 }, new InvalidArgumentError('Expected non-negative integer for stateDict.step but received -1 of type number')],
      [{ ...good, step: 1.5 }, new InvalidArgumentError('Expected non-negative integer for stateDict.step but received 1.5 of type number')],
      [{ ...good, step: '1' }, new InvalidArgumentError("Expected non-negative integer for stateDict.step but received '1' of type string")],
      [{ ...good, state: 3 }, new InvalidArgumentError('Expected object for stateDict.state but received 3 of type number')],
      [{ ...good, state: { ...good.state, gradAvg: new Float32Array(8) } }, new ShapeError('Expected Float32Array of length 9 for stateDict.state.gradAvg but received length 8')],
      [{ ...good, state: { squareAvg: nine(), momentumBuffer: Array.from(nine()), gradAvg: nine() } }, new ShapeError('Expected Float32Array of length 9 for stateDict.state.momentumBuffer but received object')],
      [{ ...good, state: { squareAvg: nine(), gradAvg: nine() } }, new ShapeError('Expected Float32Array of length 9 for stateDict.state.momentumBuffer but received undefined')],
      [{ ...good, options: null }, new InvalidArgumentError('Expected object for stateDict.options but received null')],
      [{ ...good, options: { ...good.options, rho: 2 } }, new InvalidArgumentError('Expected number in [0, 1) for rho but received 2 of type number')],
    ];
    for (const [dict, error] of cases) {
      expect(() => rms.loadStateDict(dict as never)).toThrow(error);
      expect(rms.stateDict()).toEqual(good);
    }
    // Step 0 is a valid dict; the options come back as given.
    rms.loadStateDict({ ...good, step: 0, options: { ...good.options, lr: 0.5 } });
    expect([rms.stepCount, rms.lr]).toEqual([0, 0.5]);
  });
});

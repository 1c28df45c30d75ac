// TensorFlow.js layers models (model.json + weights.bin, as tf.LayersModel.save writes them and
// tf.loadLayersModel reads them). Keras stores a Dense kernel as (in, out), blastrain as
// PyTorch does, (out, in): both directions transpose. Dense layers with the activations both
// libraries share convert directly; blastrain's leakyRelu becomes a linear Dense followed by a
// LeakyReLU layer (tfjs has no leakyRelu activation), and that pair is folded back on import.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FileError, ModelFormatError } from '../errors';
import type { ActivationName } from '../layout';
import { writeFileAtomic } from './atomic-write';
import type { Architecture, LayerRecord } from './model-file';
import { littleEndianBytes } from './safetensors';

const SHARED: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** model.json's layers and the weights.bin bytes for a model. */
export function toTfjs(architecture: Architecture, params: Float32Array): { modelJson: string; weights: Uint8Array } {
  const layers: unknown[] = [];
  const specs: WeightSpec[] = [];
  const weights = new Float32Array(params.length);
  let inputs = architecture.inputSize;
  let offset = 0;
  architecture.layers.forEach((layer, l) => {
    const input = l === 0 ? { batch_input_shape: [null, inputs] } : {};
    if (layer.type === 'dropout') {
      layers.push({ class_name: 'Dropout', config: { name: `dropout_${l + 1}`, rate: layer.rate, trainable: true, dtype: 'float32', ...input } });
      return;
    }
    const name = `dense_${l + 1}`;
    const leaky = layer.activation === 'leakyRelu';
    layers.push({
      class_name: 'Dense',
      config: {
        name, units: layer.units, activation: leaky ? 'linear' : layer.activation, use_bias: true, trainable: true, dtype: 'float32',
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
        ...input,
      },
    });
    if (leaky) layers.push({ class_name: 'LeakyReLU', config: { name: `leaky_re_lu_${l + 1}`, alpha: layer.leakyReluAlpha, trainable: true, dtype: 'float32' } });
    // kernel (in, out) = Wᵀ, W (out, in) row-major at `offset`
    for (let o = 0; o < layer.units; o++) {
      // Stryker disable next-line EqualityOperator: i = inputs writes into the bias block, which the next line overwrites
      for (let i = 0; i < inputs; i++) weights[offset + i * layer.units + o] = params[offset + o * inputs + i] as number;
    }
    weights.set(params.subarray(offset + layer.units * inputs, offset + layer.units * (inputs + 1)), offset + layer.units * inputs);
    specs.push({ name: `${name}/kernel`, shape: [inputs, layer.units], dtype: 'float32' }, { name: `${name}/bias`, shape: [layer.units], dtype: 'float32' });
    offset += layer.units * (inputs + 1);
    inputs = layer.units;
  });
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'blastrain',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return { modelJson: JSON.stringify(modelJson), weights: littleEndianBytes(weights) };
}

export async function writeTfjs(dir: string, files: { modelJson: string; weights: Uint8Array }): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(path.join(dir, 'weights.bin'), [files.weights]);
    await writeFileAtomic(path.join(dir, 'model.json'), [Buffer.from(files.modelJson)]);
  } catch (error) {
    throw new FileError(`Cannot write the TensorFlow.js model to ${dir}: ${(error as Error).message}`, { cause: error });
  }
}

interface KerasLayer {
  class_name?: unknown;
  config?: { name?: unknown; units?: unknown; activation?: unknown; use_bias?: unknown; alpha?: unknown; batch_input_shape?: unknown; batchInputShape?: unknown };
}

/** The architecture and parameters (blastrain's layout) of a tfjs layers model in `dir`. */
export async function readTfjs(dir: string): Promise<{ architecture: Omit<Architecture, 'seed'>; params: Float32Array }> {
  const where = path.join(dir, 'model.json');
  const fail = (problem: string): never => {
    throw new ModelFormatError(`${where}: ${problem}`);
  };
  let json: { modelTopology?: { class_name?: unknown; config?: { layers?: unknown } | unknown[] }; weightsManifest?: { paths: string[]; weights: WeightSpec[] }[] };
  try {
    // Stryker disable next-line StringLiteral: without an encoding JSON.parse reads the Buffer as UTF-8 all the same
    json = JSON.parse(await readFile(where, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== undefined) throw new FileError(`Cannot read ${where}: ${(error as Error).message}`, { cause: error });
    return fail('not JSON');
  }
  const topology = json.modelTopology;
  if (typeof topology !== 'object' || topology === null || topology.class_name !== 'Sequential') fail('only Sequential layers models can be imported');
  const config = topology!.config;
  const list = Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers;
  if (!Array.isArray(list) || list.length === 0) fail('modelTopology has no layers');
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) fail('weightsManifest is missing');

  // Weights: every shard, in manifest order, concatenated.
  const specs: WeightSpec[] = [];
  const shards: Buffer[] = [];
  for (const group of manifest!) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) fail('weightsManifest entries need paths and weights');
    for (const p of group.paths) {
      if (typeof p !== 'string' || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) fail(`weight path ${JSON.stringify(p)} is not a file beside model.json`);
      try {
        shards.push(await readFile(path.join(dir, p)));
      } catch (error) {
        throw new FileError(`Cannot read the weights ${path.join(dir, p)}: ${(error as Error).message}`, { cause: error });
      }
    }
    specs.push(...group.weights);
  }
  const bytes = Buffer.concat(shards);
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32') fail(`weight ${spec.name} is ${spec.dtype}; only float32 weights can be imported`);
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`weight ${spec.name} has shape ${JSON.stringify(spec.shape)}`);
    const length = spec.shape.reduce((n, d) => n * d, 1);
    if (offset + 4 * length > bytes.length) fail(`the weight files end before weight ${spec.name}`);
    const v = new Float32Array(length);
    for (let i = 0; i < length; i++) v[i] = bytes.readFloatLE(offset + 4 * i);
    values.set(spec.name, v);
    offset += 4 * length;
  }

  const layers: LayerRecord[] = [];
  const kernels: { kernel: Float32Array; bias: Float32Array }[] = [];
  let inputSize: number | undefined;
  const unsupported: string[] = [];
  for (const entry of list as KerasLayer[]) {
    const c = entry.config ?? {};
    const name = String(c.name ?? entry.class_name);
    const shape = (c.batch_input_shape ?? c.batchInputShape) as unknown[] | undefined;
    if (inputSize === undefined && Array.isArray(shape) && typeof shape[1] === 'number') inputSize = shape[1];
    if (entry.class_name === 'InputLayer') continue;
    if (entry.class_name === 'Dropout' && typeof (c as { rate?: unknown }).rate === 'number') {
      layers.push({ type: 'dropout', rate: (c as { rate: number }).rate });
      continue;
    }
    const previous = layers.at(-1);
    if (entry.class_name === 'LeakyReLU' && previous?.type === 'dense' && previous.activation === 'linear') {
      layers.pop();
      layers.push({ ...previous, activation: 'leakyRelu', leakyReluAlpha: typeof c.alpha === 'number' ? c.alpha : 0.3 });
      continue;
    }
    const activation = c.activation ?? 'linear';
    if (entry.class_name !== 'Dense' || !SHARED.includes(activation as ActivationName) || c.use_bias === false) {
      unsupported.push(`${name} (${String(entry.class_name)}${entry.class_name === 'Dense' ? `, activation ${String(activation)}${c.use_bias === false ? ', no bias' : ''}` : ''})`);
      continue;
    }
    const kernel = values.get(`${name}/kernel`);
    const bias = values.get(`${name}/bias`);
    if (kernel === undefined || bias === undefined) fail(`the weights of layer ${name} are missing`);
    layers.push({ type: 'dense', units: Number(c.units), activation: activation as ActivationName, leakyReluAlpha: 0.01 });
    kernels.push({ kernel: kernel!, bias: bias! });
  }
  if (unsupported.length > 0) {
    throw new ModelFormatError(`${where} has layers blastrain cannot represent: ${unsupported.join(', ')} (it imports Dense layers with activations ${SHARED.join(', ')}, LeakyReLU after a linear Dense, and Dropout)`);
  }
  if (inputSize === undefined) fail('the first layer has no batch_input_shape');
  const params: number[] = [];
  let inputs = inputSize!;
  let dense = 0;
  layers.forEach((layer, l) => {
    if (layer.type === 'dropout') return;
    const { kernel, bias } = kernels[dense++]!;
    if (!Number.isSafeInteger(layer.units) || kernel.length !== inputs * layer.units || bias.length !== layer.units) {
      fail(`layer ${l + 1}'s weights do not fit ${inputs} inputs and ${layer.units} units`);
    }
    for (let o = 0; o < layer.units; o++) for (let i = 0; i < inputs; i++) params.push(kernel[i * layer.units + o] as number);
    params.push(...bias);
    inputs = layer.units;
  });
  return { architecture: { inputSize: inputSize!, layers }, params: Float32Array.from(params) };
}

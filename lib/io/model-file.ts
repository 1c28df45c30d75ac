// A Sequential model as one safetensors file. Tensors are named as the state_dict of the
// equivalent PyTorch nn.Sequential — one module per Dense layer and one per non-linear
// activation, so a 4-16(relu)-3(softmax) model stores 0.weight, 0.bias, 2.weight, 2.bias —
// and since model.params already holds them in that order, the data section of a file is the
// params buffer itself (then, with `optimizer: true`, each optimizer state buffer as one flat
// tensor `optimizer.<name>`). __metadata__ holds, as JSON strings, everything needed to build
// the same model again: format version, architecture, loss, optimizer, its step count, and the
// shuffling generator's state (so training resumes exactly).
import { Scaler, type ScalerRecord } from '../data/scalers';
import { checkColumns, type Columns } from '../data/table';
import { metricFromConfig, type MetricConfig } from '../metrics/metrics';
import { ModelFormatError } from '../errors';
import { ACTIVATIONS, LOSSES, type ActivationName, type LossName } from '../layout';
import { OPTIMIZER_TYPES } from '../optim/registry';
import { elementCount, encodeHeader, littleEndianBytes, readTensor, type ByteSource, type Header, type TensorEntry } from './safetensors';

/** The newest version this library writes; it reads this one and every earlier one. */
export const FORMAT_VERSION = 2;
/**
 * The version a file is written with: the lowest that reads it correctly, so older readers keep
 * loading what they can. Version 2 adds input preprocessing, which a version-1 reader would
 * ignore and then predict from unscaled rows, so only such files are marked 2.
 */
function versionFor(record: ModelRecord): number {
  return record.preprocessing !== undefined ? 2 : 1;
}

export type LayerRecord =
  | { readonly type: 'dense'; readonly units: number; readonly activation: ActivationName; readonly leakyReluAlpha: number }
  | { readonly type: 'dropout'; readonly rate: number };

export interface Architecture {
  readonly inputSize: number;
  readonly seed: number;
  readonly layers: readonly LayerRecord[];
}

export interface OptimizerRecord {
  readonly type: string;
  readonly options: Readonly<Record<string, number | boolean>>;
}

/** What a file says about the model, besides its tensors. */
export interface ModelRecord {
  readonly architecture: Architecture;
  readonly loss?: LossName;
  /** compile's metrics (a file without them compiles with the loss's defaults). */
  readonly metrics?: readonly MetricConfig[];
  readonly optimizer?: OptimizerRecord;
  /** The input preprocessing (a fitted scaler), when the model has one. */
  readonly preprocessing?: ScalerRecord;
  /** The table columns the model reads and predicts (setColumns). */
  readonly columns?: Columns;
  /** Present when the file holds the optimizer's state: the steps it had taken. */
  readonly optimizerStep?: number;
  readonly randomState?: number;
}

/** A parameter tensor: its PyTorch name, shape, and where it sits in model.params. */
export interface ParameterTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
}

const TORCH_ACTIVATIONS: Record<ActivationName, ((alpha: number) => string) | undefined> = {
  linear: undefined,
  relu: () => 'nn.ReLU()',
  leakyRelu: (alpha) => `nn.LeakyReLU(${alpha})`,
  sigmoid: () => 'nn.Sigmoid()',
  tanh: () => 'nn.Tanh()',
  softmax: () => 'nn.Softmax(dim=-1)',
};

/** model.params as PyTorch's nn.Sequential state_dict names it, in order. */
export function parameterTensors(architecture: Architecture): ParameterTensor[] {
  const tensors: ParameterTensor[] = [];
  let module = 0;
  let offset = 0;
  let inputs = architecture.inputSize;
  for (const layer of architecture.layers) {
    if (layer.type === 'dropout') {
      module++; // nn.Dropout: a module with no tensors
      continue;
    }
    tensors.push({ name: `${module}.weight`, shape: [layer.units, inputs], offset });
    offset += layer.units * inputs;
    tensors.push({ name: `${module}.bias`, shape: [layer.units], offset });
    offset += layer.units;
    module += TORCH_ACTIVATIONS[layer.activation] === undefined ? 1 : 2;
    inputs = layer.units;
  }
  return tensors;
}

/** The width of the architecture's output: its last layer's units (a checked record ends with a Dense layer). */
function outputsOf(architecture: Architecture): number {
  return (architecture.layers.at(-1) as { units: number }).units;
}

/** The equivalent PyTorch module, as Python source. */
export function torchModule(architecture: Architecture): string {
  const modules: string[] = [];
  let inputs = architecture.inputSize;
  for (const layer of architecture.layers) {
    if (layer.type === 'dropout') {
      modules.push(`nn.Dropout(p=${layer.rate})`);
      continue;
    }
    modules.push(`nn.Linear(${inputs}, ${layer.units})`);
    const activation = TORCH_ACTIVATIONS[layer.activation];
    if (activation !== undefined) modules.push(activation(layer.leakyReluAlpha));
    inputs = layer.units;
  }
  return `nn.Sequential(${modules.join(', ')})`;
}

/** The file's header and data chunks: params (no copy), then each optimizer state buffer. */
export function encodeModel(
  record: ModelRecord, params: Float32Array, state?: { names: readonly string[]; buffers: readonly Float32Array[] },
): Uint8Array[] {
  const metadata: Record<string, string | undefined> = {
    format: 'blastrain',
    format_version: String(versionFor(record)),
    architecture: JSON.stringify(record.architecture),
    torch_module: torchModule(record.architecture),
  };
  // The optional fields; an absent one (undefined) is left out of the header's JSON.
  Object.assign(metadata, {
    loss: record.loss, metrics: JSON.stringify(record.metrics), preprocessing: JSON.stringify(record.preprocessing),
    columns: JSON.stringify(record.columns), optimizer: JSON.stringify(record.optimizer),
    optimizer_step: record.optimizerStep?.toString(), random_state: record.randomState?.toString(),
  });
  const tensors: { name: string; shape: readonly number[] }[] = parameterTensors(record.architecture);
  state?.names.forEach((name, i) => tensors.push({ name: `optimizer.${name}`, shape: [state.buffers[i]!.length] }));
  return [encodeHeader(tensors, metadata), littleEndianBytes(params), ...(state === undefined ? [] : state.buffers.map(littleEndianBytes))];
}

function parseJson(source: ByteSource, key: string, text: string | undefined): unknown {
  if (text === undefined) throw new ModelFormatError(`${source.label} has no '${key}' in its metadata: it was not written by blastrain (use model.loadWeights for a PyTorch state_dict)`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelFormatError(`${source.label} has metadata '${key}' that is not JSON`);
  }
}

const positive = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/** The model record in a header's metadata, checked field by field. */
export function parseRecord(source: ByteSource, metadata: Readonly<Record<string, string>>): ModelRecord {
  const bad = (what: string): never => {
    throw new ModelFormatError(`${source.label} has an invalid ${what} in its metadata`);
  };
  const version = Number(metadata.format_version);
  if (metadata.format !== 'blastrain' || !Number.isSafeInteger(version) || version < 1) {
    throw new ModelFormatError(`${source.label} is not a blastrain model file (its metadata has no blastrain format version); use model.loadWeights for a PyTorch state_dict`);
  }
  if (version > FORMAT_VERSION) {
    throw new ModelFormatError(`${source.label} was written by a newer blastrain (format version ${version}; this one reads up to ${FORMAT_VERSION}): upgrade blastrain to load it`);
  }
  const a = parseJson(source, 'architecture', metadata.architecture) as Partial<Architecture> | null;
  if (!positive(a?.inputSize) || !Number.isSafeInteger(a!.seed) || !Array.isArray(a!.layers) || a!.layers.length === 0 || a!.layers.length > 4096) {
    bad('architecture');
  }
  const layers = (a as Architecture).layers.map((l: Partial<LayerRecord> & Record<string, unknown> | null): LayerRecord => {
    if (l?.type === 'dropout') {
      if (typeof l.rate !== 'number' || !(l.rate >= 0 && l.rate < 1)) return bad('dropout layer record');
      return { type: 'dropout', rate: l.rate };
    }
    if (l?.type !== 'dense' || !positive(l.units) || !ACTIVATIONS.includes(l.activation as ActivationName) ||
      !(Number.isFinite(l.leakyReluAlpha) && (l.leakyReluAlpha as number) >= 0)) {
      return bad('layer record');
    }
    return { type: 'dense', units: l.units, activation: l.activation as ActivationName, leakyReluAlpha: l.leakyReluAlpha as number };
  });
  // A model's last layer is its output: a Dense one.
  if (layers.at(-1)!.type !== 'dense') bad('architecture');
  const architecture: Architecture = { inputSize: a!.inputSize as number, seed: a!.seed as number, layers };
  const record: { -readonly [K in keyof ModelRecord]: ModelRecord[K] } = { architecture };
  if (metadata.loss !== undefined) {
    if (!(LOSSES as readonly string[]).includes(metadata.loss)) bad('loss');
    record.loss = metadata.loss as LossName;
  }
  if (metadata.metrics !== undefined) {
    const list = parseJson(source, 'metrics', metadata.metrics);
    if (!Array.isArray(list) || record.loss === undefined) bad('metrics');
    try {
      (list as unknown[]).forEach(metricFromConfig); // checked here; the model builds them again at compile
    } catch {
      bad('metrics');
    }
    record.metrics = list as MetricConfig[];
  }
  if (metadata.preprocessing !== undefined) {
    const preprocessing = parseJson(source, 'preprocessing', metadata.preprocessing);
    let scaler: Scaler | undefined;
    try {
      scaler = Scaler.fromJSON(preprocessing);
    } catch {
      bad('preprocessing');
    }
    if (scaler!.features !== architecture.inputSize) bad('preprocessing');
    record.preprocessing = scaler!.toJSON();
  }
  if (metadata.columns !== undefined) {
    const columns = parseJson(source, 'columns', metadata.columns);
    try {
      record.columns = checkColumns(columns, architecture.inputSize, outputsOf(architecture));
    } catch {
      bad('columns');
    }
  }
  if (metadata.optimizer !== undefined) {
    const o = parseJson(source, 'optimizer', metadata.optimizer) as Partial<OptimizerRecord> | null;
    if (!OPTIMIZER_TYPES.includes(o?.type as string) || typeof o!.options !== 'object' || o!.options === null) bad('optimizer');
    record.optimizer = { type: o!.type as string, options: o!.options as Record<string, number | boolean> };
  }
  if (metadata.optimizer_step !== undefined) {
    const step = Number(metadata.optimizer_step);
    if (!Number.isSafeInteger(step) || step < 0 || record.optimizer === undefined) bad('optimizer_step');
    record.optimizerStep = step;
  }
  if (metadata.random_state !== undefined) {
    const state = Number(metadata.random_state);
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) bad('random_state');
    record.randomState = state;
  }
  return record;
}

/** Where each of a file's tensors goes: a view of the model's memory of its exact size. */
export interface TensorTarget {
  readonly entry: TensorEntry;
  readonly target: Float32Array;
}

/** Checks a tensor's shape against the one the model expects, naming both. */
export function checkShape(source: ByteSource, entry: TensorEntry, name: string, shape: readonly number[]): void {
  if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
    throw new ModelFormatError(`${source.label}: tensor '${entry.name}' has shape [${entry.shape.join(', ')}] but the model's ${name} has shape [${shape.join(', ')}]`);
  }
}

/**
 * Reads each tensor into its target (a view of the model's own memory: no intermediate copy of
 * the file), and checks its values are finite. The header has been checked whole before this
 * runs; a failure here can leave earlier targets written, so a caller loading into a model that
 * already holds weights restores them.
 */
export async function readTargets(source: ByteSource, header: Header, targets: readonly TensorTarget[]): Promise<void> {
  for (const { entry, target } of targets) {
    await readTensor(source, header, entry, target);
    const bad = target.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ModelFormatError(`${source.label}: tensor '${entry.name}' holds ${target[bad]} at index ${bad}; weights must be finite`);
  }
}

/**
 * Checks that a blastrain file holds exactly the tensors its record describes, with their shapes
 * (optimizer state as `optimizer.<name>`, one params-length vector each), before any model is
 * built: the tensors' sizes are bounded by the file's, so a consistent record cannot make the
 * loader allocate more than the file holds.
 */
export function checkModelTensors(source: ByteSource, header: Header, record: ModelRecord, stateNames: readonly string[]): void {
  const tensors = parameterTensors(record.architecture);
  const paramCount = tensors.reduce((n, t) => n + elementCount(t.shape), 0);
  const expected = [...tensors, ...stateNames.map((name) => ({ name: `optimizer.${name}`, shape: [paramCount] }))];
  const { missing, unexpected } = compareNames(header, expected.map((t) => t.name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new ModelFormatError(
      `${source.label} does not hold the tensors its architecture needs: ` +
        [missing.length > 0 ? `missing ${missing.join(', ')}` : '', unexpected.length > 0 ? `unexpected ${unexpected.join(', ')}` : '']
          .filter(Boolean).join('; '),
    );
  }
  for (const t of expected) checkShape(source, header.tensors.get(t.name)!, t.name, t.shape);
}

/** Tensor names of a file that the model does not have, and names the model has that the file lacks. */
export function compareNames(header: Header, expected: readonly string[]): { missing: string[]; unexpected: string[] } {
  const names = new Set(header.tensors.keys());
  return { missing: expected.filter((n) => !names.has(n)), unexpected: [...names].filter((n) => !expected.includes(n)) };
}

export function architectureOf(
  inputSize: number, seed: number, layers: readonly ({ kind: 'dense'; units: number; activation: ActivationName; leakyReluAlpha: number } | { kind: 'dropout'; rate: number })[],
): Architecture {
  return {
    inputSize, seed,
    layers: layers.map((l) => (l.kind === 'dropout' ? { type: 'dropout', rate: l.rate } : { type: 'dense', units: l.units, activation: l.activation, leakyReluAlpha: l.leakyReluAlpha })),
  };
}

// ONNX export for serving: each Dense layer is a Gemm(transB = 1) — its weight stays (out, in),
// as PyTorch's torch.onnx.export writes nn.Linear — followed by its activation node; the batch
// dimension is symbolic. Encoded with protobufjs's Writer; the field numbers are onnx.proto's
// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto).
import { Writer } from 'protobufjs/minimal';
import type { ActivationName } from '../layout';
import type { Architecture } from './model-file';
import { littleEndianBytes } from './safetensors';

/** IR version 7 goes with opset 13, the oldest opset whose Softmax works on the last axis alone. */
const IR_VERSION = 7;
const OPSET = 13;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;

const LENGTH_DELIMITED = 2;
const VARINT = 0;
const FIXED32 = 5;
const tag = (field: number, wire: number) => (field << 3) | wire;

type Encode = (w: Writer) => void;

function message(w: Writer, field: number, encode: Encode): void {
  w.uint32(tag(field, LENGTH_DELIMITED)).fork();
  encode(w);
  w.ldelim();
}
const string = (w: Writer, field: number, value: string) => w.uint32(tag(field, LENGTH_DELIMITED)).string(value);
const int64 = (w: Writer, field: number, value: number) => w.uint32(tag(field, VARINT)).int64(value);

interface Node {
  op: string;
  inputs: string[];
  output: string;
  attributes?: { name: string; float?: number; int?: number }[];
}

function node(w: Writer, n: Node, index: number): void {
  message(w, 1, (m) => {
    for (const input of n.inputs) string(m, 1, input);
    string(m, 2, n.output);
    string(m, 3, `${n.op.toLowerCase()}_${index}`);
    string(m, 4, n.op);
    for (const a of n.attributes ?? []) {
      message(m, 5, (attr) => {
        string(attr, 1, a.name);
        if (a.float !== undefined) attr.uint32(tag(2, FIXED32)).float(a.float);
        if (a.int !== undefined) int64(attr, 3, a.int);
        attr.uint32(tag(20, VARINT)).int32(a.float !== undefined ? ATTRIBUTE_FLOAT : ATTRIBUTE_INT);
      });
    }
  });
}

function initializer(w: Writer, name: string, dims: number[], values: Float32Array): void {
  message(w, 5, (t) => {
    for (const d of dims) int64(t, 1, d);
    t.uint32(tag(2, VARINT)).int32(FLOAT);
    string(t, 8, name);
    t.uint32(tag(9, LENGTH_DELIMITED)).bytes(littleEndianBytes(values));
  });
}

/** A float tensor input or output of shape (batch, features). */
function valueInfo(w: Writer, field: number, name: string, features: number): void {
  message(w, field, (v) => {
    string(v, 1, name);
    message(v, 2, (type) =>
      message(type, 1, (tensor) => {
        tensor.uint32(tag(1, VARINT)).int32(FLOAT);
        message(tensor, 2, (shape) => {
          message(shape, 1, (dim) => string(dim, 2, 'batch'));
          message(shape, 1, (dim) => int64(dim, 1, features));
        });
      }),
    );
  });
}

const ACTIVATION_NODES: Record<ActivationName, ((alpha: number) => Omit<Node, 'inputs' | 'output'>) | undefined> = {
  linear: undefined,
  relu: () => ({ op: 'Relu' }),
  leakyRelu: (alpha) => ({ op: 'LeakyRelu', attributes: [{ name: 'alpha', float: alpha }] }),
  sigmoid: () => ({ op: 'Sigmoid' }),
  tanh: () => ({ op: 'Tanh' }),
  softmax: () => ({ op: 'Softmax', attributes: [{ name: 'axis', int: -1 }] }),
};

/** The ONNX model (serialized ModelProto) of a network: input `input`, output `output`, both (batch, features). */
export function toOnnx(architecture: Architecture, params: Float32Array, metadata: Record<string, string>): Uint8Array {
  const nodes: Node[] = [];
  const weights: { name: string; dims: number[]; values: Float32Array }[] = [];
  let inputs = architecture.inputSize;
  let offset = 0;
  let current = 'input';
  architecture.layers.forEach((layer, l) => {
    if (layer.type === 'dropout') return; // the identity at inference
    const weight = `${l}.weight`;
    const bias = `${l}.bias`;
    weights.push({ name: weight, dims: [layer.units, inputs], values: params.subarray(offset, offset + layer.units * inputs) });
    offset += layer.units * inputs;
    weights.push({ name: bias, dims: [layer.units], values: params.subarray(offset, offset + layer.units) });
    offset += layer.units;
    const last = l === architecture.layers.length - 1;
    const activation = ACTIVATION_NODES[layer.activation];
    const gemmOut = last && activation === undefined ? 'output' : `dense_${l}`;
    nodes.push({ op: 'Gemm', inputs: [current, weight, bias], output: gemmOut, attributes: [{ name: 'transB', int: 1 }] });
    current = gemmOut;
    if (activation !== undefined) {
      const out = last ? 'output' : `activation_${l}`;
      nodes.push({ ...activation(layer.leakyReluAlpha), inputs: [current], output: out });
      current = out;
    }
    inputs = layer.units;
  });

  const w = Writer.create();
  int64(w, 1, IR_VERSION);
  string(w, 2, 'blastrain');
  message(w, 7, (graph) => {
    nodes.forEach((n, i) => node(graph, n, i));
    string(graph, 2, 'blastrain_sequential');
    for (const t of weights) initializer(graph, t.name, t.dims, t.values);
    valueInfo(graph, 11, 'input', architecture.inputSize);
    valueInfo(graph, 12, 'output', inputs);
  });
  message(w, 8, (opset) => {
    string(opset, 1, '');
    int64(opset, 2, OPSET);
  });
  for (const [key, value] of Object.entries(metadata)) {
    message(w, 14, (entry) => {
      string(entry, 1, key);
      string(entry, 2, value);
    });
  }
  return w.finish();
}

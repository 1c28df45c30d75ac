// ONNX export, checked by the real consumers: onnxruntime-node (a test-only dependency) loads
// the file and predicts what blastrain predicts, for a batch and for one row (the batch
// dimension is symbolic); Debian's python3-onnx checker (full_check, with shape inference)
// accepts it, and reads back every name, shape, attribute and metadata entry. Tolerance: float32
// in different orders, 1e-5 relative, 1e-6 absolute.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, expect, test } from 'vitest';
import { Dense, Dropout, SGD, Sequential } from '../../lib/index';
import { expectClose, scratchDir } from '../helpers';
import { findPython, pythonEnv } from '../python';

const dir = scratchDir('onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const python = findPython(['onnx'], 'python3-onnx');

async function exported(): Promise<{ model: Sequential; file: string; x: Float32Array }> {
  const model = new Sequential({
    inputSize: 6, seed: 5,
    layers: [new Dense(20, { activation: 'relu' }), new Dropout(0.5), new Dense(12, { activation: 'leakyRelu', leakyReluAlpha: 0.2 }), new Dense(10, { activation: 'tanh' }), new Dense(8, { activation: 'sigmoid' }), new Dense(7), new Dense(4, { activation: 'softmax' })],
  });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ lr: 0.1 }) });
  const x = Float32Array.from({ length: 6 * 100 }, (_, i) => Math.cos(i * 0.71));
  await model.fit(x, Int32Array.from({ length: 100 }, (_, i) => i % 4), { epochs: 5, batchSize: 10 });
  const file = path.join(dir, `model-${Math.random().toString(36).slice(2)}.onnx`);
  await model.exportOnnx(file);
  return { model, file, x };
}

test('onnxruntime-node runs the exported model with the same predictions, at any batch size', async () => {
  const { model, file, x } = await exported();
  const session = await ort.InferenceSession.create(file);
  expect(session.inputNames).toEqual(['input']);
  expect(session.outputNames).toEqual(['output']);
  for (const rows of [100, 1, 37]) {
    const input = x.subarray(0, 6 * rows);
    const { output } = await session.run({ input: new ort.Tensor('float32', input, [rows, 6]) });
    expect(output!.dims).toEqual([rows, 4]);
    expectClose(output!.data as Float32Array, model.predict(input), 1e-5, 1e-6, `onnxruntime predictions for ${rows} rows`);
  }
});

test.runIf(python)('the ONNX checker accepts it (full check, opset 13)', async () => {
  const { file } = await exported();
  const report = execFileSync(python!, ['-c', `
import onnx, sys
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print(model.opset_import[0].version, model.ir_version, [n.op_type for n in model.graph.node])
`, file], { encoding: 'utf8', env: pythonEnv() });
  expect(report.trim()).toBe("13 7 ['Gemm', 'Relu', 'Gemm', 'LeakyRelu', 'Gemm', 'Tanh', 'Gemm', 'Sigmoid', 'Gemm', 'Gemm', 'Softmax']");
});

test.runIf(python)('the graph as ONNX reads it: names, shapes with a symbolic batch, initializers, attributes and metadata', async () => {
  const model = new Sequential({ inputSize: 3, seed: 2, layers: [new Dense(4, { activation: 'leakyRelu', leakyReluAlpha: 0.25 }), new Dropout(0.5), new Dense(2)] });
  model.compile({ loss: 'mse', optimizer: new SGD({ lr: 0.1 }) });
  model.params.set(Float32Array.from({ length: model.params.length }, (_, i) => i / 4));
  const file = path.join(dir, 'described.onnx');
  await model.exportOnnx(file);
  const report = execFileSync(python!, ['-c', `
import json, onnx, sys
from onnx import helper, numpy_helper
m = onnx.load(sys.argv[1])
g = m.graph
def shape(v): return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
print(json.dumps({
  'producer': m.producer_name, 'ir': m.ir_version, 'opsets': [[o.domain, o.version] for o in m.opset_import], 'graph': g.name,
  'nodes': [[n.name, n.op_type, list(n.input), list(n.output), {a.name: helper.get_attribute_value(a) for a in n.attribute}] for n in g.node],
  'initializers': [[t.name, list(t.dims), t.data_type, numpy_helper.to_array(t).flatten().tolist()] for t in g.initializer],
  'inputs': [[v.name, v.type.tensor_type.elem_type, shape(v)] for v in g.input],
  'outputs': [[v.name, v.type.tensor_type.elem_type, shape(v)] for v in g.output],
  'metadata': {p.key: p.value for p in m.metadata_props},
}))
`, file], { encoding: 'utf8', env: pythonEnv() });
  const params = Array.from(model.params);
  expect(JSON.parse(report)).toEqual({
    producer: 'blastrain', ir: 7, opsets: [['', 13]], graph: 'blastrain_sequential',
    nodes: [
      ['gemm_0', 'Gemm', ['input', '0.weight', '0.bias'], ['dense_0'], { transB: 1 }],
      ['leakyrelu_1', 'LeakyRelu', ['dense_0'], ['activation_0'], { alpha: 0.25 }],
      // A linear last layer's Gemm writes the output itself.
      ['gemm_2', 'Gemm', ['activation_0', '2.weight', '2.bias'], ['output'], { transB: 1 }],
    ],
    initializers: [['0.weight', [4, 3], 1, params.slice(0, 12)], ['0.bias', [4], 1, params.slice(12, 16)], ['2.weight', [2, 4], 1, params.slice(16, 24)], ['2.bias', [2], 1, params.slice(24, 26)]],
    inputs: [['input', 1, ['batch', 3]]],
    outputs: [['output', 1, ['batch', 2]]],
    metadata: { architecture: JSON.stringify(model.toJSON().architecture), loss: 'mse' },
  });
  // A softmax output takes the last axis alone (opset 13).
  const classifier = new Sequential({ inputSize: 3, layers: [new Dense(2, { activation: 'softmax' })] });
  await classifier.exportOnnx(file);
  const nodes = execFileSync(python!, ['-c', `
import json, onnx, sys
from onnx import helper
print(json.dumps([[n.name, n.op_type, list(n.input), list(n.output), {a.name: helper.get_attribute_value(a) for a in n.attribute}] for n in onnx.load(sys.argv[1]).graph.node]))
`, file], { encoding: 'utf8', env: pythonEnv() });
  expect(JSON.parse(nodes)).toEqual([['gemm_0', 'Gemm', ['input', '0.weight', '0.bias'], ['dense_0'], { transB: 1 }], ['softmax_1', 'Softmax', ['dense_0'], ['output'], { axis: -1 }]]);
});

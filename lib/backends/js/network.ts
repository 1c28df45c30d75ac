// Plain-TypeScript twin of native/network.cpp: the same loop over the same layout.
import type { Layout } from '../../layout';
import {
  activationBackward, activationForward, countersAccumulate, denseBackward, denseForward, dropoutForward, mseLoss,
  sigmoidBceLoss, softmaxCrossentropyLoss, type Floats, type Targets,
} from './kernels';
import { COUNTER_ABS_ERROR, COUNTER_SQUARED_ERROR } from '../../metrics/counters';
import { LAYER_DROPOUT, LOSS_BINARY_CROSSENTROPY, LOSS_CATEGORICAL_CROSSENTROPY } from '../../layout';

export interface Memory {
  readonly layout: Layout;
  readonly params: Floats;
  readonly grads: Floats;
  readonly workspace: Floats;
}

export interface Batch {
  readonly x: Floats;
  readonly rows: Int32Array | null;
  readonly start: number;
  readonly count: number;
  /** Training: the optimizer step (dropout masks); absent or -1: inference (dropout is the identity). */
  readonly step?: number;
}

// Stryker disable next-line ConditionalExpression: undefined >= 0 is false too; the test says what is meant
const training = (batch: Batch): boolean => batch.step !== undefined && batch.step >= 0;
const keyOf = (net: Memory, batch: Batch, l: number) => ({ seed: net.layout.seed, step: batch.step as number, layer: l });

function weight(net: Memory, buffer: Floats, l: number): Floats {
  const { layout } = net;
  return buffer.subarray(layout.weightOffset(l), layout.biasOffset(l));
}
function bias(net: Memory, buffer: Floats, l: number): Floats {
  const { layout } = net;
  return buffer.subarray(layout.biasOffset(l), layout.biasOffset(l) + layout.outOf(l));
}
function act(net: Memory, l: number, B: number): Floats {
  const offset = net.layout.actOffset(l, B);
  return net.workspace.subarray(offset, offset + B * net.layout.outOf(l));
}
function delta(net: Memory, l: number, B: number): Floats {
  const offset = net.layout.deltaOffset(l, B);
  return net.workspace.subarray(offset, offset + B * net.layout.outOf(l));
}
export function outputBlock(net: Memory, B: number): Floats {
  const offset = net.layout.outputOffset(B);
  return net.workspace.subarray(offset, offset + B * net.layout.outputs);
}

// The batch's (B, in_0) input: the user's rows when consecutive, else gathered into the workspace.
function batchInput(net: Memory, batch: Batch): Floats {
  const C = net.layout.inputSize;
  if (batch.rows === null) return batch.x.subarray(batch.start * C, (batch.start + batch.count) * C);
  return net.workspace.subarray(0, batch.count * C);
}

function gatherInput(net: Memory, batch: Batch): void {
  if (batch.rows === null) return;
  const C = net.layout.inputSize;
  // Stryker disable next-line EqualityOperator: one row past the batch lands in the first layer's act block, which the forward pass writes before anything reads it (or, past the end of rows, copies nothing)
  for (let b = 0; b < batch.count; b++) {
    const row = batch.rows[batch.start + b] as number;
    net.workspace.set(batch.x.subarray(row * C, (row + 1) * C), b * C);
  }
}

export function networkForward(net: Memory, output: Floats | null, batch: Batch): void {
  const { layout } = net;
  const B = batch.count;
  const L = layout.layers;
  gatherInput(net, batch);
  let input = batchInput(net, batch);
  for (let l = 0; l < L; l++) {
    const a = act(net, l, B);
    if (layout.kinds[l] === LAYER_DROPOUT) {
      if (training(batch)) dropoutForward(a, input, B, layout.outOf(l), layout.rates[l] as number, keyOf(net, batch, l));
      else a.set(input.subarray(0, B * layout.outOf(l)));
    } else {
      denseForward(a, input, weight(net, net.params, l), bias(net, net.params, l), B, layout.inOf(l), layout.outOf(l));
    }
    if (l < L - 1) activationForward(a, B, layout.outOf(l), layout.actOf(l), layout.alphaOf(l));
    input = a;
  }
  if (output !== null) {
    output.set(input);
    activationForward(output, B, layout.outputs, layout.actOf(L - 1), layout.alphaOf(L - 1));
  }
}

export function networkLoss(net: Memory, targets: Targets, B: number, withGrad: boolean): number {
  const { layout } = net;
  const L = layout.layers;
  const K = layout.outputs;
  const logits = act(net, L - 1, B);
  const d = withGrad ? delta(net, L - 1, B) : null;
  switch (layout.loss) {
    case LOSS_CATEGORICAL_CROSSENTROPY:
      return softmaxCrossentropyLoss(d, logits, targets, B, K);
    case LOSS_BINARY_CROSSENTROPY:
      return sigmoidBceLoss(d, logits, targets, B, K);
    default: {
      const output = outputBlock(net, B);
      const loss = mseLoss(d, output, targets, B, K);
      if (d !== null) activationBackward(d, output, B, K, layout.actOf(L - 1), layout.alphaOf(L - 1));
      return loss;
    }
  }
}

export function networkBackward(net: Memory, batch: Batch): void {
  const { layout } = net;
  const B = batch.count;
  for (let l = layout.layers - 1; l >= 0; l--) {
    const input = l === 0 ? batchInput(net, batch) : act(net, l - 1, B);
    // Stryker disable next-line ConditionalExpression: layer −1's delta is an empty view (its offsets are NaN), so the first layer's input gradient would be computed into nothing
    const dinput = l === 0 ? null : delta(net, l - 1, B);
    if (layout.kinds[l] === LAYER_DROPOUT) {
      if (dinput !== null) dropoutForward(dinput, delta(net, l, B), B, layout.outOf(l), layout.rates[l] as number, keyOf(net, batch, l));
    } else {
      denseBackward(
        dinput, weight(net, net.grads, l), bias(net, net.grads, l), delta(net, l, B), input,
        weight(net, net.params, l), B, layout.inOf(l), layout.outOf(l),
      );
    }
    // Stryker disable next-line ConditionalExpression: with no input gradient (the first layer) the width of layer −1 is undefined, so the pass covers no element
    if (dinput !== null) activationBackward(dinput, input, B, layout.outOf(l - 1), layout.actOf(l - 1), layout.alphaOf(l - 1));
  }
}

// Twin of network_count (native/network.cpp).
export function networkCount(net: Memory, slots: Float64Array, targets: Targets, B: number): void {
  const { layout } = net;
  const { counters } = layout.plan;
  // Stryker disable next-line ConditionalExpression: a shortcut; no counters accumulate nothing and need no activated output
  if (counters.length === 0) return;
  const K = layout.outputs;
  const L = layout.layers;
  const output = outputBlock(net, B);
  const scores = layout.fusedOutput ? act(net, L - 1, B) : output;
  if (layout.fusedOutput && counters.some((c) => c.kind === COUNTER_ABS_ERROR || c.kind === COUNTER_SQUARED_ERROR)) {
    output.set(scores.subarray(0, B * K));
    // Stryker disable next-line ArithmeticOperator: the slope is read by leakyRelu only, and a fused loss's output activation is softmax or sigmoid
    activationForward(output, B, K, layout.actOf(L - 1), layout.alphaOf(L - 1));
  }
  countersAccumulate(slots, counters, scores, output, targets, B, K, layout.loss);
}

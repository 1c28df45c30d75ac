// Metric counters: what native code accumulates for the metrics in the same pass as the loss
// (native/metrics.h, whose codes test/constants.test.ts checks against these). A counter only
// adds counts and sums; lib/metrics/metrics.ts turns them into ratios.
import { LOSS_CATEGORICAL_CROSSENTROPY, LOSS_MSE } from '../layout';

/** [correct, total] */
export const COUNTER_ACCURACY = 0;
/** [hits, rows]; param k */
export const COUNTER_TOP_K = 1;
/** [Σ|p − y|, elements] */
export const COUNTER_ABS_ERROR = 2;
/** [Σ(p − y)², elements] */
export const COUNTER_SQUARED_ERROR = 3;
/** param CONFUSION_BINARY: [tp, fp, fn] of the positive class; CONFUSION_PER_CLASS: [tp, fp, fn] per class */
export const COUNTER_CONFUSION = 4;
export const COUNTER_KINDS = 5;
export const CONFUSION_BINARY = 0;
export const CONFUSION_PER_CLASS = 1;

export interface CounterSpec {
  readonly kind: number;
  readonly param: number;
}

/**
 * True when predictions are one class per row (categorical cross-entropy, or mse with several
 * outputs: argmax against the label or the target row's argmax); false when they are one
 * yes/no per element (binary cross-entropy, or mse with one output: above the threshold
 * against target > 0.5).
 */
export function countersPerRow(loss: number, K: number): boolean {
  return loss === LOSS_CATEGORICAL_CROSSENTROPY || (loss === LOSS_MSE && K > 1);
}

/** Slots the counter takes for K outputs, or 0 when it does not fit the loss and K. */
export function counterWidth(c: CounterSpec, loss: number, K: number): number {
  const perRow = countersPerRow(loss, K);
  switch (c.kind) {
    case COUNTER_ACCURACY:
    case COUNTER_ABS_ERROR:
    case COUNTER_SQUARED_ERROR:
      return c.param === 0 ? 2 : 0;
    case COUNTER_TOP_K:
      return perRow && c.param >= 1 && c.param <= K ? 2 : 0;
    case COUNTER_CONFUSION:
      if (c.param === CONFUSION_BINARY) return !perRow || K === 2 ? 3 : 0;
      return c.param === CONFUSION_PER_CLASS ? 3 * K : 0;
    default:
      return 0;
  }
}

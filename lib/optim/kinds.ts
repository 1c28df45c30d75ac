// Optimizer kinds and hyper-parameter slots, mirroring native/optimizer.h.
export const OPT_SGD = 0;
export const OPT_ADAM = 1;
export const OPT_ADAMW = 2;
export const OPT_RMSPROP = 3;

/** Slots every kind shares: the learning rate (what schedules drive) and gradient clipping. */
export const HYPER_LR = 0;
export const HYPER_CLIP_NORM = 1;
export const HYPER_CLIP_VALUE = 2;
export const HYPER_COMMON_COUNT = 3;

export const SGD_LR = HYPER_LR;
export const SGD_MOMENTUM = 3;
export const SGD_DAMPENING = 4;
export const SGD_WEIGHT_DECAY = 5;
export const SGD_NESTEROV = 6;
export const SGD_HYPER_COUNT = 7;

export const ADAM_LR = HYPER_LR;
export const ADAM_BETA1 = 3;
export const ADAM_BETA2 = 4;
export const ADAM_EPS = 5;
export const ADAM_WEIGHT_DECAY = 6;
export const ADAM_AMSGRAD = 7;
export const ADAM_HYPER_COUNT = 8;

export const RMSPROP_LR = HYPER_LR;
export const RMSPROP_RHO = 3;
export const RMSPROP_EPS = 4;
export const RMSPROP_WEIGHT_DECAY = 5;
export const RMSPROP_MOMENTUM = 6;
export const RMSPROP_CENTERED = 7;
export const RMSPROP_HYPER_COUNT = 8;

/** The slot a one-cycle schedule cycles with the learning rate (native optimizer_momentum_slot). */
export function momentumSlot(kind: number): number {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: ADAM_BETA1 and SGD_MOMENTUM are the same slot; each kind is named for the reader
  return kind === OPT_ADAM || kind === OPT_ADAMW ? ADAM_BETA1 : kind === OPT_RMSPROP ? RMSPROP_MOMENTUM : SGD_MOMENTUM;
}

// Optimizer kinds and hyper-parameter slots, mirroring native/optimizer.h.
export const OPT_SGD = 0;
export const OPT_ADAM = 1;
export const OPT_ADAMW = 2;
export const OPT_RMSPROP = 3;

/** Slot 0 holds the learning rate for every kind, so schedules can drive any optimizer. */
export const HYPER_LR = 0;

export const SGD_LR = HYPER_LR;
export const SGD_MOMENTUM = 1;
export const SGD_DAMPENING = 2;
export const SGD_WEIGHT_DECAY = 3;
export const SGD_NESTEROV = 4;
export const SGD_HYPER_COUNT = 5;

export const ADAM_LR = HYPER_LR;
export const ADAM_BETA1 = 1;
export const ADAM_BETA2 = 2;
export const ADAM_EPS = 3;
export const ADAM_WEIGHT_DECAY = 4;
export const ADAM_AMSGRAD = 5;
export const ADAM_HYPER_COUNT = 6;

export const RMSPROP_LR = HYPER_LR;
export const RMSPROP_RHO = 1;
export const RMSPROP_EPS = 2;
export const RMSPROP_WEIGHT_DECAY = 3;
export const RMSPROP_MOMENTUM = 4;
export const RMSPROP_CENTERED = 5;
export const RMSPROP_HYPER_COUNT = 6;

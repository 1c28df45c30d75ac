// Optimizer kinds and hyper-parameter slots, mirroring native/optimizer.h.
export const OPT_SGD = 0;

/** Slot 0 holds the learning rate for every kind, so schedules can drive any optimizer. */
export const HYPER_LR = 0;

export const SGD_LR = HYPER_LR;
export const SGD_MOMENTUM = 1;
export const SGD_DAMPENING = 2;
export const SGD_WEIGHT_DECAY = 3;
export const SGD_NESTEROV = 4;
export const SGD_HYPER_COUNT = 5;

// Optimizer kinds and hyper-parameter slots, mirroring native/optimizer.h.
export const OPT_SGD = 0;

export const SGD_LR = 0;
export const SGD_MOMENTUM = 1;
export const SGD_DAMPENING = 2;
export const SGD_WEIGHT_DECAY = 3;
export const SGD_NESTEROV = 4;
export const SGD_HYPER_COUNT = 5;

// One entry point for every optimizer, so the network code and the binding stay unchanged when
// a new one (Adam, AdamW, RMSprop) is added: it gets a kind, a hyper-parameter layout and a
// number of state buffers, all mirrored in lib/optim/.
#pragma once

enum OptimizerKind {
  OPT_SGD = 0,
};
constexpr int kOptimizerCount = 1;

// Hyper-parameters arrive as doubles in a per-kind order.
enum SgdHyper { SGD_LR = 0, SGD_MOMENTUM, SGD_DAMPENING, SGD_WEIGHT_DECAY, SGD_NESTEROV, SGD_HYPER_COUNT };

struct Optimizer {
  int kind;
  const double* hyper;  // (optimizer_hyper_count(kind),)
  float* state;         // (optimizer_state_count(kind) · n,) the buffers, one after another
  long step;            // steps already taken; the next update is step + 1
};

int optimizer_hyper_count(int kind);
// How many parameter-sized state buffers the kind keeps.
int optimizer_state_count(int kind);

// One update of params (n,) from grads (n,); advances opt.step.
void optimizer_step(float* params, const float* grads, int n, Optimizer& opt);

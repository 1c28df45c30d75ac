// One entry point for every optimizer, so the network code and the binding stay unchanged when
// a new one (Adam, AdamW, RMSprop) is added: it gets a kind, a hyper-parameter layout and a
// number of state buffers, all mirrored in lib/optim/.
#pragma once

enum OptimizerKind {
  OPT_SGD = 0,
  OPT_ADAM = 1,
  OPT_ADAMW = 2,
  OPT_RMSPROP = 3,
};
constexpr int kOptimizerCount = 4;

// Hyper-parameters arrive as doubles. The first slots are every kind's: the learning rate and
// gradient clipping (0 = off); the kind's own follow.
enum CommonHyper { HYPER_LR = 0, HYPER_CLIP_NORM, HYPER_CLIP_VALUE, HYPER_COMMON_COUNT };
enum SgdHyper { SGD_LR = HYPER_LR, SGD_MOMENTUM = HYPER_COMMON_COUNT, SGD_DAMPENING, SGD_WEIGHT_DECAY, SGD_NESTEROV, SGD_HYPER_COUNT };
// Adam and AdamW share one layout.
enum AdamHyper { ADAM_LR = HYPER_LR, ADAM_BETA1 = HYPER_COMMON_COUNT, ADAM_BETA2, ADAM_EPS, ADAM_WEIGHT_DECAY, ADAM_AMSGRAD, ADAM_HYPER_COUNT };
enum RmspropHyper { RMSPROP_LR = HYPER_LR, RMSPROP_RHO = HYPER_COMMON_COUNT, RMSPROP_EPS, RMSPROP_WEIGHT_DECAY, RMSPROP_MOMENTUM, RMSPROP_CENTERED, RMSPROP_HYPER_COUNT };

struct Optimizer {
  int kind;
  double* hyper;        // (optimizer_hyper_count(kind),) the job's own copy; schedules rewrite it
  float* state;         // (optimizer_state_count(kind) · n,) the buffers, one after another
  long step;            // steps already taken; the next update is step + 1
  // The update reads the gradient as grad_scale·grads: clipping by norm hands its factor over
  // here instead of rescaling grads in a pass of its own (network_train_batches).
  float grad_scale = 1.0f;
};

int optimizer_hyper_count(int kind);
// How many parameter-sized state buffers the kind keeps.
int optimizer_state_count(int kind);
// The slot a one-cycle schedule cycles alongside the learning rate: SGD's and RMSprop's
// momentum, Adam's β₁ (as PyTorch's OneCycleLR does).
int optimizer_momentum_slot(int kind);

// One update of params (n,) from grads (n,); advances opt.step.
void optimizer_step(float* params, const float* grads, int n, Optimizer& opt);

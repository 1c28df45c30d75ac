"""Writes the project's PyTorch reference trajectories into test/fixtures/vectors/.

    /usr/bin/python3 scripts/generate-vectors.py      (Debian's python3-torch)

Each vector is one small MLP trained by PyTorch in float32 on the CPU, in the format of
../shared/vectors (see its README): initial parameters, data, optimizer settings, the gradient
of the first batch, the loss of every batch before its update, the final parameters and the final
predictions. test/vectors.test.ts replays every file in the folder on both backends. The seven
vectors from shared/ are copied as they are; this script adds the options they leave untested.
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "vectors")

ACTIVATIONS = {
    "linear": lambda a: None,
    "relu": lambda a: nn.ReLU(),
    "leakyRelu": lambda a: nn.LeakyReLU(a),
    "sigmoid": lambda a: nn.Sigmoid(),
    "tanh": lambda a: nn.Tanh(),
    "softmax": lambda a: nn.Softmax(dim=-1),
}

VECTORS = [
    {"name": "rmsprop-centered-momentum-ce", "description": "RMSprop centered, with momentum and weight decay",
     "layers": [(5, 7, "relu"), (7, 3, "softmax")], "loss": "categoricalCrossentropy",
     "optimizer": {"type": "rmsprop", "lr": 0.01, "rho": 0.9, "momentum": 0.5, "centered": True, "weightDecay": 0.01}},
    {"name": "rmsprop-momentum-mse", "description": "RMSprop with momentum, not centered",
     "layers": [(4, 6, "tanh"), (6, 2, "linear")], "loss": "mse",
     "optimizer": {"type": "rmsprop", "lr": 0.005, "momentum": 0.9}},
    {"name": "adam-amsgrad-l2-bce", "description": "Adam with amsgrad and L2 weight decay",
     "layers": [(4, 6, "tanh"), (6, 2, "sigmoid")], "loss": "binaryCrossentropy",
     "optimizer": {"type": "adam", "lr": 0.02, "amsgrad": True, "weightDecay": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}},
    {"name": "adamw-amsgrad-ce", "description": "AdamW with amsgrad",
     "layers": [(3, 8, "sigmoid"), (8, 4, "softmax")], "loss": "categoricalCrossentropy",
     "optimizer": {"type": "adamw", "lr": 0.01, "amsgrad": True, "weightDecay": 0.1}},
    {"name": "sgd-weightdecay-mse", "description": "SGD with weight decay and no momentum",
     "layers": [(4, 5, "sigmoid"), (5, 2, "linear")], "loss": "mse",
     "optimizer": {"type": "sgd", "lr": 0.1, "weightDecay": 0.1}},
    {"name": "leakyrelu-alpha-ce", "description": "a non-default leakyReluAlpha (0.2), SGD with momentum",
     "layers": [(4, 6, "leakyRelu"), (6, 5, "leakyRelu"), (5, 3, "softmax")], "loss": "categoricalCrossentropy", "leakyReluAlpha": 0.2,
     "optimizer": {"type": "sgd", "lr": 0.05, "momentum": 0.9}},
]
SAMPLES, BATCH, EPOCHS = 13, 5, 3  # the last batch of every epoch is shorter (3 rows)


def optimizer_for(spec, params):
    o = spec["optimizer"]
    if o["type"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o.get("momentum", 0), dampening=o.get("dampening", 0),
                               weight_decay=o.get("weightDecay", 0), nesterov=o.get("nesterov", False))
    if o["type"] in ("adam", "adamw"):
        cls = torch.optim.Adam if o["type"] == "adam" else torch.optim.AdamW
        return cls(params, lr=o["lr"], betas=(o.get("beta1", 0.9), o.get("beta2", 0.999)), eps=o.get("eps", 1e-8),
                   weight_decay=o.get("weightDecay", 0 if o["type"] == "adam" else 0.01), amsgrad=o.get("amsgrad", False))
    return torch.optim.RMSprop(params, lr=o["lr"], alpha=o.get("rho", 0.99), eps=o.get("eps", 1e-8),
                               weight_decay=o.get("weightDecay", 0), momentum=o.get("momentum", 0), centered=o.get("centered", False))


def flat(tensors):
    return [float(v) for t in tensors for v in t.detach().reshape(-1).tolist()]


def problem(spec, seed):
    """The seeded model, its logits part, the data and the loss of a vector's spec."""
    torch.manual_seed(seed)
    alpha = spec.get("leakyReluAlpha", 0.01)
    modules = []
    for (i, o, act) in spec["layers"]:
        modules.append(nn.Linear(i, o))
        m = ACTIVATIONS[act](alpha)
        if m is not None:
            modules.append(m)
    model = nn.Sequential(*modules)
    loss_name = spec["loss"]
    logits_model = model[:-1] if loss_name != "mse" else model
    outputs = spec["layers"][-1][1]
    x = torch.rand(SAMPLES, spec["layers"][0][0]) * 2 - 1
    labels = None
    if loss_name == "categoricalCrossentropy":
        labels = torch.randint(0, outputs, (SAMPLES,))
        y = nn.functional.one_hot(labels, outputs).float()
        criterion = lambda out, b: nn.functional.cross_entropy(out, labels[b])
    elif loss_name == "binaryCrossentropy":
        y = (torch.rand(SAMPLES, outputs) < 0.5).float()
        criterion = lambda out, b: nn.functional.binary_cross_entropy_with_logits(out, y[b])
    else:
        y = torch.rand(SAMPLES, outputs) * 2 - 1
        criterion = lambda out, b: nn.functional.mse_loss(out, y[b])
    return model, logits_model, x, y, labels, criterion


def generate(spec, seed):
    """One trajectory; with spec["lrSchedule"] a scheduler steps per batch or per epoch and `lrs`
    records every batch's rate; clipNorm/clipValue in the optimizer settings clip as PyTorch's
    utilities do, between backward and step."""
    alpha = spec.get("leakyReluAlpha", 0.01)
    loss_name = spec["loss"]
    model, logits_model, x, y, labels, criterion = problem(spec, seed)
    params = list(model.parameters())
    params0 = flat(params)
    o = spec["optimizer"]
    optimizer = optimizer_for(spec, params)
    schedule = spec.get("lrSchedule")
    scheduler = torch_scheduler(schedule, optimizer) if schedule else None
    per_batch = schedule is not None and schedule["interval"] == "batch"
    losses, lrs, grads0 = [], [], None
    for epoch in range(EPOCHS):
        for start in range(0, SAMPLES, BATCH):
            b = slice(start, min(start + BATCH, SAMPLES))
            optimizer.zero_grad()
            loss = criterion(logits_model(x[b]), b)
            loss.backward()
            if grads0 is None:
                grads0 = flat([p.grad for p in params])
            if o.get("clipNorm"):
                torch.nn.utils.clip_grad_norm_(params, o["clipNorm"])
            if o.get("clipValue"):
                torch.nn.utils.clip_grad_value_(params, o["clipValue"])
            losses.append(loss.item())
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if per_batch:
                scheduler.step()
        if scheduler is not None and not per_batch:
            scheduler.step()
    with torch.no_grad():
        predictions = model(x)
    vector = {
        "name": spec["name"], "description": spec["description"],
        "generator": f"scripts/generate-vectors.py, PyTorch {torch.__version__}, float32, CPU",
        "layers": [{"in": i, "out": o_, "activation": a} for (i, o_, a) in spec["layers"]],
        "leakyReluAlpha": alpha, "loss": loss_name, "lossReduction": "mean", "optimizer": o,
        "batchSize": BATCH, "epochs": EPOCHS, "shuffle": False, "samples": SAMPLES,
        "x": flat([x]), "y": flat([y]),
        "params0": params0, "grads0": grads0, "losses": losses,
        "paramsFinal": flat(params), "predictionsFinal": flat([predictions]),
    }
    if schedule is not None:
        vector["lrSchedule"] = schedule
        vector["lrs"] = lrs
    if labels is not None:
        vector["labels"] = labels.tolist()
    return vector


# Learning-rate schedules (torch.optim.lr_scheduler) and gradient clipping (torch.nn.utils).
# test/fixtures/schedules.json: the rate (and momentum) PyTorch sets at every step of each
# schedule; test/fixtures/schedule-vectors/: training trajectories with a schedule and clipping,
# with `lrs`, the rate every batch used.
SCHEDULES = [
    {"name": "StepLR", "args": {"stepSize": 3, "gamma": 0.5}},
    {"name": "MultiStepLR", "args": {"milestones": [2, 5, 9], "gamma": 0.3}},
    {"name": "ExponentialLR", "args": {"gamma": 0.9}},
    {"name": "CosineAnnealingLR", "args": {"tMax": 10, "etaMin": 0.001}},
    {"name": "LinearLR", "args": {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 6}},
    {"name": "OneCycleLR", "args": {"maxLr": 0.5, "totalSteps": 30}},
    {"name": "OneCycleLR", "label": "OneCycleLR three-phase linear", "args": {"maxLr": 0.2, "totalSteps": 30, "pctStart": 0.25, "annealStrategy": "linear", "threePhase": True, "divFactor": 10, "finalDivFactor": 100}},
    {"name": "SequentialLR", "args": {"schedules": [{"name": "LinearLR", "args": {"startFactor": 0.1, "totalIters": 4}},
                                                    {"name": "ExponentialLR", "args": {"gamma": 0.8}}], "milestones": [4]}},
]


def torch_scheduler(spec, optimizer):
    a = spec["args"]
    s = torch.optim.lr_scheduler
    name = spec["name"]
    if name == "StepLR":
        return s.StepLR(optimizer, step_size=a["stepSize"], gamma=a["gamma"])
    if name == "MultiStepLR":
        return s.MultiStepLR(optimizer, milestones=a["milestones"], gamma=a["gamma"])
    if name == "ExponentialLR":
        return s.ExponentialLR(optimizer, gamma=a["gamma"])
    if name == "CosineAnnealingLR":
        return s.CosineAnnealingLR(optimizer, T_max=a["tMax"], eta_min=a.get("etaMin", 0))
    if name == "LinearLR":
        return s.LinearLR(optimizer, start_factor=a.get("startFactor", 1 / 3), end_factor=a.get("endFactor", 1.0), total_iters=a.get("totalIters", 5))
    if name == "OneCycleLR":
        return s.OneCycleLR(optimizer, max_lr=a["maxLr"], total_steps=a["totalSteps"], pct_start=a.get("pctStart", 0.3),
                            anneal_strategy=a.get("annealStrategy", "cos"), div_factor=a.get("divFactor", 25.0),
                            final_div_factor=a.get("finalDivFactor", 1e4), three_phase=a.get("threePhase", False))
    if name == "SequentialLR":
        return s.SequentialLR(optimizer, [torch_scheduler(p, optimizer) for p in a["schedules"]], milestones=a["milestones"])
    raise ValueError(name)


def schedule_rates(spec, base_lr=0.1, steps=30):
    weight = nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=base_lr, momentum=0.9)
    scheduler = torch_scheduler(spec, optimizer)
    lrs, momenta = [], []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        momenta.append(optimizer.param_groups[0]["momentum"])
        optimizer.step()
        scheduler.step()
    return {"name": spec.get("label", spec["name"]), "schedule": spec, "baseLr": base_lr, "lrs": lrs, "momenta": momenta}


TRAINING = [
    {"name": "onecycle-batch-clipnorm-sgd-ce", "description": "OneCycleLR per batch, SGD with momentum, clipNorm", "layers": [(4, 8, "relu"), (8, 3, "softmax")], "loss": "categoricalCrossentropy",
     "optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.9, "clipNorm": 0.5},
     "lrSchedule": {"name": "OneCycleLR", "args": {"maxLr": 0.3, "totalSteps": 9}, "interval": "batch"}},
    {"name": "step-epoch-clipvalue-adam-mse", "description": "StepLR per epoch, Adam, clipValue", "layers": [(4, 6, "tanh"), (6, 2, "linear")], "loss": "mse",
     "optimizer": {"type": "adam", "lr": 0.02, "clipValue": 0.05},
     "lrSchedule": {"name": "StepLR", "args": {"stepSize": 1, "gamma": 0.5}, "interval": "epoch"}},
    {"name": "cosine-batch-clipnorm-rmsprop-bce", "description": "CosineAnnealingLR per batch, RMSprop with momentum, clipNorm", "layers": [(4, 5, "sigmoid"), (5, 2, "sigmoid")], "loss": "binaryCrossentropy",
     "optimizer": {"type": "rmsprop", "lr": 0.01, "momentum": 0.5, "clipNorm": 0.1},
     "lrSchedule": {"name": "CosineAnnealingLR", "args": {"tMax": 6, "etaMin": 0.001}, "interval": "batch"}},
]


# Single optimizer steps in float64 (test/fixtures/optimizer-steps.json): every documented option
# of each optimizer, four steps over six parameters with the gradients given, so the TypeScript
# kernels are checked one update at a time to ~1e-15 without training a network. The gradients
# shrink after the first step, so amsgrad's running maximum differs from the plain average.
STEPS = [
    {"type": "sgd", "lr": 0.1},
    {"type": "sgd", "lr": 0.1, "weightDecay": 0.2},
    {"type": "sgd", "lr": 0.1, "momentum": 0.9},
    {"type": "sgd", "lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weightDecay": 0.01},
    {"type": "sgd", "lr": 0.05, "momentum": 0.7, "nesterov": True, "weightDecay": 0.1},
    {"type": "adam", "lr": 0.01},
    {"type": "adam", "lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3, "weightDecay": 0.05},
    {"type": "adam", "lr": 0.02, "amsgrad": True, "weightDecay": 0.05},
    {"type": "adamw", "lr": 0.01},
    {"type": "adamw", "lr": 0.02, "amsgrad": True, "weightDecay": 0.3, "beta1": 0.5, "eps": 1e-2},
    {"type": "rmsprop", "lr": 0.01},
    {"type": "rmsprop", "lr": 0.01, "rho": 0.8, "eps": 1e-2, "weightDecay": 0.1},
    {"type": "rmsprop", "lr": 0.01, "momentum": 0.6},
    {"type": "rmsprop", "lr": 0.01, "centered": True},
    {"type": "rmsprop", "lr": 0.005, "rho": 0.9, "momentum": 0.5, "centered": True, "weightDecay": 0.02},
]


def optimizer_steps(o, seed, steps=4, n=6):
    torch.manual_seed(seed)
    weight = nn.Parameter(torch.rand(n, dtype=torch.float64) * 2 - 1)
    grads = [(torch.rand(n, dtype=torch.float64) * 2 - 1) * (2.0 if s == 0 else 0.5) for s in range(steps)]
    grads[1][2] = 0.0  # a zero gradient still decays momentum and averages
    params0 = weight.detach().tolist()
    optimizer = optimizer_for({"optimizer": o}, [weight])
    params = []
    for g in grads:
        weight.grad = g.clone()
        optimizer.step()
        params.append(weight.detach().tolist())
    return {"optimizer": o, "params0": params0, "grads": [g.tolist() for g in grads], "params": params}


if __name__ == "__main__":
    for n, spec in enumerate(VECTORS):
        with open(os.path.join(OUT, spec["name"] + ".json"), "w") as f:
            json.dump(generate(spec, 1000 + n), f)
        print("wrote", spec["name"])
    fixtures = os.path.join(OUT, "..")
    with open(os.path.join(fixtures, "schedules.json"), "w") as f:
        json.dump([schedule_rates(s) for s in SCHEDULES], f)
    print("wrote schedules.json")
    os.makedirs(os.path.join(fixtures, "schedule-vectors"), exist_ok=True)
    for n, spec in enumerate(TRAINING):
        with open(os.path.join(fixtures, "schedule-vectors", spec["name"] + ".json"), "w") as f:
            json.dump(generate(spec, 2000 + n), f)
        print("wrote", spec["name"])
    with open(os.path.join(fixtures, "optimizer-steps.json"), "w") as f:
        json.dump({"generator": f"scripts/generate-vectors.py, PyTorch {torch.__version__}, float64, CPU",
                   "cases": [optimizer_steps(o, 3000 + n) for n, o in enumerate(STEPS)]}, f)
    print("wrote optimizer-steps.json")

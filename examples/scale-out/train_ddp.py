"""Continue a blastrain model under PyTorch DistributedDataParallel, and hand it back.

    torchrun --standalone --nproc_per_node=2 --redirects 1 --tee 1 train_ddp.py model.safetensors data.safetensors out.safetensors

model.safetensors is a file blastrain's model.save() wrote; data.safetensors holds `x` (samples,
inputs) and `y` (samples, outputs), or class labels (samples,), written by blastrain's
writeTensors(). Every process builds the same nn.Sequential from the file's metadata, trains on
its share of the rows (DistributedSampler, gloo on CPU) with the optimizer the file names, and
rank 0 writes out.safetensors with the same tensor names (no DDP `module.` prefix) and metadata,
so blastrain's Sequential.load() reads it back. The optimizer starts afresh: its state is not
carried over in either direction (PyTorch keeps it per parameter tensor, blastrain as flat
buffers), and out.safetensors holds none. Prints {"losses": [...], "predictions": [...]} (the
mean training loss of every epoch, and the model's outputs for the first 16 rows of x) as JSON.
"""
import argparse
import json
import os
import sys

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from blastrain_io import load_blastrain, read_safetensors, write_safetensors  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("model")
parser.add_argument("data")
parser.add_argument("out")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=32)
args = parser.parse_args()

dist.init_process_group("gloo")
rank = dist.get_rank()
torch.manual_seed(0)

module, metadata = load_blastrain(args.model)
loss_name = metadata.get("loss", "mse")
# blastrain fuses the last softmax/sigmoid with cross-entropy and computes it from logits.
fused = loss_name != "mse"
trained = module[:-1] if fused else module
criterion = {
    "mse": nn.MSELoss(),
    "categoricalCrossentropy": nn.CrossEntropyLoss(),
    "binaryCrossentropy": nn.BCEWithLogitsLoss(),
}[loss_name]

optimizer_record = json.loads(metadata.get("optimizer", '{"type": "sgd", "options": {"lr": 0.001}}'))
o = optimizer_record["options"]
ddp = DistributedDataParallel(trained)
parameters = ddp.parameters()
optimizer = {
    "sgd": lambda: torch.optim.SGD(parameters, lr=o["lr"], momentum=o.get("momentum", 0), dampening=o.get("dampening", 0),
                                   weight_decay=o.get("weightDecay", 0), nesterov=o.get("nesterov", False)),
    "adam": lambda: torch.optim.Adam(parameters, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"],
                                     weight_decay=o["weightDecay"], amsgrad=o["amsgrad"]),
    "adamw": lambda: torch.optim.AdamW(parameters, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"],
                                       weight_decay=o["weightDecay"], amsgrad=o["amsgrad"]),
    "rmsprop": lambda: torch.optim.RMSprop(parameters, lr=o["lr"], alpha=o["rho"], eps=o["eps"], weight_decay=o["weightDecay"],
                                           momentum=o["momentum"], centered=o["centered"]),
}[optimizer_record["type"]]()

data = read_safetensors(args.data)[0]
x, y = data["x"], data["y"]
if loss_name == "categoricalCrossentropy" and y.dim() == 1:
    y = y.long()
dataset = TensorDataset(x, y)
sampler = DistributedSampler(dataset, shuffle=True, seed=0)
loader = DataLoader(dataset, batch_size=args.batch_size, sampler=sampler)

losses = []
for epoch in range(args.epochs):
    sampler.set_epoch(epoch)
    total, rows = torch.zeros(2), 0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(ddp(xb), yb)
        loss.backward()  # DDP averages the gradients of all processes here
        optimizer.step()
        total += torch.tensor([loss.item() * len(xb), len(xb)])
    dist.all_reduce(total)
    losses.append((total[0] / total[1]).item())

if rank == 0:
    kept = {k: metadata[k] for k in ("format", "format_version", "architecture", "torch_module", "loss", "optimizer") if k in metadata}
    write_safetensors(args.out, module.state_dict(), kept)  # module, not ddp: no `module.` prefix
    with torch.no_grad():
        print(json.dumps({"losses": losses, "predictions": module(x[:16]).flatten().tolist()}))
dist.destroy_process_group()

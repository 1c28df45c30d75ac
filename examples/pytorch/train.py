"""A model trained in PyTorch, for blastrain: python3 train.py data.safetensors out.safetensors
trains nn.Sequential(Linear(4, 16), ReLU, Linear(16, 3), Softmax) on the data file's `x` and class
labels `y`, saves its state_dict as safetensors, and prints its outputs for `x` as JSON."""
import json
import sys

import torch
from torch import nn

from blastrain_io import read_safetensors, write_safetensors

torch.manual_seed(0)
data = read_safetensors(sys.argv[1])[0]
x, y = data["x"], data["y"].long()
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=-1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(30):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model[:-1](x), y)  # from logits, as blastrain computes it
    loss.backward()
    optimizer.step()
write_safetensors(sys.argv[2], model.state_dict())
with torch.no_grad():
    print(json.dumps(model(x).flatten().tolist()))

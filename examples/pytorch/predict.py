"""A blastrain model in PyTorch: python3 predict.py model.safetensors data.safetensors
prints the model's outputs for the data file's `x` as JSON."""
import json
import sys

import torch

from blastrain_io import load_blastrain, read_safetensors

module, metadata = load_blastrain(sys.argv[1])  # an nn.Sequential with the trained weights
x = read_safetensors(sys.argv[2])[0]["x"]
with torch.no_grad():
    print(json.dumps(module(x).flatten().tolist()))

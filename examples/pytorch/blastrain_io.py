"""Reading and writing blastrain's safetensors files from PyTorch, with nothing but torch.

The format is plain safetensors: an 8-byte little-endian header length, a JSON header, then the
raw little-endian tensors. Debian has no Python safetensors package, so these few lines read and
write it; with `pip install safetensors`, safetensors.torch.load_file/save_file do the same.
"""
import json
import struct

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    """(tensors by name, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes float32 tensors (a dict, e.g. a state_dict) and string metadata as safetensors."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, tensor in tensors.items():
        blob = tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


ACTIVATIONS = {
    "relu": lambda alpha: nn.ReLU(),
    "leakyRelu": lambda alpha: nn.LeakyReLU(alpha),
    "sigmoid": lambda alpha: nn.Sigmoid(),
    "tanh": lambda alpha: nn.Tanh(),
    "softmax": lambda alpha: nn.Softmax(dim=-1),
}


def build_module(metadata):
    """The nn.Sequential a blastrain file describes: one Linear per Dense, one module per activation
    and one nn.Dropout per Dropout layer (call .eval() before predicting, as with any PyTorch model)."""
    architecture = json.loads(metadata["architecture"])
    modules, inputs = [], architecture["inputSize"]
    for layer in architecture["layers"]:
        if layer["type"] == "dropout":
            modules.append(nn.Dropout(p=layer["rate"]))
            continue
        modules.append(nn.Linear(inputs, layer["units"]))
        if layer["activation"] in ACTIVATIONS:
            modules.append(ACTIVATIONS[layer["activation"]](layer["leakyReluAlpha"]))
        inputs = layer["units"]
    return nn.Sequential(*modules)


def load_blastrain(path):
    """The PyTorch module of a blastrain model file, with its weights, and the file's metadata."""
    tensors, metadata = read_safetensors(path)
    module = build_module(metadata)
    module.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("optimizer.")})
    module.eval()  # dropout off, as blastrain's predict
    return module, metadata

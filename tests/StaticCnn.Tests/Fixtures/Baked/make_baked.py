#!/usr/bin/python3
"""Makes the safetensors files that tests/StaticCnn.Tests/Baked/BakedNetworks.cs bakes in, and the logits PyTorch
computes with them.

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 tests/StaticCnn.Tests/Fixtures/Baked/make_baked.py

The Python `safetensors` package is not installed here, so the files are written by hand in the documented format:
an 8-byte little-endian header length N, N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}}
padded with spaces, then the tensors' little-endian bytes in state_dict order. `read_safetensors` parses a file
back the same way, and the script checks the round trip before writing the logits.

Networks:
  - lenet5.safetensors: LeNet-5 as in the contract, float32, PyTorch's default initialisation after
    torch.manual_seed(5).
  - implied_flatten_f16.safetensors: conv-relu-maxpool followed directly by Linear (StaticCnn flattens implicitly,
    the PyTorch model has an nn.Flatten() there, so the Linear is module 4), stored as float16; the logits are
    computed by the float32 model whose weights were rounded to float16 and back.
"""

import json
import os
import struct

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float32: ("F32", np.float32), torch.float16: ("F16", np.float16)}


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt", "made_by": "make_baked.py"}}
    data = b""
    for name, tensor in tensors.items():
        code, np_type = DTYPES[tensor.dtype]
        raw = tensor.detach().contiguous().numpy().astype(np.dtype(np_type).newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(tensor.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    out = {}
    for name, entry in header.items():
        np_type = {"F32": "<f4", "F16": "<f2"}[entry["dtype"]]
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(blob[8 + n + begin:8 + n + end], dtype=np_type).reshape(entry["shape"])
    return out


def shortest(value):
    f = np.float32(value)
    for digits in range(1, 10):
        text = f"{float(f):.{digits}g}"
        if np.float32(text) == f:
            return text
    return repr(float(f))


def make(name, model, input_shape, seed, half=False):
    torch.manual_seed(seed)
    for module in model.modules():
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()
    state = {k: (v.half() if half else v) for k, v in model.state_dict().items()}
    if half:
        model.load_state_dict({k: v.float() for k, v in state.items()})
    path = os.path.join(HERE, name + ".safetensors")
    write_safetensors(path, state)
    back = read_safetensors(path)
    for key, value in state.items():
        assert np.array_equal(back[key], value.numpy()), key
    x = torch.rand((1,) + input_shape) * 2 - 1
    with torch.no_grad():
        logits = model(x)[0]
    fixture = {
        "input": [shortest(v) for v in x.flatten().tolist()],
        "logits": [shortest(v) for v in logits.tolist()],
        "tensors": {k: list(v.shape) for k, v in state.items()},
    }
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(fixture, f, indent=1)
    print(name, {k: list(v.shape) for k, v in state.items()})


def main():
    torch.set_num_threads(1)
    lenet5 = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    make("lenet5", lenet5, (1, 28, 28), seed=5)
    implied = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 5, 6))
    make("implied_flatten_f16", implied, (3, 8, 10), seed=6, half=True)


if __name__ == "__main__":
    main()

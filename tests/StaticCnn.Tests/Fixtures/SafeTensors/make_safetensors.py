#!/usr/bin/python3
"""Regenerates the safetensors fixtures in this folder, and checks the file StaticCnn saved.

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 tests/StaticCnn.Tests/Fixtures/SafeTensors/make_safetensors.py

For each network in NETWORKS the script builds the nn.Sequential of ../PyTorch/make_fixtures.py (same layers, an
nn.Flatten() for an implied flatten), initialised by torch.manual_seed(seed), and writes

  <file>.safetensors  model.state_dict() (optionally converted to F16, BF16 or F64), written by write_safetensors()
                      below the way safetensors.torch.save_file does: tensors sorted by name, "__metadata__"
                      {"format": "pt"}, header padded with spaces to a multiple of 8 bytes;
  <file>.json         the state_dict keys and shapes in state_dict order, one input x and the logits PyTorch computes
                      in float32 with exactly the parameters that the file holds once widened to float32.

Debian has no python3-safetensors, so the format (8-byte little-endian header length N, N bytes of JSON, raw
little-endian data) is written and read here by hand; read_safetensors() is strict, as the reference implementation
is: every data byte belongs to exactly one tensor and the file ends where the last tensor does.

Then it checks staticcnn_strides.safetensors, which is not made here but by StaticCnn (SafeTensors.Save of the
StridesNet network after loading strides.safetensors; the C# test SafeTensorsPyTorchTests writes it when run with
STATICCNN_UPDATE_FIXTURES=1 and otherwise fails if StaticCnn's output differs from it). The check reads it with
read_safetensors(), loads it into the strides model with load_state_dict(strict=True), and requires every tensor to
equal PyTorch's bit for bit and the logits to be PyTorch's. It fails (exit code 1) if the file is missing or wrong.
"""

import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "PyTorch"))
import make_fixtures  # noqa: E402  (the network list and builder of the parity fixtures)

# file -> (network in make_fixtures.NETWORKS, C# network class, dtype written, seed for parameters and input)
NETWORKS = {
    "lenet5": ("lenet5", "LeNet5", "F32", 2001),
    "strides": ("strides", "StridesNet", "F32", 2002),
    "activations": ("activations", "ActivationsNet", "F32", 2003),
    "dense_only_f16": ("dense_only", "DenseOnlyNet", "F16", 2004),
    "activations_bf16": ("activations", "ActivationsNet", "BF16", 2005),
    "seed_f64": ("seed", "SeedNet", "F64", 2006),
}

SAVED_BY_STATICCNN = ("staticcnn_strides.safetensors", "strides")

TORCH_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}
SIZES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8}


def write_safetensors(path, tensors, metadata):
    assert sys.byteorder == "little"
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        dtype = next(k for k, v in TORCH_DTYPES.items() if v == t.dtype)
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path):
    """Returns (metadata, {name: tensor}) and fails on anything the format does not allow."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header of {n} bytes runs past the end")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()), metadata
    body = data[8 + n:]
    position = 0
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        begin, end = info["data_offsets"]
        if begin != position:
            raise ValueError(f"{path}: tensor {name} begins at {begin}, expected {position}")
        position = end
    if position != len(body):
        raise ValueError(f"{path}: tensors end at {position}, but {len(body)} data bytes follow the header")
    tensors = {}
    for name, info in header.items():
        assert set(info) == {"dtype", "shape", "data_offsets"}, info
        begin, end = info["data_offsets"]
        numel = 1
        for d in info["shape"]:
            numel *= d
        if end - begin != numel * SIZES[info["dtype"]]:
            raise ValueError(f"{path}: tensor {name} has {end - begin} bytes for {info['dtype']} {info['shape']}")
        raw = bytearray(body[begin:end])
        tensors[name] = torch.frombuffer(raw, dtype=torch.uint8).view(TORCH_DTYPES[info["dtype"]]).reshape(info["shape"])
    return metadata, tensors


def build(network, seed):
    _, spec_input, layers, _ = make_fixtures.NETWORKS[network]
    torch.manual_seed(seed)
    model, out_len = make_fixtures.build(spec_input, layers)
    x = torch.randn([1] + spec_input, dtype=torch.float32)
    return model.to(torch.float32).eval(), x, out_len


def convert(state, dtype):
    converted = {k: v.detach().to(TORCH_DTYPES[dtype]) for k, v in state.items()}
    if dtype == "F64":
        # Values a float32 cannot hold, so that StaticCnn must round them (to nearest, as tensor.float() does).
        converted = {k: v * (1 + 2.0 ** -30) for k, v in converted.items()}
    return converted


def make(file, network, csharp, dtype, seed):
    model, x, out_len = build(network, seed)
    stored = convert(model.state_dict(), dtype)
    write_safetensors(os.path.join(HERE, file + ".safetensors"), stored, {"format": "pt"})
    _, loaded = read_safetensors(os.path.join(HERE, file + ".safetensors"))
    assert set(loaded) == set(stored) and all(torch.equal(loaded[k], stored[k]) for k in stored)
    model.load_state_dict({k: v.to(torch.float32) for k, v in loaded.items()}, strict=True)
    with torch.no_grad():
        logits = model(x).reshape(-1)
    assert logits.numel() == out_len
    lines = [
        "{",
        f'  "file": {json.dumps(file + ".safetensors")},',
        f'  "network": {json.dumps(csharp)},',
        f'  "dtype": {json.dumps(dtype)},',
        f'  "torchVersion": {json.dumps(torch.__version__)},',
        f'  "seed": {seed},',
        '  "tensors": [\n    ' + ",\n    ".join(
            json.dumps({"name": k, "shape": list(v.shape)}, separators=(",", ":")) for k, v in model.state_dict().items())
        + "\n  ],",
        f'  "x": {make_fixtures.floats(x)},',
        f'  "logits": {make_fixtures.floats(logits)}',
        "}",
    ]
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(os.path.join(HERE, file + ".json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{file}: {network} as {dtype}, {len(stored)} tensors, {out_len} logits")


def check_saved_by_staticcnn():
    saved, source = SAVED_BY_STATICCNN
    path = os.path.join(HERE, saved)
    if not os.path.exists(path):
        print(f"MISSING {saved}: run the C# tests with STATICCNN_UPDATE_FIXTURES=1, then this script again")
        return False
    network, _, _, seed = NETWORKS[source]
    model, x, _ = build(network, seed)
    expected = model.state_dict()
    with torch.no_grad():
        expected_logits = model(x).reshape(-1)
    metadata, tensors = read_safetensors(path)
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
    ok = True
    if n % 8 != 0:
        print(f"{saved}: header length {n} is not a multiple of 8")
        ok = False
    if metadata.get("format") != "pt":
        print(f"{saved}: metadata {metadata} lacks format=pt")
        ok = False
    if list(tensors) != list(expected):
        print(f"{saved}: tensors {list(tensors)}, PyTorch's state_dict has {list(expected)}")
        return False
    for name, t in tensors.items():
        if t.dtype != torch.float32 or t.shape != expected[name].shape or not torch.equal(t, expected[name]):
            print(f"{saved}: tensor {name} ({t.dtype}, {list(t.shape)}) differs from PyTorch's")
            ok = False
    fresh, _, _ = build(network, seed + 1)  # different parameters, replaced by the file's
    fresh.load_state_dict(tensors, strict=True)
    with torch.no_grad():
        logits = fresh(x).reshape(-1)
    if not torch.equal(logits, expected_logits):
        print(f"{saved}: logits {logits.tolist()} differ from {expected_logits.tolist()}")
        ok = False
    if ok:
        print(f"{saved}: written by StaticCnn, read by PyTorch: {len(tensors)} tensors and the logits match")
    return ok


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for file, (network, csharp, dtype, seed) in NETWORKS.items():
        make(file, network, csharp, dtype, seed)
    ok = check_saved_by_staticcnn()
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

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

For each network in BATCHNORM_NETWORKS (networks with BatchNorm, whose state_dict also holds the BUFFERS
running_mean, running_var and num_batches_tracked) it builds the model of ../PyTorch/make_modern_fixtures.py for the
same layers ('same' and asymmetric padding are nn.ZeroPad2d((left, right, top, bottom)) before a padding-0 convolution
there, TensorFlow's rule), folds every such ZeroPad2d into the convolution after it (PaddedConv2d: one module, so the
state_dict keys keep StaticCnn's module indices, as in ParameterTensors), re-draws the BatchNorm weight and bias,
trains it for a few SGD steps in training mode (so the running statistics are no longer 0 and 1 and
num_batches_tracked counts the steps) and writes

  <file>.safetensors  model.state_dict(): F32 tensors and num_batches_tracked as an I64 scalar (shape []), as torch
                      keeps it;
  <file>.json         the state_dict keys, shapes and dtypes in state_dict order, the parameters (StaticCnn's
                      Parameters order) and buffers (StaticCnn's Buffers order: per BatchNorm running_mean,
                      running_var, num_batches_tracked), one input x and the EVALUATION-mode logits.

Then it checks the files in SAVED_BY_STATICCNN, which are not made here but by StaticCnn (SafeTensors.Save of the
network after loading <source>.safetensors; the C# test SafeTensorsPyTorchTests writes them when run with
STATICCNN_UPDATE_FIXTURES=1 and otherwise fails if StaticCnn's output differs from them). The check reads each with
read_safetensors(), requires every tensor (buffers included, num_batches_tracked as int64) to equal PyTorch's
state_dict bit for bit and in state_dict order, loads it with load_state_dict(strict=True) into a model with other
parameters and buffers, and requires the (evaluation-mode) logits to be PyTorch's. It fails (exit code 1) if a file
is missing or wrong.
"""

import json
import os
import struct
import sys

import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "PyTorch"))
sys.dont_write_bytecode = True  # no __pycache__ among the fixtures (the test project copies the folder)
import make_fixtures  # noqa: E402  (the network list and builder of the parity fixtures)
import make_modern_fixtures  # noqa: E402  (the builder of the BatchNorm networks)

# file -> (network in make_fixtures.NETWORKS, C# network class, dtype written, seed for parameters and input)
NETWORKS = {
    "lenet5": ("lenet5", "LeNet5", "F32", 2001),
    "strides": ("strides", "StridesNet", "F32", 2002),
    "activations": ("activations", "ActivationsNet", "F32", 2003),
    "dense_only_f16": ("dense_only", "DenseOnlyNet", "F16", 2004),
    "activations_bf16": ("activations", "ActivationsNet", "BF16", 2005),
    "seed_f64": ("seed", "SeedNet", "F64", 2006),
}

# file -> (network in make_modern_fixtures.BATCH, C# network class, seed, SGD steps in training mode)
BATCHNORM_NETWORKS = {
    "mobilenetish": ("mobilenetish", "MobileNetish", 2007, 3),
}

# file StaticCnn saved -> the fixture it loaded before saving
SAVED_BY_STATICCNN = {
    "staticcnn_strides.safetensors": "strides",
    "staticcnn_mobilenetish.safetensors": "mobilenetish",
}

TORCH_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
                "I64": torch.int64}
SIZES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8}


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


class PaddedConv2d(nn.Conv2d):
    """An nn.Conv2d with padding 0 that zero-pads its input by (left, right, top, bottom) first: the nn.ZeroPad2d and
    the convolution of make_modern_fixtures.build as ONE module, so that the padding takes no module index and the
    state_dict keys are StaticCnn's ("0.weight" is the first convolution's, "1.running_mean" its BatchNorm's)."""

    def __init__(self, conv, pads):
        super().__init__(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride, padding=0,
                         dilation=conv.dilation, groups=conv.groups, bias=conv.bias is not None)
        self.pads = tuple(pads)
        with torch.no_grad():
            self.weight.copy_(conv.weight)
            if conv.bias is not None:
                self.bias.copy_(conv.bias)

    def forward(self, x):
        return super().forward(F.pad(x, self.pads))


def fold_padding(model):
    """The nn.Sequential with every nn.ZeroPad2d merged into the nn.Conv2d after it (a PaddedConv2d)."""
    modules = []
    pads = None
    for module in model:
        if isinstance(module, nn.ZeroPad2d):
            assert pads is None, model
            pads = module.padding
            continue
        assert not isinstance(module, nn.ConstantPad2d), "-inf padding of max pooling is not needed here"
        if pads is not None:
            assert isinstance(module, nn.Conv2d) and module.padding == (0, 0), module
            module = PaddedConv2d(module, pads)
            pads = None
        modules.append(module)
    assert pads is None, model
    return nn.Sequential(*modules)


def build_batchnorm(network, seed, steps):
    """The model of make_modern_fixtures for `network` with the padding folded, its BatchNorm weight and bias re-drawn
    and `steps` SGD steps taken in training mode (running statistics updated each step), in evaluation mode; an
    input x; the output length."""
    _, spec_input, layers, _, _ = make_modern_fixtures.BATCH[network]
    torch.manual_seed(seed)
    unfolded, _, out_len = make_modern_fixtures.build(spec_input, layers)
    unfolded = unfolded.to(torch.float32).eval()
    model = fold_padding(unfolded).eval()
    probe = torch.randn([2] + spec_input, dtype=torch.float32)
    with torch.no_grad():
        assert torch.equal(model(probe), unfolded(probe)), "folding the padding changed the function"
        for module in model:
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    model.train()
    for _ in range(steps):
        inputs = torch.randn([8] + spec_input, dtype=torch.float32)
        targets = torch.randint(0, out_len, (8,))
        optimizer.zero_grad()
        F.cross_entropy(model(inputs), targets).backward()
        optimizer.step()
    model.eval()
    for p in model.parameters():
        p.grad = None
    x = torch.randn([1] + spec_input, dtype=torch.float32)
    return model, x, out_len


def dtype_name(t):
    return next(k for k, v in TORCH_DTYPES.items() if v == t.dtype)


def make_batchnorm(file, network, csharp, seed, steps):
    model, x, out_len = build_batchnorm(network, seed, steps)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    counters = [k for k in state if k.endswith(".num_batches_tracked")]
    assert counters and all(state[k].dtype == torch.int64 and state[k].shape == () and int(state[k]) == steps
                            for k in counters), {k: state[k] for k in counters}
    assert all(not torch.equal(state[k], torch.zeros_like(state[k])) for k in state if k.endswith(".running_mean"))
    assert all(not torch.equal(state[k], torch.ones_like(state[k])) for k in state if k.endswith(".running_var"))
    path = os.path.join(HERE, file + ".safetensors")
    write_safetensors(path, state, {"format": "pt"})
    _, loaded = read_safetensors(path)
    assert set(loaded) == set(state)
    assert all(loaded[k].dtype == state[k].dtype and torch.equal(loaded[k], state[k]) for k in state)
    with torch.no_grad():
        logits = model(x).reshape(-1)
        fresh, _, _ = build_batchnorm(network, seed + 1, 0)
        fresh.load_state_dict(loaded, strict=True)
        assert torch.equal(fresh(x).reshape(-1), logits)
    assert logits.numel() == out_len
    parameters = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    buffers = make_modern_fixtures.flat_buffers(model)
    lines = [
        "{",
        f'  "file": {json.dumps(file + ".safetensors")},',
        f'  "network": {json.dumps(csharp)},',
        '  "dtype": "F32",',
        f'  "torchVersion": {json.dumps(torch.__version__)},',
        f'  "seed": {seed},',
        f'  "trainingSteps": {steps},',
        '  "tensors": [\n    ' + ",\n    ".join(
            json.dumps({"name": k, "shape": list(v.shape), "dtype": dtype_name(v)}, separators=(",", ":"))
            for k, v in state.items())
        + "\n  ],",
        f'  "parameters": {make_fixtures.floats(parameters)},',
        f'  "buffers": {make_fixtures.floats(buffers)},',
        f'  "x": {make_fixtures.floats(x)},',
        f'  "logits": {make_fixtures.floats(logits)}',
        "}",
    ]
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(os.path.join(HERE, file + ".json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{file}: {network} after {steps} training steps, {len(state)} tensors ({parameters.numel()} parameters, "
          f"{buffers.numel()} buffer values), {out_len} eval-mode logits")


def reference_for(source):
    """For the fixture `source`: PyTorch's state_dict, an input, its logits, and a model with other values."""
    if source in BATCHNORM_NETWORKS:
        network, _, seed, steps = BATCHNORM_NETWORKS[source]
        model, x, _ = build_batchnorm(network, seed, steps)
        fresh, _, _ = build_batchnorm(network, seed + 1, 0)
    else:
        network, _, _, seed = NETWORKS[source]
        model, x, _ = build(network, seed)
        fresh, _, _ = build(network, seed + 1)
    with torch.no_grad():
        logits = model(x).reshape(-1)
    return model.state_dict(), x, logits, fresh


def check_saved_by_staticcnn(saved, source):
    path = os.path.join(HERE, saved)
    if not os.path.exists(path):
        print(f"MISSING {saved}: run the C# tests with STATICCNN_UPDATE_FIXTURES=1, then this script again")
        return False
    expected, x, expected_logits, fresh = reference_for(source)
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
        e = expected[name]
        if t.dtype != e.dtype or t.shape != e.shape or not torch.equal(t, e):
            print(f"{saved}: tensor {name} ({t.dtype}, {list(t.shape)}) differs from PyTorch's ({e.dtype}, {list(e.shape)})")
            ok = False
    fresh.load_state_dict(tensors, strict=True)  # other parameters and buffers, replaced by the file's
    with torch.no_grad():
        logits = fresh(x).reshape(-1)
    if not torch.equal(logits, expected_logits):
        print(f"{saved}: logits {logits.tolist()} differ from {expected_logits.tolist()}")
        ok = False
    if ok:
        buffers = sum(1 for name in tensors if name.rsplit(".", 1)[-1] in ("running_mean", "running_var", "num_batches_tracked"))
        print(f"{saved}: written by StaticCnn, read by PyTorch: {len(tensors)} tensors ({buffers} buffers) and the logits match")
    return ok


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for file, (network, csharp, dtype, seed) in NETWORKS.items():
        make(file, network, csharp, dtype, seed)
    for file, (network, csharp, seed, steps) in BATCHNORM_NETWORKS.items():
        make_batchnorm(file, network, csharp, seed, steps)
    ok = True
    for saved, source in SAVED_BY_STATICCNN.items():
        ok = check_saved_by_staticcnn(saved, source) and ok
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

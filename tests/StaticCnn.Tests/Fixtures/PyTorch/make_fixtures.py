#!/usr/bin/python3
"""Regenerates the PyTorch parity fixtures in this folder (one JSON file per network).

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 tests/StaticCnn.Tests/Fixtures/PyTorch/make_fixtures.py

Each network is an nn.Sequential of the layers listed in NETWORKS, built after torch.manual_seed(seed) with
PyTorch's default initialisation, evaluated on one random sample in float32 on a single thread. The script writes
the parameters (in nn.Sequential.parameters() order: per layer weight then bias, PyTorch layout), the input x, a
random dLoss/dOutput vector, the logits, and the gradients of L = sum(outputGradient * logits) with respect to the
parameters and the input. Floats are written as the shortest decimal string that parses back to the same float32.

Shape rule (the one StaticCnn enforces): out = (N + 2P - F) / S + 1 must divide exactly and be >= 1, and pooling
padding must be <= size / 2. build() checks every layer against it, so an inexact network fails here.

Sizes changed from the original specification so that every shape is exact:
  - "activations": specified as input 2x9x9, but then MaxPool2D(3, s2, p1) would see 4x4 ((4 + 2 - 3) / 2 is not
    exact). The input is 2x11x7 instead (also non-square on purpose): H 11 -> 6 -> 5 -> 5 -> 5 -> 3,
    W 7 -> 4 -> 3 -> 3 -> 3 -> 2.
  - "strides": specified as input 3x11x13, but then Conv2D(6, 3, s3, p2) would see width 6 ((6 + 4 - 3) / 3 is not
    exact). The input is 3x11x17 instead: H 11 -> 5 -> 3 -> 2, W 17 -> 8 -> 4 -> 3.
  - "strides" has a Dense directly after a MaxPool2D (no Flatten in the layer list): StaticCnn flattens implicitly
    there, so the PyTorch model gets an nn.Flatten() (which has no parameters) that the JSON layer list does not show.

One extra network, "maxpool_ties", is not in the original list: its input is small integers (so max-pooling windows
have many exact ties, including negative-only windows next to the padding) fed straight into overlapping, padded
max pooling, so that the input gradient shows which cell of a tied window PyTorch picks (the first maximum in
row-major window order; padded cells never win).
"""

import json
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def with_rounding(layer, rounding):
    if rounding != "Exact":
        layer["rounding"] = rounding
    return layer


def conv(filters, kernel, stride=1, padding=0, rounding="Exact"):
    return with_rounding({"kind": "Conv2D", "filters": filters, "kernelSize": kernel, "stride": stride, "padding": padding}, rounding)


def maxpool(size, stride=None, padding=0, rounding="Exact"):
    return with_rounding({"kind": "MaxPool2D", "size": size, "stride": size if stride is None else stride, "padding": padding}, rounding)


def avgpool(size, stride=None, padding=0, rounding="Exact"):
    return with_rounding({"kind": "AvgPool2D", "size": size, "stride": size if stride is None else stride, "padding": padding}, rounding)


def dense(units):
    return {"kind": "Dense", "units": units}


def leaky(slope):
    return {"kind": "LeakyReLU", "slope": slope}


RELU = {"kind": "ReLU"}
SIGMOID = {"kind": "Sigmoid"}
TANH = {"kind": "Tanh"}
FLATTEN = {"kind": "Flatten"}

# name -> (seed, input [C, H, W], layers, comment)
NETWORKS = {
    "lenet5": (
        1001, [1, 28, 28],
        [conv(6, 5, 1, 2), RELU, maxpool(2, 2), conv(16, 5), RELU, maxpool(2), FLATTEN,
         dense(120), RELU, dense(84), RELU, dense(10)],
        "Input as specified."),
    "seed": (
        1002, [3, 32, 32],
        [conv(10, 5, 1, 2), RELU, maxpool(2), conv(6, 1), RELU, conv(8, 4, 2, 1), RELU, avgpool(2), FLATTEN,
         dense(10)],
        "Input as specified."),
    "activations": (
        1003, [2, 11, 7],
        [conv(4, 3, 2, 1), leaky(0.1), conv(5, 2), SIGMOID, avgpool(3, 1, 1), conv(3, 3, 1, 1), TANH,
         maxpool(3, 2, 1), FLATTEN, dense(7), TANH, dense(3)],
        "Input 2x11x7 instead of the specified 2x9x9, whose MaxPool2D(3,s2,p1) would see 4x4 (inexact)."),
    "strides": (
        1004, [3, 11, 17],
        [conv(4, 3, 2, 0), RELU, conv(6, 3, 3, 2), maxpool(2, 1), dense(5)],
        "Input 3x11x17 instead of the specified 3x11x13, whose Conv2D(6,3,s3,p2) would see width 6 (inexact). "
        "Dense follows MaxPool2D directly: implicit flatten (an nn.Flatten() in the PyTorch model)."),
    "dense_only": (
        1005, [1, 1, 20],
        [FLATTEN, dense(16), SIGMOID, dense(8), leaky(0.2), dense(4)],
        "Input as specified."),
    "maxpool_ties": (
        1006, [2, 7, 7],
        [maxpool(3, 2, 1), FLATTEN, dense(4)],
        "Extra network: integer inputs in [-3, 1] give tied maxima, and two corner windows hold only negative, tied "
        "values beside the padding; the input gradient shows that the first maximum in row-major window order "
        "takes the whole gradient and that padded cells never win."),
    "floor_mode": (
        1007, [2, 17, 15],
        [conv(4, 4, 2, 1, "Floor"), RELU, maxpool(3, 2, 1, "Floor"), avgpool(3, 2, 1, "Floor"), FLATTEN, dense(3)],
        "Extra network: ShapeRounding.Floor, PyTorch's default rounding. Conv2D(4, 4, s2, p1) H (17+2-4)/2 = 7.5 -> 8, "
        "W 6.5 -> 7; MaxPool2D(3, s2, p1) H 3.5 -> 4, W 3 -> 4; AvgPool2D(3, s2, p1) 1.5 -> 2. The last input rows and "
        "columns no window reaches get zero gradient."),
    "ceil_mode": (
        1008, [2, 17, 15],
        [conv(4, 3, 2, 1), RELU, maxpool(2, 2, 0, "Ceil"), avgpool(3, 2, 1, "Ceil"), avgpool(2, 2, 1, "Ceil"),
         FLATTEN, dense(3)],
        "Extra network: ShapeRounding.Ceil, PyTorch's ceil_mode=True on pooling. Conv2D 9x8; MaxPool2D(2, s2) "
        "H ceil(3.5) + 1 = 5 (the last window hangs one row over the edge), W 4; AvgPool2D(3, s2, p1) H 3, W "
        "ceil(1.5) + 1 = 3 with the last column's window clipped to the padded input (divisor 3*2, not 9); "
        "AvgPool2D(2, s2, p1) ceil(1.5) + 1 = 3, less the window that would start in the right padding = 2."),
}


def out_size(n, f, s, p, what, rounding="Exact"):
    """StaticCnn's rule: exact by default; Floor and Ceil as PyTorch's pooling_output_shape."""
    num = n + 2 * p - f
    if num < 0 or (num % s != 0 and rounding == "Exact"):
        raise ValueError(f"{what}: ({n} + 2*{p} - {f}) / {s} is not exact")
    if rounding == "Ceil":
        out = -(-num // s) + 1
        if (out - 1) * s >= n + p:
            out -= 1
        return out
    return num // s + 1


def build(spec_input, layers):
    """Builds the nn.Sequential and checks every shape against StaticCnn's strict rule."""
    c, h, w = spec_input
    flat = None  # number of features once the data is flat
    modules = []
    for i, layer in enumerate(layers):
        kind = layer["kind"]
        what = f"layer {i} ({kind})"
        if kind == "Conv2D":
            assert flat is None, what
            f, k, s, p = layer["filters"], layer["kernelSize"], layer["stride"], layer["padding"]
            rounding = layer.get("rounding", "Exact")
            assert rounding != "Ceil", what  # PyTorch's Conv2d always floors
            modules.append(nn.Conv2d(c, f, k, stride=s, padding=p, bias=True))
            c, h, w = f, out_size(h, k, s, p, what, rounding), out_size(w, k, s, p, what, rounding)
        elif kind in ("MaxPool2D", "AvgPool2D"):
            assert flat is None, what
            k, s, p = layer["size"], layer["stride"], layer["padding"]
            rounding = layer.get("rounding", "Exact")
            ceil = rounding == "Ceil"
            assert p <= k // 2, what
            if kind == "MaxPool2D":
                modules.append(nn.MaxPool2d(k, stride=s, padding=p, ceil_mode=ceil))
            else:
                modules.append(nn.AvgPool2d(k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=True))
            h, w = out_size(h, k, s, p, what, rounding), out_size(w, k, s, p, what, rounding)
        elif kind == "Flatten":
            modules.append(nn.Flatten())
            if flat is None:
                flat = c * h * w
        elif kind == "Dense":
            if flat is None:
                modules.append(nn.Flatten())  # implicit flatten; no parameters, so the parameter order is unchanged
                flat = c * h * w
            modules.append(nn.Linear(flat, layer["units"], bias=True))
            flat = layer["units"]
        elif kind == "ReLU":
            modules.append(nn.ReLU())
        elif kind == "LeakyReLU":
            modules.append(nn.LeakyReLU(layer["slope"]))
        elif kind == "Sigmoid":
            modules.append(nn.Sigmoid())
        elif kind == "Tanh":
            modules.append(nn.Tanh())
        else:
            raise ValueError(what)
    out_len = flat if flat is not None else c * h * w
    return nn.Sequential(*modules), out_len


def f32(v):
    """Shortest decimal string that parses back to the same float32 (a valid JSON number)."""
    v = np.float32(v)
    if not np.isfinite(v):
        raise ValueError(f"non-finite value {v}")
    for digits in range(1, 10):
        s = "%.*g" % (digits, float(v))
        if np.float32(float(s)) == v:
            return s
    raise AssertionError(v)


def floats(t):
    values = t.detach().to(torch.float32).reshape(-1).tolist()
    return "[" + ",".join(f32(v) for v in values) + "]"


def check_first_max_wins():
    """PyTorch's max pooling gives a tied window's gradient to its first maximum (row-major); padding never wins."""
    x = torch.tensor([[[[1., 1.], [1., 1.]]]], requires_grad=True)
    nn.MaxPool2d(2)(x).sum().backward()
    assert x.grad.reshape(-1).tolist() == [1., 0., 0., 0.], x.grad
    x = torch.tensor([[[[-1., -2.], [-3., -1.]]]], requires_grad=True)
    y = nn.MaxPool2d(3, stride=1, padding=1)(x)
    assert y.reshape(-1).tolist() == [-1., -1., -1., -1.], y
    y.sum().backward()
    assert x.grad.reshape(-1).tolist() == [4., 0., 0., 0.], x.grad


def check_ceil_mode_divisor():
    """In ceil mode, AvgPool2d divides a window hanging over the edge by its cells inside the padded input."""
    y = nn.AvgPool2d(2, stride=2, ceil_mode=True)(torch.ones(1, 1, 5, 5))
    assert y.reshape(-1).tolist() == [1.0] * 9, y  # the 1x2, 2x1 and 1x1 edge windows divide by 2, 2 and 1
    y = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)(torch.ones(1, 1, 4, 4))
    # Window (0, 2): rows -1..1 and columns 3..4 of the padded -1..4 grid: 2 real cells, divisor 3*2 (not 9, not 2).
    assert abs(y[0, 0, 0, 2].item() - 2 / 6) < 1e-6, y


def make(name, seed, spec_input, layers, comment):
    torch.manual_seed(seed)
    model, out_len = build(spec_input, layers)
    model = model.to(torch.float32)
    if name == "maxpool_ties":
        x = torch.randint(-3, 2, [1] + spec_input).to(torch.float32)
        # Corner windows (2x2 real cells, the rest padding) with only negative, tied values: zero padding would win
        # there, and the tie must go to the first cell in row-major order.
        x[0, 0, 0:2, 0:2] = torch.tensor([[-2., -3.], [-3., -2.]])
        x[0, 1, 5:7, 5:7] = torch.tensor([[-1., -3.], [-2., -1.]])
    else:
        x = torch.randn([1] + spec_input, dtype=torch.float32)
    x.requires_grad_(True)
    output_gradient = torch.randn(out_len, dtype=torch.float32)
    params = list(model.parameters())
    logits = model(x).reshape(-1)
    assert logits.numel() == out_len
    (logits * output_gradient).sum().backward()
    flat_params = torch.cat([p.detach().reshape(-1) for p in params]) if params else torch.zeros(0)
    flat_grads = torch.cat([p.grad.reshape(-1) for p in params]) if params else torch.zeros(0)

    def layer_json(layer):
        parts = []
        for key, value in layer.items():
            parts.append(json.dumps(key) + ":" + (f32(value) if isinstance(value, float) else json.dumps(value)))
        return "{" + ",".join(parts) + "}"

    lines = [
        "{",
        f'  "name": {json.dumps(name)},',
        f'  "input": {json.dumps(spec_input)},',
        f'  "comment": {json.dumps(comment)},',
        f'  "torchVersion": {json.dumps(torch.__version__)},',
        f'  "seed": {seed},',
        '  "layers": [\n    ' + ",\n    ".join(layer_json(l) for l in layers) + "\n  ],",
        f'  "parameters": {floats(flat_params)},',
        f'  "x": {floats(x)},',
        f'  "outputGradient": {floats(output_gradient)},',
        f'  "logits": {floats(logits)},',
        f'  "parameterGradients": {floats(flat_grads)},',
        f'  "inputGradient": {floats(x.grad)}',
        "}",
    ]
    text = "\n".join(lines) + "\n"
    json.loads(text)  # well-formed
    path = os.path.join(HERE, name + ".json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{name}: {sum(p.numel() for p in params)} parameters, {x.numel()} inputs, {out_len} outputs -> {path}")


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    check_first_max_wins()
    check_ceil_mode_divisor()
    for name, (seed, spec_input, layers, comment) in NETWORKS.items():
        make(name, seed, spec_input, layers, comment)
    print(f"torch {torch.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

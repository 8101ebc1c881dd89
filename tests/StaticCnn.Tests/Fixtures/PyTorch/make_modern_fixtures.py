#!/usr/bin/python3
"""Regenerates the PyTorch parity fixtures of StaticCnn's newer layer vocabulary (one JSON file per fixture).

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 tests/StaticCnn.Tests/Fixtures/PyTorch/make_modern_fixtures.py

Same conventions and JSON format as make_fixtures.py (whose f32/floats helpers it imports): one nn.Sequential per
network, built after torch.manual_seed(seed) with PyTorch's default initialisation, float32, one thread,
deterministic algorithms; floats written as the shortest decimal string that parses back to the same float32.
Every bias is random and non-zero (PyTorch's default uniform(+-1/sqrt(fan_in)) for Conv2d and Linear; batch
normalisation's weight and bias are re-drawn, see below).

How each StaticCnn declaration becomes PyTorch modules
------------------------------------------------------
Parameters are nn.Sequential.parameters(): per layer weight then bias, PyTorch's layouts.

- Conv2D(filters, k, stride, padding, KernelHeight/KernelWidth, StrideHeight/StrideWidth, Dilation(Height/Width),
  Groups, Bias): nn.Conv2d(C, filters, (kh, kw), stride=(sh, sw), dilation=(dh, dw), groups=Groups, bias=Bias), weight
  [filters, C / groups, kh, kw]; a convolution with Bias = false has only its weight. PyTorch's convolution always
  rounds its output size down (Rounding = Floor; Exact is checked here).
- DepthwiseConv2D(k, DepthMultiplier = m, ...) is nn.Conv2d(C, C * m, k, groups=C); the JSON layer list writes it
  as a Conv2D with "filters": C * m and "groups": C (the reference has no separate depthwise record).
- Padding: symmetric explicit padding is the convolution's own padding=(p_h, p_w). Explicit asymmetric padding
  (PaddingTop/Bottom/Left/Right) and PaddingMode.Same use nn.ZeroPad2d((left, right, top, bottom)) before a
  padding-0 convolution. 'Same' is TensorFlow's rule, per dimension: out = ceil(N / S),
  total = max((out - 1) * S + span - N, 0) with span = (k - 1) * dilation + 1, top/left = total // 2 and
  bottom/right = the rest (the extra cell of an odd total goes after the input).
- MaxPool2D: nn.MaxPool2d((kh, kw), (sh, sw), padding, ceil_mode); 'same' or asymmetric padding pads with -inf
  (nn.ConstantPad2d(..., float('-inf'))) before an unpadded nn.MaxPool2d, so padded cells never win. The stride
  defaults to the window per dimension.
- AvgPool2D: nn.AvgPool2d(..., count_include_pad=True) for symmetric padding counted in the divisor. Otherwise
  (PaddingMode.Same, whose CountIncludePadding defaults to false as in TensorFlow, or asymmetric padding) the module
  AvgPoolOverRealCells: zero-pad, sum every window (F.avg_pool2d with divisor_override=1), divide by the number of
  REAL cells under the window (the same sum over the zero-padded ones-mask, an exact small integer). With
  CountIncludePadding = true and asymmetric padding it divides by kh * kw instead.
- Dense(units): nn.Linear over the C,H,W flatten; a Dense straight after spatial data gets an nn.Flatten() first (no
  parameters) that the JSON layer list does not show.
- GlobalAvgPool2D / GlobalMaxPool2D: nn.AdaptiveAvgPool2d(1) / nn.AdaptiveMaxPool2d(1) (C x 1 x 1, still spatial).
- ReLU6, HardSigmoid, HardSwish, SiLU, GELU, GELU(ApproximateTanh = true), Softmax: nn.ReLU6, nn.Hardsigmoid,
  nn.Hardswish, nn.SiLU, nn.GELU(), nn.GELU(approximate='tanh'), nn.Softmax(dim=1) (over the features of flat data,
  over the channels at every pixel of spatial data).
- BatchNorm(Epsilon, Momentum): nn.BatchNorm2d(C, eps, momentum) after spatial data, nn.BatchNorm1d(F, eps,
  momentum) after flat data. weight (gamma) and bias (beta) are parameters; running_mean [C], running_var [C] and
  num_batches_tracked (one value) are BUFFERS, written per BatchNorm layer in that order to a separate vector. Epsilon
  and Momentum are float32 in StaticCnn; PyTorch gets those float32 values (widened), and the JSON holds their
  shortest float32 strings. Training mode normalises with the batch mean and biased variance and updates
  running = (1 - momentum) * running + momentum * batch statistic with the UNBIASED batch variance, and
  num_batches_tracked += 1; evaluation mode uses the running statistics.
- Dropout(p): StaticCnn's inverted dropout, module HashDropout. Element e (C,H,W flatten index) of sample s (its index
  in the batch) in dropout layer L (the 1-based position of the Dropout attribute among the network's declared
  layers, i.e. its 0-based index in the JSON "layers" list plus 1) at training step t with seed S is kept iff
  Dropout.Keeps(Dropout.Key(S, t, L, s), e, p) (src/StaticCnn/Kernels/Dropout.cs, reimplemented below with exact
  uint32 arithmetic and checked against the values the C# tests pin); kept values are multiplied by
  float32(1f / (1f - p)) computed in float32 as the product does (p is the float32 value), dropped ones by 0. The
  identity in evaluation mode.

Fixtures
--------
Single-sample fixtures (the format of make_fixtures.py) for the test networks RectangularNet, DilatedNet,
GroupedNet, SpecialGeometryNet, ModernActivationsNet and SpatialSoftmaxNet (tests/StaticCnn.Tests/Networks/
TestNetworks.cs): parameters, one random sample x, a random outputGradient, the logits and the gradients of
L = sum(outputGradient * logits).

Batch fixtures "<name>_train" and "<name>_eval" for MobileNetish, DsCnnish and DenseBatchNorm (batch normalisation
and dropout): a batch of 4 samples (8 for DenseBatchNorm) from the same starting state (default init, then batch
normalisation weight uniform(0.5, 1.5), bias uniform(-0.2, 0.2), running_mean uniform(-0.5, 0.5), running_var
uniform(0.5, 2), num_batches_tracked 3). "_train": model.train(), dropout masks with seed 5 and step 1; "_eval":
model.eval(). Extra properties: "samples", "mode", "buffers" (before the forward), "buffersAfter", "dropoutSeed",
"dropoutStep"; "x", "outputGradient", "logits" and "inputGradient" hold all samples one after another, and
"parameterGradients" are summed over the batch (L = sum over samples of dot(outputGradient, logits)).
"""

import base64
import copy
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ among the fixtures (the test project copies this folder)
from make_fixtures import f32, floats  # noqa: E402  (same float format)

DROPOUT_SEED = 5
DROPOUT_STEP = 1

# ---------------------------------------------------------------------------------------------- StaticCnn's dropout

M32 = 0xFFFFFFFF


def mix(x):
    """Dropout.Mix: the lowbias32 hash, uint32 arithmetic."""
    x &= M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def key(seed, step, layer, sample):
    """Dropout.Key: Mix(Mix(Mix(Mix(Mix((uint)seed) ^ (uint)step) ^ (uint)(step >> 32)) ^ (uint)layer) ^ (uint)sample)."""
    h = mix(seed & M32)
    h = mix(h ^ (step & M32))
    h = mix(h ^ ((step >> 32) & M32))  # Python's >> on a negative int is arithmetic, like C#'s on long
    h = mix(h ^ (layer & M32))
    return mix(h ^ (sample & M32))


def keeps(k, element, p):
    """Dropout.Keeps: (Mix(key + element) >> 8) * 2^-24 >= p, p a float32 (the product is exact in float64 too)."""
    return (mix((k + element) & M32) >> 8) * 2.0 ** -24 >= float(np.float32(p))


def keep_mask(seed, step, layer, sample, length, p):
    """Keeps for elements 0..length-1 of one sample, vectorised (uint64 holding uint32 values)."""
    k = np.uint64(key(seed, step, layer, sample))
    x = (np.arange(length, dtype=np.uint64) + k) & np.uint64(M32)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(M32)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(M32)
    x ^= x >> np.uint64(16)
    return (x >> np.uint64(8)).astype(np.float64) * 2.0 ** -24 >= float(np.float32(p))


def check_dropout_hash():
    """The values tests/StaticCnn.Tests/Kernels/DropoutKernelTests.cs pins for the C# Mix and Key."""
    assert mix(0) == 0
    assert mix(1) == 0x688990C0, hex(mix(1))
    assert mix(2) == 0xD1132181
    assert mix(0xDEADBEEF) == 0xE628C683
    assert mix(0xFFFFFFFF) == 0x6768824A
    assert key(42, 7, 3, 5) == 0x5FB34486, hex(key(42, 7, 3, 5))
    assert key(-1, (1 << 40) + 3, 0, 0) == 0xE2B026BA
    for seed, step, layer, sample in [(5, 1, 4, 0), (5, 1, 11, 3), (-7, 123456789012, 2, 9)]:
        k = key(seed, step, layer, sample)
        vector = keep_mask(seed, step, layer, sample, 300, 0.4)
        assert all(vector[e] == keeps(k, e, 0.4) for e in range(300))
    assert keeps(123, 4, 0.0) and not keeps(123, 4, 1.0)


class HashDropout(nn.Module):
    """StaticCnn's Dropout(p) as dropout layer `layer` (1-based): a fixed mask per (seed, step, layer, sample)."""

    def __init__(self, p, layer, seed, step):
        super().__init__()
        self.p, self.layer, self.seed, self.step = float(np.float32(p)), layer, seed, step
        # float32(1f / (1f - p)) as the product computes it
        self.scale = float(np.float32(1) / (np.float32(1) - np.float32(p)))

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        n = x.shape[0]
        length = x[0].numel()
        mask = np.stack([keep_mask(self.seed, self.step, self.layer, s, length, self.p) for s in range(n)])
        factor = torch.from_numpy(np.where(mask, np.float32(self.scale), np.float32(0)).astype(np.float32))
        return x * factor.reshape(x.shape)


class AvgPoolOverRealCells(nn.Module):
    """Average pooling of the zero-padded input (left, right, top, bottom) dividing each window's sum by its real
    (non-padding) cells, or by kh * kw with count_include_pad."""

    def __init__(self, kernel, stride, pads, count_include_pad):
        super().__init__()
        self.kernel, self.stride, self.pads, self.count_include_pad = kernel, stride, pads, count_include_pad

    def forward(self, x):
        padded = F.pad(x, self.pads)
        sums = F.avg_pool2d(padded, self.kernel, self.stride, divisor_override=1)
        if self.count_include_pad:
            return sums / float(self.kernel[0] * self.kernel[1])
        ones = F.pad(torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype), self.pads)
        counts = F.avg_pool2d(ones, self.kernel, self.stride, divisor_override=1)  # exact small integers
        return sums / counts


# ---------------------------------------------------------------------------------------------- declarations

def conv(filters, k, stride=1, padding=0, **props):
    """Conv2D as declared; props: kernelHeight, kernelWidth, strideHeight, strideWidth, padTop, padBottom, padLeft,
    padRight, same, dilation (both), dilationHeight, dilationWidth, groups, bias, rounding."""
    return dict(kind="Conv2D", filters=filters, kernelSize=k, stride=stride, padding=padding, **props)


def depthwise(k, stride=1, padding=0, multiplier=1, **props):
    """DepthwiseConv2D(k, DepthMultiplier = multiplier, ...): written as a Conv2D with groups = C."""
    return dict(kind="DepthwiseConv2D", kernelSize=k, stride=stride, padding=padding, multiplier=multiplier, **props)


def maxpool(size, stride=None, padding=0, **props):
    layer = dict(kind="MaxPool2D", size=size)
    if stride is not None:
        layer["stride"] = stride
    layer["padding"] = padding
    layer.update(props)
    return layer


def avgpool(size, stride=None, padding=0, **props):
    layer = maxpool(size, stride, padding, **props)
    layer["kind"] = "AvgPool2D"
    if layer.get("same") and "countIncludePadding" not in layer:
        layer["countIncludePadding"] = False  # AvgPool2DAttribute's default under PaddingMode.Same
    return layer


def dense(units):
    return {"kind": "Dense", "units": units}


def batchnorm(epsilon=1e-5, momentum=0.1):
    return {"kind": "BatchNorm", "epsilon": float(np.float32(epsilon)), "momentum": float(np.float32(momentum))}


def dropout(p):
    return {"kind": "Dropout", "p": float(np.float32(p))}


RELU, TANH, SIGMOID, FLATTEN = {"kind": "ReLU"}, {"kind": "Tanh"}, {"kind": "Sigmoid"}, {"kind": "Flatten"}
RELU6, HARDSIGMOID, HARDSWISH, SILU = {"kind": "ReLU6"}, {"kind": "HardSigmoid"}, {"kind": "HardSwish"}, {"kind": "SiLU"}
GELU, GELU_TANH = {"kind": "GELU"}, {"kind": "GELU", "approximateTanh": True}
GAP, GMP, SOFTMAX = {"kind": "GlobalAvgPool2D"}, {"kind": "GlobalMaxPool2D"}, {"kind": "Softmax"}

# name -> (seed, input [C, H, W], layers, input scale, comment); the C# declarations are in TestNetworks.cs.
SINGLE = {
    "rectangular": (
        1101, [1, 49, 10],
        [conv(8, 10, kernelWidth=4, strideHeight=2, strideWidth=2, same=True), RELU,
         conv(6, 3, kernelWidth=1, padTop=1, padBottom=1, padLeft=0, padRight=0), TANH,
         maxpool(3, strideHeight=2, strideWidth=1, same=True),
         avgpool(2, same=True),
         dense(4)],
        1.0,
        "RectangularNet. Conv2D 10x4 s2x2 'same' on 49x10: out 25x5, pads top 4 bottom 5 left 1 right 1 "
        "(ZeroPad2d); Conv2D 3x1 with padding top/bottom 1: 25x5; MaxPool2D 3 s(2,1) 'same': 13x5, pads 1/1/1/1 "
        "(-inf); AvgPool2D 2 'same' (count_include_pad False): 7x3, pads bottom 1 and right 1 only, so the last row "
        "and column of windows divide by their real cells; Dense(4) over 6x7x3."),
    "dilated": (
        1102, [3, 12, 12],
        [conv(6, 3, padding=2, dilationHeight=2, dilationWidth=2), RELU,
         conv(4, 3, stride=2, dilationHeight=2, rounding="Floor"),
         dense(3)],
        1.0,
        "DilatedNet. Conv2D(6, 3, p2, dilation 2): 12x12; Conv2D(4, 3, s2, dilation (2, 1), Floor): H (12 - 5) / 2 "
        "+ 1 = 4 (3.5 rounded down), W (12 - 3) / 2 + 1 = 5 (4.5 rounded down)."),
    "grouped": (
        1103, [4, 10, 10],
        [conv(8, 3, padding=1, groups=2), RELU,
         conv(8, 4, stride=2, padding=1, groups=4, bias=False),
         conv(6, 1, groups=2),
         depthwise(3, padding=1, multiplier=2), SIGMOID,
         depthwise(3, stride=2, same=True, bias=False),
         dense(3)],
        1.0,
        "GroupedNet. DepthwiseConv2D(3, p1, DepthMultiplier 2) on 6 channels is Conv2D(12, 3, p1, groups 6); "
        "DepthwiseConv2D(3, s2, 'same', no bias) on 12 channels is Conv2D(12, 3, s2, groups 12, no bias), 5x5 -> 3x3 "
        "with pads 1/1/1/1."),
    "special_geometry": (
        1104, [8, 10, 10],
        [conv(8, 3, padTop=1, padBottom=1, padLeft=0, padRight=2), RELU,
         conv(8, 3, padding=1, bias=False),
         conv(32, 3, padding=2, dilationHeight=2, dilationWidth=2, bias=False), TANH,
         conv(8, 3, padTop=0, padBottom=1, padLeft=1, padRight=0),
         conv(5, 5, padTop=2, padBottom=2, padLeft=1, padRight=3),
         dense(3)],
        1.0,
        "SpecialGeometryNet. Asymmetric paddings through nn.ZeroPad2d: 10x10 -> 10x10 -> 10x10 -> 10x10 -> 9x9 -> 9x9."),
    "modern_activations": (
        1105, [3, 9, 9],
        [conv(6, 3, padding=1), RELU6, conv(8, 3, padding=1), HARDSWISH, conv(8, 1), HARDSIGMOID,
         conv(8, 3), SILU, GAP, dense(6), GELU, dense(5), GELU_TANH, dense(4)],
        8.0,
        "ModernActivationsNet. The input is 8 * randn so that ReLU6 sees values below 0, between 0 and 6 and above 6, "
        "and HardSwish values below -3, between and above 3 (HardSigmoid, after a default-initialised 1x1 "
        "convolution, only sees its middle piece). GlobalAvgPool2D: 8x7x7 -> 8x1x1."),
    "spatial_softmax": (
        1106, [3, 7, 5],
        [conv(4, 3), GMP, conv(5, 1), SOFTMAX],
        1.0,
        "SpatialSoftmaxNet. Conv2D(4, 3): 5x3; GlobalMaxPool2D: 4x1x1; Conv2D(5, 1): 5x1x1; Softmax over the 5 "
        "channels (nn.Softmax(dim=1))."),
}

# name -> (seed, input, layers, samples, comment); the C# declarations will be identical.
BATCH = {
    "mobilenetish": (
        1201, [3, 32, 32],
        [conv(8, 3, stride=2, same=True, bias=False), batchnorm(), RELU,
         depthwise(3, same=True, bias=False), batchnorm(), RELU,
         conv(16, 1, bias=False), batchnorm(), RELU,
         depthwise(3, stride=2, same=True, bias=False), batchnorm(), RELU,
         conv(32, 1, bias=False), batchnorm(), RELU,
         GAP, dense(10)],
        4,
        "MobileNetish. Conv2D(8, 3, s2, 'same', no bias): 32 -> 16, pads top/left 0, bottom/right 1; depthwise 3x3 "
        "'same': 16x16, pads 1/1/1/1; Conv2D(16, 1); depthwise 3x3 s2 'same': 16 -> 8, pads 0/1/0/1; Conv2D(32, 1); "
        "every convolution followed by BatchNorm2d and ReLU; GlobalAvgPool2D; Dense(10)."),
    "dscnnish": (
        1202, [1, 49, 10],
        [conv(16, 10, kernelWidth=4, strideHeight=2, strideWidth=2, same=True), batchnorm(), RELU, dropout(0.2),
         depthwise(3, same=True), batchnorm(), RELU,
         conv(16, 1), batchnorm(), RELU, dropout(0.4),
         avgpool(24, kernelWidth=5, rounding="Floor"),
         dense(12)],
        4,
        "DsCnnish. Conv2D 10x4 s2x2 'same': 49x10 -> 25x5; depthwise 3x3 'same'; Conv2D(16, 1); BatchNorm2d and ReLU "
        "after each; Dropout(0.2) is layer 4 and Dropout(0.4) layer 11 (1-based) for the masks; AvgPool2D 24x5 "
        "(stride = window) rounded down: 25x5 -> 1x1, the last row dropped (zero input gradient); Dense(12)."),
    "dense_batchnorm": (
        1203, [1, 1, 20],
        [FLATTEN, dense(16), batchnorm(), RELU, dense(8), batchnorm(1e-3, 0.01), RELU, dense(4)],
        8,
        "DenseBatchNorm. BatchNorm1d over 16 then 8 features (the second with eps 1e-3f and momentum 0.01f), "
        "batch of 8."),
}


# ---------------------------------------------------------------------------------------------- building

def resolve(n, k, s, d, before, after, same, rounding, what):
    """Output size and (before, after) padding of one dimension under StaticCnn's rules."""
    span = (k - 1) * d + 1
    if same:
        out = -(-n // s)
        total = max((out - 1) * s + span - n, 0)
        return out, total // 2, total - total // 2
    num = n + before + after - span
    if num < 0 or (num % s != 0 and rounding == "Exact"):
        raise ValueError(f"{what}: ({n} + {before} + {after} - {span}) / {s} is not exact")
    if rounding == "Ceil":
        out = -(-num // s) + 1
        if (out - 1) * s >= n + before:
            out -= 1
        return out, before, after
    return num // s + 1, before, after


def window(layer, pool):
    """(kh, kw), (sh, sw), (dh, dw), explicit (top, bottom, left, right) of a convolution or pooling layer."""
    k = layer.get("kernelSize", layer.get("size"))
    kh, kw = layer.get("kernelHeight") or k, layer.get("kernelWidth") or k
    stride = layer.get("stride") or (0 if pool else 1)
    sh = layer.get("strideHeight") or stride or kh
    sw = layer.get("strideWidth") or stride or kw
    dh = layer.get("dilationHeight") or 1
    dw = layer.get("dilationWidth") or 1
    p = layer.get("padding", 0)
    pads = tuple(layer.get(side, p) for side in ("padTop", "padBottom", "padLeft", "padRight"))
    return (kh, kw), (sh, sw), (dh, dw), pads


def build(spec_input, layers, seed=None, step=None):
    """The nn.Sequential of the declared layers, the resolved JSON layer list and the output length."""
    c, h, w = spec_input
    flat = None
    modules, resolved = [], []
    for i, layer in enumerate(layers):
        kind = layer["kind"]
        what = f"layer {i} ({kind})"
        out = dict(layer)
        if kind == "DepthwiseConv2D":
            assert flat is None, what
            m = out.pop("multiplier")
            out = dict(kind="Conv2D", filters=c * m, **{key_: v for key_, v in out.items() if key_ != "kind"})
            out["groups"] = c
            kind = "Conv2D"
        if kind == "Conv2D":
            assert flat is None, what
            (kh, kw), (sh, sw), (dh, dw), (t, b, l, r) = window(out, pool=False)
            rounding = out.get("rounding", "Exact")
            assert rounding != "Ceil", what
            same = out.get("same", False)
            oh, t, b = resolve(h, kh, sh, dh, t, b, same, rounding, what + " height")
            ow, l, r = resolve(w, kw, sw, dw, l, r, same, rounding, what + " width")
            groups, bias = out.get("groups", 1), out.get("bias", True)
            assert c % groups == 0 and out["filters"] % groups == 0, what
            if t == b and l == r:
                padding = (t, l)
            else:
                modules.append(nn.ZeroPad2d((l, r, t, b)))
                padding = 0
            modules.append(nn.Conv2d(c, out["filters"], (kh, kw), stride=(sh, sw), padding=padding,
                                     dilation=(dh, dw), groups=groups, bias=bias))
            c, h, w = out["filters"], oh, ow
        elif kind in ("MaxPool2D", "AvgPool2D"):
            assert flat is None, what
            (kh, kw), (sh, sw), _, (t, b, l, r) = window(out, pool=True)
            rounding = out.get("rounding", "Exact")
            same = out.get("same", False)
            oh, t, b = resolve(h, kh, sh, 1, t, b, same, rounding, what + " height")
            ow, l, r = resolve(w, kw, sw, 1, l, r, same, rounding, what + " width")
            assert max(t, b) <= kh // 2 and max(l, r) <= kw // 2, what
            ceil = rounding == "Ceil" and not same
            include = out.get("countIncludePadding", True)
            symmetric = t == b and l == r and not same
            if kind == "MaxPool2D":
                if symmetric:
                    modules.append(nn.MaxPool2d((kh, kw), (sh, sw), padding=(t, l), ceil_mode=ceil))
                else:
                    assert not ceil, what
                    modules.append(nn.ConstantPad2d((l, r, t, b), float("-inf")))
                    modules.append(nn.MaxPool2d((kh, kw), (sh, sw)))
            elif symmetric and include:
                modules.append(nn.AvgPool2d((kh, kw), (sh, sw), padding=(t, l), ceil_mode=ceil, count_include_pad=True))
            else:
                assert not ceil, what
                modules.append(AvgPoolOverRealCells((kh, kw), (sh, sw), (l, r, t, b), include))
            h, w = oh, ow
        elif kind in ("GlobalAvgPool2D", "GlobalMaxPool2D"):
            assert flat is None, what
            modules.append(nn.AdaptiveAvgPool2d(1) if kind == "GlobalAvgPool2D" else nn.AdaptiveMaxPool2d(1))
            h, w = 1, 1
        elif kind == "Flatten":
            modules.append(nn.Flatten())
            if flat is None:
                flat = c * h * w
        elif kind == "Dense":
            if flat is None:
                modules.append(nn.Flatten())  # implicit flatten; no parameters
                flat = c * h * w
            modules.append(nn.Linear(flat, out["units"]))
            flat = out["units"]
        elif kind == "BatchNorm":
            eps, momentum = out["epsilon"], out["momentum"]
            if flat is None:
                modules.append(nn.BatchNorm2d(c, eps=eps, momentum=momentum))
            else:
                modules.append(nn.BatchNorm1d(flat, eps=eps, momentum=momentum))
        elif kind == "Dropout":
            modules.append(HashDropout(out["p"], i + 1, seed, step))
        else:
            modules.append({
                "ReLU": nn.ReLU, "Tanh": nn.Tanh, "Sigmoid": nn.Sigmoid, "ReLU6": nn.ReLU6,
                "HardSigmoid": nn.Hardsigmoid, "HardSwish": nn.Hardswish, "SiLU": nn.SiLU,
                "Softmax": lambda: nn.Softmax(dim=1),
                "GELU": lambda: nn.GELU(approximate="tanh" if out.get("approximateTanh") else "none"),
            }[kind]())
        resolved.append(out)
    out_len = flat if flat is not None else c * h * w
    return nn.Sequential(*modules), resolved, out_len


# ---------------------------------------------------------------------------------------------- checks

def check_same_avgpool():
    """AvgPoolOverRealCells: symmetric padding as count_include_pad=False; an asymmetric case by hand."""
    x = torch.randn(2, 3, 7, 6, dtype=torch.float64)
    expected = nn.AvgPool2d(3, 2, padding=1, count_include_pad=False)(x)
    actual = AvgPoolOverRealCells((3, 3), (2, 2), (1, 1, 1, 1), False)(x)
    assert torch.allclose(expected, actual), (expected, actual)
    # 1x3x3 of ones..9, 2x2 windows, stride 2, padding bottom 1 and right 1 ('same' on 3): out 2x2; window (1, 1)
    # holds only x[2, 2] = 9 (divisor 1), window (0, 1) holds 3 and 6 (divisor 2).
    x = torch.arange(1.0, 10.0, dtype=torch.float64).reshape(1, 1, 3, 3)
    y = AvgPoolOverRealCells((2, 2), (2, 2), (0, 1, 0, 1), False)(x).reshape(-1).tolist()
    assert y == [(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9.0], y


def check_same_rule():
    """TensorFlow's 'same' rule on the cases the docstring and the C# comments name."""
    assert resolve(49, 10, 2, 1, 0, 0, True, "Exact", "") == (25, 4, 5)
    assert resolve(10, 4, 2, 1, 0, 0, True, "Exact", "") == (5, 1, 1)
    assert resolve(13, 2, 2, 1, 0, 0, True, "Exact", "") == (7, 0, 1)
    assert resolve(32, 3, 2, 1, 0, 0, True, "Exact", "") == (16, 0, 1)
    assert resolve(7, 3, 1, 2, 0, 0, True, "Exact", "") == (7, 2, 2)  # span 5


# ---------------------------------------------------------------------------------------------- output

def value_json(value):
    """A layer property: floats in the shortest float32 form; nested layer lists (the blocks of
    make_graph_fixtures.py) recursively."""
    if isinstance(value, float):
        return f32(value)
    if isinstance(value, dict):
        return layer_json(value)
    if isinstance(value, list):
        return "[" + ",".join(value_json(v) for v in value) + "]"
    return json.dumps(value)


def layer_json(layer):
    return "{" + ",".join(json.dumps(name) + ":" + value_json(value) for name, value in layer.items()) + "}"


def write(name, fields):
    lines = ["{"]
    items = list(fields.items())
    for index, (field, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        lines.append(f"  {json.dumps(field)}: {value}{comma}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # well-formed
    path = os.path.join(HERE, name + ".json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


def header(name, spec_input, comment, seed, resolved):
    return {
        "name": json.dumps(name),
        "input": json.dumps(spec_input),
        "comment": json.dumps(comment),
        "torchVersion": json.dumps(torch.__version__),
        "seed": str(seed),
        "layers": "[\n    " + ",\n    ".join(layer_json(l) for l in resolved) + "\n  ]",
    }


def flat_parameters(model):
    params = list(model.parameters())
    values = torch.cat([p.detach().reshape(-1) for p in params]) if params else torch.zeros(0)
    grads = torch.cat([p.grad.reshape(-1) for p in params]) if params else torch.zeros(0)
    return values, grads


def flat_buffers(model):
    """running_mean [C], running_var [C], num_batches_tracked (1) per batch normalisation, in order (model.modules():
    depth first, the state_dict order, also inside nested blocks)."""
    parts = []
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            parts += [module.running_mean.detach().reshape(-1), module.running_var.detach().reshape(-1),
                      module.num_batches_tracked.detach().to(torch.float32).reshape(1)]
    return torch.cat(parts) if parts else torch.zeros(0)


def coverage(model, x):
    """How many inputs of each piecewise activation fall in each piece (printed, to check the data exercise them)."""
    report = []
    h = x
    for module in model:
        if isinstance(module, nn.ReLU6):
            report.append(f"ReLU6 <0:{int((h < 0).sum())} 0..6:{int(((h > 0) & (h < 6)).sum())} >6:{int((h > 6).sum())}")
        elif isinstance(module, (nn.Hardswish, nn.Hardsigmoid)):
            report.append(f"{type(module).__name__} <-3:{int((h < -3).sum())} mid:{int(((h > -3) & (h < 3)).sum())} "
                          f">3:{int((h > 3).sum())}")
        h = module(h)
    return "; ".join(report)


def make_single(name, seed, spec_input, layers, scale, comment):
    torch.manual_seed(seed)
    model, resolved, out_len = build(spec_input, layers)
    model = model.to(torch.float32)
    for module in model:
        if getattr(module, "bias", None) is not None:
            assert bool((module.bias != 0).all()), (name, module)
    x = (torch.randn([1] + spec_input, dtype=torch.float32) * scale).requires_grad_(True)
    output_gradient = torch.randn(out_len, dtype=torch.float32)
    logits = model(x).reshape(-1)
    assert logits.numel() == out_len
    (logits * output_gradient).sum().backward()
    values, grads = flat_parameters(model)
    fields = header(name, spec_input, comment, seed, resolved)
    fields.update({
        "parameters": floats(values),
        "x": floats(x),
        "outputGradient": floats(output_gradient),
        "logits": floats(logits),
        "parameterGradients": floats(grads),
        "inputGradient": floats(x.grad),
    })
    path = write(name, fields)
    extra = coverage(model, x.detach())
    print(f"{name}: {values.numel()} parameters, {x.numel()} inputs, {out_len} outputs -> {path}"
          + (f"\n    {extra}" if extra else ""))


def state_dict_names(model, buffers):
    """"parameterNames" and "bufferNames": the state_dict keys in order, split into parameters (the order of
    model.parameters(), i.e. of "parameters") and buffers (the order of flat_buffers, i.e. of "buffers"; checked
    against `buffers`, the model's current buffers)."""
    keys = list(model.state_dict().keys())
    parameter_names = [n for n, _ in model.named_parameters()]
    buffer_names = [n for n, _ in model.named_buffers()]
    assert [k for k in keys if k in set(parameter_names)] == parameter_names
    assert [k for k in keys if k not in set(parameter_names)] == buffer_names
    state = model.state_dict()
    flat = [state[n].detach().to(torch.float32).reshape(-1) for n in buffer_names]
    assert torch.equal(torch.cat(flat) if flat else torch.zeros(0), buffers)
    return {"parameterNames": json.dumps(parameter_names), "bufferNames": json.dumps(buffer_names)}


def floats_base64(t):
    """A float vector as a JSON string: base64 of its little-endian float32 bytes (exact, and a third the size of the
    decimal list for the large fixtures of make_tinyml_fixtures.py; PyTorchFixture.cs reads both)."""
    values = t.detach().to(torch.float32).reshape(-1).numpy().astype("<f4")
    if not np.isfinite(values).all():
        raise ValueError("non-finite value")
    return json.dumps(base64.b64encode(values.tobytes()).decode("ascii"))


def float32_deviation(model, start, mode, x0, output_gradient, samples, out_len, results):
    """How far PyTorch's own float32 results are from the same computation in float64: the largest
    |float32 - float64| / max(|float64|, rms of the float64 vector) over the logits, parameter gradients, input
    gradients and buffers after (the measure of the C# Tolerance class). A deep network trained in batch statistics
    (MobileNetV1: 27 BatchNorms, the last over 3x3 planes) is conditioned so that float32 moves its gradients by a few
    1e-4 of their scale; the tests allow StaticCnn a small multiple of what PyTorch itself deviates."""
    wide = copy.deepcopy(model).double()
    wide.load_state_dict(start)
    wide.train(mode == "train")
    xw = x0.double().clone().requires_grad_(True)
    logits = wide(xw).reshape(samples, out_len)
    (logits * output_gradient.double()).sum().backward()
    _, grads = flat_parameters(wide)
    exact = [logits, grads, xw.grad, flat_buffers(wide)]
    worst = 0.0
    for f32, f64 in zip(results, exact):
        a = f32.detach().double().reshape(-1)
        b = f64.detach().double().reshape(-1)
        if b.numel() == 0:
            continue
        rms = float(b.pow(2).mean().sqrt())
        scale = torch.maximum(b.abs(), torch.full_like(b, rms))
        worst = max(worst, float(((a - b).abs() / scale).max()))
    return worst


def make_batch(name, seed, spec_input, layers, samples, comment, builder=build, names=False, binary=False,
               prepare=None):
    """Writes <name>_train and <name>_eval. builder: build or a function like it (make_graph_fixtures.py's);
    names: also write "parameterNames" and "bufferNames" (the state_dict keys of the parameters and the buffers);
    binary: write the float vectors with floats_base64 instead of as decimal lists, and "float32Deviation" (see
    float32_deviation); prepare(model, x): called with the initialised model and the batch before anything is
    recorded (make_tinyml_fixtures.py's kink margin)."""
    encode = floats_base64 if binary else floats
    torch.manual_seed(seed)
    model, resolved, out_len = builder(spec_input, layers, DROPOUT_SEED, DROPOUT_STEP)
    model = model.to(torch.float32)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.num_batches_tracked.fill_(3)
            elif getattr(module, "bias", None) is not None:
                assert bool((module.bias != 0).all()), (name, module)
    x0 = torch.randn([samples] + spec_input, dtype=torch.float32)
    output_gradient = torch.randn(samples, out_len, dtype=torch.float32)
    if prepare is not None:
        prepare(model, x0)
    start = copy.deepcopy(model.state_dict())
    buffers_before = flat_buffers(model)
    for mode in ("train", "eval"):
        model.load_state_dict(start)
        model.train(mode == "train")
        for p in model.parameters():
            p.grad = None
        x = x0.clone().requires_grad_(True)
        logits = model(x).reshape(samples, out_len)
        (logits * output_gradient).sum().backward()
        values, grads = flat_parameters(model)
        buffers_after = flat_buffers(model)
        deviation = float32_deviation(model, start, mode, x0, output_gradient, samples, out_len,
                                      [logits, grads, x.grad, buffers_after]) if binary else None
        if mode == "eval":
            assert torch.equal(buffers_before, buffers_after)
        fixture = f"{name}_{mode}"
        fields = header(fixture, spec_input, comment, seed, resolved)
        fields.update({
            "samples": str(samples),
            "mode": json.dumps(mode),
            "dropoutSeed": str(DROPOUT_SEED),
            "dropoutStep": str(DROPOUT_STEP),
        })
        if names:
            fields.update(state_dict_names(model, buffers_after))
        if deviation is not None:
            fields["float32Deviation"] = repr(deviation)
        fields.update({
            "parameters": encode(values),
            "buffers": encode(buffers_before),
            "x": encode(x),
            "outputGradient": encode(output_gradient),
            "logits": encode(logits),
            "buffersAfter": encode(buffers_after),
            "parameterGradients": encode(grads),
            "inputGradient": encode(x.grad),
        })
        path = write(fixture, fields)
        print(f"{fixture}: {values.numel()} parameters, {buffers_before.numel()} buffers, {samples} x {x[0].numel()} "
              f"inputs, {out_len} outputs -> {path}")


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    check_dropout_hash()
    check_same_avgpool()
    check_same_rule()
    for name, (seed, spec_input, layers, scale, comment) in SINGLE.items():
        make_single(name, seed, spec_input, layers, scale, comment)
    for name, (seed, spec_input, layers, samples, comment) in BATCH.items():
        make_batch(name, seed, spec_input, layers, samples, comment)
    print(f"torch {torch.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

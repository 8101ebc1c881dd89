#!/usr/bin/python3
"""Regenerates the PyTorch parity fixtures of StaticCnn's residual and concatenating networks ([Residual], [Concat],
[Block]; tests/StaticCnn.Tests/Networks/GraphNetworks.cs).

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 tests/StaticCnn.Tests/Fixtures/PyTorch/make_graph_fixtures.py

Everything a layer means, the batch fixture format and the starting state are make_modern_fixtures.py's (whose
build(), make_batch(), layer helpers and output functions this script imports): PyTorch's default initialisation after
torch.manual_seed(seed), then every BatchNorm's weight uniform(0.5, 1.5), bias uniform(-0.2, 0.2), running_mean
uniform(-0.5, 0.5), running_var uniform(0.5, 2), num_batches_tracked 3 (BatchNorms in model.modules() order, i.e.
state_dict order); "<name>_train" (model.train()) and "<name>_eval" (model.eval()) from that state and one batch.

Graphs in PyTorch
-----------------
The network is an nn.Sequential of its top-level layers in which a [Residual] or a [Concat] is ONE module at its
position:

    class Residual(nn.Module):          # children "body" and (projection only) "shortcut", nn.Sequentials
        forward(x) = body(x) + (x if shortcut is None else shortcut(x))

    class Concat(nn.Module):            # child "branches", an nn.ModuleList of one nn.Sequential per branch
        forward(x) = torch.cat(([x] if include_input else []) + [b(x) for b in branches], dim=1)

Inside a block the layers form an nn.Sequential exactly as top-level layers do: one module per declared layer, plus
the implied nn.Flatten before a Dense that reads spatial data. So the state_dict keys are StaticCnn's tensor names
("3.body.0.weight", "5.shortcut.0.weight", "2.branches.1.2.bias"). Because of that naming rule a 'same' (or
asymmetrically) padded convolution must be one module too, not make_modern_fixtures.py's nn.ZeroPad2d followed by an
nn.Conv2d: PaddedConv2d below is that pair as one module (F.pad then F.conv2d, the same arithmetic) whose parameters
are the convolution's own "weight" and "bias"; likewise PaddedMaxPool2d for an -inf padded max pooling.

Block markers (Block.Filters, Block.Stride, Block.Hidden) are resolved here to the values the using [Residual] or
[Concat] gives them (Block.Stride is 1 when the use does not set it), so the JSON holds numbers only.

JSON
----
The batch format of make_modern_fixtures.py, plus "parameterNames" and "bufferNames" (the state_dict keys of
"parameters" and of "buffers", in order). The "layers" list may hold {"kind": "Residual", "body": [layers],
"shortcut": [layers]} ("shortcut" absent for the identity) and {"kind": "Concat", "branches": [[layers], ...],
"includeInput": true|false}; nested layers have the same format as top-level ones. The networks have no Dropout (the
mask's layer numbering inside blocks is not pinned here; the builder rejects one).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ among the fixtures (the test project copies this folder)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from make_modern_fixtures import (  # noqa: E402
    GAP, RELU, RELU6, batchnorm, build, check_same_rule, conv, dense, depthwise, make_batch, maxpool, avgpool,
    resolve)

# ---------------------------------------------------------------------------------------------- modules


class Residual(nn.Module):
    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body = body  # nn.Sequential of the block's layers
        if shortcut is not None:
            self.shortcut = shortcut  # nn.Sequential of the shortcut block's layers
        else:
            self.shortcut = None

    def forward(self, x):
        return self.body(x) + (x if self.shortcut is None else self.shortcut(x))


class Concat(nn.Module):
    def __init__(self, branches, include_input=False):
        super().__init__()
        self.branches = nn.ModuleList(branches)  # one nn.Sequential per branch, in order
        self.include_input = include_input

    def forward(self, x):
        return torch.cat(([x] if self.include_input else []) + [b(x) for b in self.branches], dim=1)


class PaddedConv2d(nn.Module):
    """nn.ZeroPad2d(pads) then the unpadded convolution `conv`, as one module that takes over the convolution's
    parameters (state_dict "weight", "bias"); the arithmetic is that of the two modules."""

    def __init__(self, pads, conv2d):
        super().__init__()
        assert conv2d.padding == (0, 0) and conv2d.padding_mode == "zeros", conv2d
        self.pads = tuple(pads)  # (left, right, top, bottom)
        self.stride, self.dilation, self.groups = conv2d.stride, conv2d.dilation, conv2d.groups
        self.weight = conv2d.weight
        if conv2d.bias is not None:
            self.bias = conv2d.bias
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        return F.conv2d(F.pad(x, self.pads), self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class PaddedMaxPool2d(nn.Module):
    """nn.ConstantPad2d(pads, -inf) then the unpadded nn.MaxPool2d `pool`, as one module (no parameters)."""

    def __init__(self, pads, pool):
        super().__init__()
        assert pool.padding == 0 and not pool.ceil_mode, pool
        self.pads, self.kernel, self.stride = tuple(pads), pool.kernel_size, pool.stride

    def forward(self, x):
        return F.max_pool2d(F.pad(x, self.pads, value=float("-inf")), self.kernel, self.stride)


def merge_padding(modules):
    """make_modern_fixtures.build()'s modules with each (padding, convolution or max pooling) pair made one module."""
    merged, i = [], 0
    while i < len(modules):
        module = modules[i]
        if isinstance(module, nn.ConstantPad2d):  # nn.ZeroPad2d is a ConstantPad2d
            following = modules[i + 1]
            if isinstance(following, nn.Conv2d):
                assert module.value == 0, module
                merged.append(PaddedConv2d(module.padding, following))
            else:
                assert isinstance(following, nn.MaxPool2d) and module.value == float("-inf"), (module, following)
                merged.append(PaddedMaxPool2d(module.padding, following))
            i += 2
        else:
            merged.append(module)
            i += 1
    return merged


# ---------------------------------------------------------------------------------------------- building

def residual(body, shortcut=None):
    layer = {"kind": "Residual", "body": body}
    if shortcut is not None:
        layer["shortcut"] = shortcut
    return layer


def concat(*branches, include_input=False):
    return {"kind": "Concat", "branches": list(branches), "includeInput": include_input}


def output_shape(modules, shape):
    """The per-sample output shape of `modules` on per-sample input `shape`: a forward of zeros in evaluation mode (no
    random numbers drawn, no batch normalisation buffer changed)."""
    sequence = nn.Sequential(*modules)
    sequence.eval()
    with torch.no_grad():
        y = sequence(torch.zeros((1,) + tuple(shape)))
    sequence.train()
    return tuple(y.shape[1:])


def sequence(shape, layers, where):
    """The modules (one per declared layer, plus implied Flattens), the resolved JSON layers and the output shape
    ((C, H, W) or (features,)) of a layer list on per-sample input `shape`. Runs of plain layers go through
    make_modern_fixtures.build(); a Residual or Concat becomes one module built from its own lists, recursively."""
    modules, resolved, run = [], [], []

    def flush():
        nonlocal shape
        if not run:
            return
        assert len(shape) == 3, f"{where}: layers after flat data ({run[0]['kind']}) are not supported here"
        built, run_resolved, _ = build(list(shape), run)
        merged = merge_padding(list(built))
        implied = sum(isinstance(m, nn.Flatten) for m in merged) - sum(l["kind"] == "Flatten" for l in run)
        assert len(merged) == len(run) + implied, (where, merged)  # one module per declared layer
        modules.extend(merged)
        resolved.extend(run_resolved)
        shape = output_shape(merged, shape)
        run.clear()

    for i, layer in enumerate(layers):
        kind = layer["kind"]
        assert kind != "Dropout", f"{where}: Dropout in a graph network (mask numbering not pinned)"
        if kind not in ("Residual", "Concat"):
            run.append(layer)
            continue
        flush()
        assert len(shape) == 3, f"{where}: a {kind} on flat data"
        here = f"{where}.{len(modules)}"
        if kind == "Residual":
            body, body_resolved, body_shape = sequence(shape, layer["body"], here + ".body")
            out = {"kind": "Residual", "body": body_resolved}
            shortcut = None
            shortcut_shape = shape
            if layer.get("shortcut") is not None:
                shortcut, shortcut_resolved, shortcut_shape = sequence(shape, layer["shortcut"], here + ".shortcut")
                shortcut = nn.Sequential(*shortcut)
                out["shortcut"] = shortcut_resolved
            assert len(body) > 0 and body_shape == shortcut_shape, (here, body_shape, shortcut_shape)
            modules.append(Residual(nn.Sequential(*body), shortcut))
            shape = body_shape
        else:
            include = layer.get("includeInput", False)
            branches, branches_resolved, shapes = [], [], [shape] if include else []
            for b, branch in enumerate(layer["branches"]):
                branch_modules, branch_resolved, branch_shape = sequence(shape, branch, f"{here}.branches.{b}")
                branches.append(nn.Sequential(*branch_modules))
                branches_resolved.append(branch_resolved)
                shapes.append(branch_shape)
            assert len(shapes) >= 2 and all(len(s) == 3 and s[1:] == shapes[0][1:] for s in shapes), (here, shapes)
            modules.append(Concat(branches, include))
            resolved.append({"kind": "Concat", "branches": branches_resolved, "includeInput": include})
            shape = (sum(s[0] for s in shapes),) + shapes[0][1:]
            continue
        resolved.append(out)
    flush()
    return modules, resolved, shape


def build_graph(spec_input, layers, seed=None, step=None):
    """Like make_modern_fixtures.build() (the nn.Sequential, the resolved JSON layer list, the output length) for
    layer lists with Residual and Concat entries. seed and step are the dropout mask's, unused (no Dropout)."""
    modules, resolved, shape = sequence(tuple(spec_input), layers, "network")
    return nn.Sequential(*modules), resolved, int(np.prod(shape))


# ---------------------------------------------------------------------------------------------- networks

def keras_batchnorm():
    """[BatchNorm] in a network declared with BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f (Keras's defaults)."""
    return batchnorm(1e-3, 0.01)


def resnet_block(filters, stride=1):
    """ResNetBlock (samples/TinyMl/Models/ResNet8.cs): [Conv2D(Block.Filters, 3, stride: Block.Stride, 'same')]
    [BatchNorm] [ReLU] [Conv2D(Block.Filters, 3, 'same')] [BatchNorm], Keras's BatchNorm."""
    return [conv(filters, 3, stride=stride, same=True), keras_batchnorm(), RELU, conv(filters, 3, same=True),
            keras_batchnorm()]


def resnet_projection(filters, stride=1):
    """ResNetProjection: [Conv2D(Block.Filters, 1, stride: Block.Stride, 'same')]."""
    return [conv(filters, 1, stride=stride, same=True)]


def inverted_residual(filters, hidden):
    """InvertedResidual: [Conv2D(Block.Hidden, 1, Bias = false)] [BatchNorm] [ReLU6]
    [DepthwiseConv2D(3, 'same', Bias = false)] [BatchNorm] [ReLU6] [Conv2D(Block.Filters, 1, Bias = false)] [BatchNorm]."""
    return [conv(hidden, 1, bias=False), batchnorm(), RELU6,
            depthwise(3, same=True, bias=False), batchnorm(), RELU6,
            conv(filters, 1, bias=False), batchnorm()]


BRANCH_1X1 = [conv(4, 1), RELU]
BRANCH_3X3 = [conv(4, 1), RELU, conv(6, 3, padding=1), RELU]
BRANCH_POOL = [maxpool(3, stride=1, padding=1), conv(2, 1)]
DENSE_GROWTH = [batchnorm(), RELU, conv(4, 3, padding=1)]

# name -> (seed, input [C, H, W], layers, samples, comment, expected output length)
GRAPHS = {
    "resnet8": (
        1301, [3, 32, 32],
        [conv(16, 3, same=True), keras_batchnorm(), RELU,
         residual(resnet_block(16)), RELU,
         residual(resnet_block(32, 2), resnet_projection(32, 2)), RELU,
         residual(resnet_block(64, 2), resnet_projection(64, 2)), RELU,
         avgpool(8),
         dense(10)],
        2,
        "ResNet8 (MLPerf Tiny, samples/TinyMl/Models/ResNet8.cs; every BatchNorm2d with Keras's eps 1e-3 and momentum "
        "0.01). Stem Conv2D(16, 3, 'same') (pads 1/1/1/1), BatchNorm2d, ReLU; module 3: Residual of ResNetBlock "
        "(16 filters, stride 1, identity shortcut), ReLU; module 5: ResNetBlock 32 filters stride 2 (the first 3x3 "
        "'same' on 32x32 -> 16x16 pads top/left 0, bottom/right 1: PaddedConv2d) with the ResNetProjection shortcut "
        "(1x1 stride 2 'same': total padding 0, 32 -> 16), ReLU; module 7: the same with 64 filters (16 -> 8, pads "
        "0/1/0/1), ReLU; AvgPool2D(8) on 8x8 (module 9), implied Flatten (10), Dense(10) (module 11). 78,186 "
        "parameters (Keras counts 78,666: it adds the 480 moving means and variances).",
        10),
    "inverted_residual": (
        1302, [8, 12, 12],
        [residual(inverted_residual(8, 32)),
         conv(16, 3, stride=2, same=True, bias=False), batchnorm(), RELU6,
         residual(inverted_residual(16, 64)),
         GAP,
         dense(5)],
        4,
        "InvertedResidualNet. Module 0: Residual of InvertedResidual (Filters 8, Hidden 32: 1x1 to 32, BatchNorm, "
        "ReLU6, depthwise 3x3 'same' (pads 1/1/1/1), BatchNorm, ReLU6, 1x1 to 8, BatchNorm; every convolution without "
        "bias) on the network's input, identity shortcut; Conv2D(16, 3, s2, 'same', no bias): 12 -> 6, pads top/left 0, "
        "bottom/right 1 (PaddedConv2d); BatchNorm; ReLU6; module 4: InvertedResidual (Filters 16, Hidden 64); "
        "GlobalAvgPool2D (16x1x1, spatial), implied Flatten (module 6), Dense(5) (module 7).",
        5),
    "inception": (
        1303, [3, 16, 16],
        [conv(8, 3, padding=1), RELU,
         concat(BRANCH_1X1, BRANCH_3X3, BRANCH_POOL),
         concat(DENSE_GROWTH, include_input=True),
         maxpool(2),
         dense(6)],
        4,
        "InceptionNet. Conv2D(8, 3, p1), ReLU; module 2: Concat of Branch1x1 (Conv2D(4, 1), ReLU), Branch3x3 "
        "(Conv2D(4, 1), ReLU, Conv2D(6, 3, p1), ReLU) and BranchPool (MaxPool2D(3, s1, p1), Conv2D(2, 1)): 4 + 6 + 2 = "
        "12 channels of 16x16; module 3: Concat with IncludeInput of DenseGrowth (BatchNorm2d(12), ReLU, Conv2D(4, 3, "
        "p1)): the un-normalised input's 12 channels then 4 new ones = 16; MaxPool2D(2): 8x8; implied Flatten "
        "(module 5); Dense(6) over 16x8x8 (module 6).",
        6),
}

# Hand count of ResNet8's parameters (conv weight C_in * C_out * k * k + bias C_out; BatchNorm 2 * C):
RESNET8_PARAMETERS = (
    (3 * 3 * 3 * 16 + 16) + 2 * 16                                  # stem conv 448 + BN 32 = 480
    + (16 * 16 * 9 + 16) + 2 * 16 + (16 * 16 * 9 + 16) + 2 * 16     # block 16: 2320 + 32 + 2320 + 32 = 4704
    + (16 * 32 * 9 + 32) + 2 * 32 + (32 * 32 * 9 + 32) + 2 * 32     # block 32: 4640 + 64 + 9248 + 64 = 14016
    + (16 * 32 + 32)                                                # projection 32: 544
    + (32 * 64 * 9 + 64) + 2 * 64 + (64 * 64 * 9 + 64) + 2 * 64     # block 64: 18496 + 128 + 36928 + 128 = 55680
    + (32 * 64 + 64)                                                # projection 64: 2112
    + (64 * 10 + 10))                                               # Dense 650
assert RESNET8_PARAMETERS == 78186

# Hand-written state_dict keys that must be there (the naming rule of the docstring).
EXPECTED_NAMES = {
    "resnet8": ["0.weight", "0.bias", "1.weight", "1.running_mean", "1.num_batches_tracked",
                "3.body.0.weight", "3.body.0.bias", "3.body.1.weight", "3.body.1.running_var", "3.body.3.weight",
                "3.body.4.bias", "5.body.0.weight", "5.body.3.weight", "5.shortcut.0.weight", "5.shortcut.0.bias",
                "7.body.4.num_batches_tracked", "7.shortcut.0.weight", "11.weight", "11.bias"],
    "inverted_residual": ["0.body.0.weight", "0.body.1.running_mean", "0.body.3.weight", "0.body.6.weight",
                          "0.body.7.bias", "1.weight", "2.weight", "2.running_var", "4.body.0.weight",
                          "4.body.7.num_batches_tracked", "7.weight", "7.bias"],
    "inception": ["0.weight", "0.bias", "2.branches.0.0.weight", "2.branches.1.0.weight", "2.branches.1.2.weight",
                  "2.branches.1.2.bias", "2.branches.2.1.weight", "2.branches.2.1.bias", "3.branches.0.0.weight",
                  "3.branches.0.0.running_mean", "3.branches.0.2.weight", "6.weight", "6.bias"],
}
# Keys that must NOT be there: no bias on InvertedResidual's convolutions, no shortcut on an identity Residual.
ABSENT_NAMES = {
    "resnet8": ["3.shortcut.0.weight", "10.weight", "12.weight"],
    "inverted_residual": ["0.body.0.bias", "1.bias", "0.shortcut.0.weight"],
    "inception": ["2.branches.2.0.weight", "5.weight"],
}


# ---------------------------------------------------------------------------------------------- checks

def check_modules():
    """PaddedConv2d equals nn.ZeroPad2d + nn.Conv2d exactly; Residual and Concat compute what they say."""
    torch.manual_seed(0)
    x = torch.randn(2, 3, 9, 8)
    pad, conv2d = nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(3, 5, 3, stride=2)
    merged = PaddedConv2d(pad.padding, conv2d)
    assert torch.equal(merged(x), conv2d(pad(x)))
    assert [n for n, _ in merged.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in PaddedConv2d((1, 1, 0, 0), nn.Conv2d(3, 2, 1, bias=False)).named_parameters()] == ["weight"]
    pool = nn.MaxPool2d(3, 2)
    assert torch.equal(PaddedMaxPool2d((1, 1, 1, 1), pool)(x), pool(nn.ConstantPad2d(1, float("-inf"))(x)))
    body, shortcut = nn.Sequential(nn.Conv2d(3, 3, 1)), nn.Sequential(nn.Conv2d(3, 3, 1))
    assert torch.equal(Residual(body)(x), body(x) + x)
    assert torch.equal(Residual(body, shortcut)(x), body(x) + shortcut(x))
    assert torch.equal(Concat([body, shortcut], True)(x), torch.cat([x, body(x), shortcut(x)], 1))
    assert resolve(32, 1, 2, 1, 0, 0, True, "Exact", "") == (16, 0, 0)  # ResNet8's projection: no padding
    assert resolve(12, 3, 2, 1, 0, 0, True, "Exact", "") == (6, 0, 1)  # InvertedResidualNet's strided convolution
    assert resolve(16, 3, 2, 1, 0, 0, True, "Exact", "") == (8, 0, 1)  # ResNet8's third stack


def check_network(name, seed, spec_input, layers, samples, out_len):
    """Output shape, hand-written names, the module structure and (ResNet8) the hand count of parameters."""
    torch.manual_seed(seed)
    model, resolved, length = build_graph(spec_input, layers)
    assert length == out_len, (name, length)
    model.eval()
    with torch.no_grad():
        logits = model(torch.zeros([samples] + spec_input))
    assert tuple(logits.shape) == (samples, out_len), (name, logits.shape)
    keys = list(model.state_dict().keys())
    for key_ in EXPECTED_NAMES[name]:
        assert key_ in keys, (name, key_, keys)
    for key_ in ABSENT_NAMES[name]:
        assert key_ not in keys, (name, key_)
    assert not any(isinstance(m, (nn.ZeroPad2d, nn.ConstantPad2d)) for m in model.modules()), name
    assert len(model) == len(layers) + 1, (name, len(model))  # each network has one implied Flatten
    parameters = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for b in model.buffers())
    if name == "resnet8":
        assert parameters == RESNET8_PARAMETERS, parameters
        assert [type(m).__name__ for m in model] == [
            "Conv2d", "BatchNorm2d", "ReLU", "Residual", "ReLU", "Residual", "ReLU", "Residual", "ReLU",
            "AvgPool2d", "Flatten", "Linear"]
        assert isinstance(model[5].body[0], PaddedConv2d) and model[5].body[0].pads == (0, 1, 0, 1)
        assert isinstance(model[5].shortcut[0], nn.Conv2d) and model[5].shortcut[0].padding == (0, 0)
        assert model[0].padding == (1, 1) and model[3].shortcut is None
    print(f"{name}: {parameters} parameters, {buffers} buffer values, {len(keys)} state_dict keys")
    return keys


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    check_same_rule()
    check_modules()
    for name, (seed, spec_input, layers, samples, comment, out_len) in GRAPHS.items():
        keys = check_network(name, seed, spec_input, layers, samples, out_len)
        if name == "resnet8":
            print("    " + " ".join(keys))
        make_batch(name, seed, spec_input, layers, samples, comment, builder=build_graph, names=True,
                   binary=(name == "resnet8"))
    print(f"torch {torch.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

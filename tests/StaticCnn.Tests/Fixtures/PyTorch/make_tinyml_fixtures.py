#!/usr/bin/python3
"""Regenerates the PyTorch parity fixtures of the MLPerf Tiny reference models declared in samples/TinyMl/Models
(DsCnn, MobileNetV1, FcAutoencoder; ResNet8's fixtures come from make_graph_fixtures.py, which handles blocks).

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 tests/StaticCnn.Tests/Fixtures/PyTorch/make_tinyml_fixtures.py

Each model is ported to PyTorch with the Keras reference's semantics (mlcommons/tiny, benchmark/training/*), through
make_modern_fixtures.py's builder, whose rules are the porting rules:
- Keras padding='same' is TensorFlow's rule: out = ceil(N / S), the extra cell of an odd total padding after the input
  (bottom/right), as nn.ZeroPad2d before an unpadded convolution (DS-CNN's 10x4 stride-2 stem on 49x10 pads top 4,
  bottom 5, left 1, right 1; MobileNetV1's stride-2 layers pad 0 before and 1 after).
- Keras's BatchNormalization is nn.BatchNorm2d / nn.BatchNorm1d with eps=1e-3 and momentum=0.01 (Keras's 0.99 is the
  weight of the old running value); every BatchNorm starts from non-trivial running statistics (make_batch).
- Keras's AveragePooling2D(pool_size=(24, 5)) on DS-CNN's 25x5 map uses 'valid' padding, which floors:
  (25 - 24) // 24 + 1 = 1 window, the 25th row unread (its input gradient is exactly zero).
- Keras's Conv2D, DepthwiseConv2D and Dense have biases (the reference never turns them off); the closing softmax is
  left out (the fixtures hold logits).
- Dropout is StaticCnn's hash dropout in training mode (make_modern_fixtures.py's HashDropout), the identity in
  evaluation mode.

Before anything is recorded, clear_kinks moves every ReLU input at least KINK_MARGIN (relative) off the kink by
nudging BatchNorm biases, so that float32 rounding cannot decide a ReLU differently here and in StaticCnn.

Fixtures "<name>_train" and "<name>_eval" in make_modern_fixtures.py's batch format, with the float vectors as base64
float32 strings (make_modern_fixtures.floats_base64): the models have up to 268k parameters.
"""

import copy
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ among the fixtures (the test project copies this folder)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from make_modern_fixtures import (  # noqa: E402
    RELU, avgpool, batchnorm, build, check_same_rule, conv, dense, depthwise, dropout, make_batch)


def keras_batchnorm():
    """[BatchNorm] under [Network(..., BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]."""
    return batchnorm(1e-3, 0.01)


def separable(stride, filters):
    """A depthwise-separable block: DepthwiseConv2D(3, stride, 'same') + BN + ReLU, Conv2D(filters, 1) + BN + ReLU."""
    return [depthwise(3, stride=stride, same=True), keras_batchnorm(), RELU,
            conv(filters, 1), keras_batchnorm(), RELU]


def dense_block(units):
    return [dense(units), keras_batchnorm(), RELU]


MOBILENET_BLOCKS = [(1, 16), (2, 32), (1, 32), (2, 64), (1, 64), (2, 128)] + [(1, 128)] * 5 + [(2, 256), (1, 256)]

# name -> (seed, input [C, H, W], layers, samples, comment, parameters, multiply-adds, output length)
MODELS = {
    "dscnn": (
        1401, [1, 49, 10],
        [conv(64, 10, stride=2, kernelWidth=4, same=True), keras_batchnorm(), RELU, dropout(0.2)]
        + separable(1, 64) * 4
        + [dropout(0.4), avgpool(24, kernelWidth=5, rounding="Floor"), dense(12)],
        4,
        "DsCnn (MLPerf Tiny keyword spotting, samples/TinyMl/Models/DsCnn.cs). Conv2D(64, 10x4, s2, 'same'): 49x10 -> "
        "25x5, pads top 4 bottom 5 left 1 right 1; BatchNorm2d (eps 1e-3, momentum 0.01), ReLU; Dropout(0.2) is "
        "layer 4; four blocks of depthwise 3x3 'same' (pads 1/1/1/1) and Conv2D(64, 1), each with BatchNorm2d and "
        "ReLU; Dropout(0.4) is layer 29; AvgPool2D 24x5 floored: one window, the 25th row dropped; Dense(12).",
        23756, 2728768, 12),
    "mobilenet_v1": (
        1402, [3, 96, 96],
        [conv(8, 3, stride=2, same=True), keras_batchnorm(), RELU]
        + [layer for stride, filters in MOBILENET_BLOCKS for layer in separable(stride, filters)]
        + [avgpool(3), dense(2)],
        2,
        "MobileNetV1 alpha 0.25 (MLPerf Tiny visual wake words, samples/TinyMl/Models/MobileNetV1.cs). Conv2D(8, 3, "
        "s2, 'same'): 96 -> 48, pads 0/1/0/1; 13 depthwise-separable blocks (depthwise 3x3 'same', stride 2 in blocks "
        "2, 4, 6 and 12: 48 -> 24 -> 12 -> 6 -> 3, pads 0/1/0/1; 1x1 to 16, 32, 32, 64, 64, 128 x 6, 256, 256), "
        "BatchNorm2d (eps 1e-3, momentum 0.01) and ReLU after every convolution; AvgPool2D(3) on 3x3; Dense(2).",
        216322, 7721216, 2),
    "fc_autoencoder": (
        1403, [1, 1, 640],
        dense_block(128) * 4 + dense_block(8) + dense_block(128) * 4 + [dense(640)],
        8,
        "FcAutoencoder (MLPerf Tiny anomaly detection, samples/TinyMl/Models/FcAutoencoder.cs). Input 1x1x640 (an "
        "implied Flatten first); Dense(128) + BatchNorm1d (eps 1e-3, momentum 0.01) + ReLU four times, Dense(8) + "
        "BatchNorm1d + ReLU, Dense(128) + BatchNorm1d + ReLU four times, Dense(640) linear.",
        267928, 265224, 640),
}


def multiply_adds(model, spec_input):
    """Multiply-adds of one sample's forward pass as StaticCnn's summary counts them: the convolutions' and linear
    layers', plus one per BatchNorm output (its scale and shift); hooks on the real modules, so the 'same' padding and
    strides are the ones PyTorch ran."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            total[0] += output.numel() * module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        elif isinstance(module, nn.Linear):
            total[0] += module.in_features * module.out_features
        else:
            total[0] += output.numel()

    counted = (nn.Conv2d, nn.Linear, nn.modules.batchnorm._BatchNorm)
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, counted)]
    with torch.no_grad():
        model.eval()
        model(torch.zeros([1] + spec_input))
    for handle in handles:
        handle.remove()
    return total[0]


def check_model(name, seed, spec_input, layers, parameters, macs, out_len):
    """Parameter count (PyTorch's, which is StaticCnn's: Keras adds the moving statistics), multiply-adds, output."""
    torch.manual_seed(seed)
    model, _, length = build(spec_input, layers)
    assert length == out_len, (name, length)
    count = sum(p.numel() for p in model.parameters())
    assert count == parameters, (name, count)
    moving = sum(m.running_mean.numel() + m.running_var.numel()
                 for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm))
    counted = multiply_adds(model, spec_input)
    assert counted == macs, (name, counted)
    print(f"{name}: {count} parameters ({count + moving} as Keras counts), {counted} multiply-adds")


KINK_MARGIN = 1e-4


def relu_inputs(model, x, training):
    """The input of every nn.ReLU of a forward pass in double precision, in forward order (on a copy: training mode
    would move the running statistics)."""
    copied = copy.deepcopy(model).double()
    copied.train(training)
    seen = []
    handles = [m.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0].detach()))
               for m in copied.modules() if isinstance(m, nn.ReLU)]
    with torch.no_grad():
        copied(x.double())
    for handle in handles:
        handle.remove()
    return seen


def clear_kinks(model, x):
    """Moves ReLU inputs off the kink. A big network has hundreds of thousands of them per sample, and a few land within
    float32 rounding of zero (MobileNetV1's seed 1402: 2.1e-7 of the layer's rms), where PyTorch and StaticCnn may
    legitimately decide the ReLU differently and so disagree on a whole channel's gradients. For each ReLU in order
    (every one follows a BatchNorm here), each channel whose inputs, in training or in evaluation mode, come within
    KINK_MARGIN times the layer's rms of zero gets its BatchNorm bias shifted by the smallest multiple of twice the
    margin (+, -, +2, -2, ...) that clears both modes; later ReLUs are measured after the earlier shifts."""
    relus = [i for i, m in enumerate(model) if isinstance(m, nn.ReLU)]
    shifted = 0
    for order, index in enumerate(relus):
        batchnorm_ = model[index - 1]
        assert isinstance(batchnorm_, nn.modules.batchnorm._BatchNorm), (index, batchnorm_)
        while True:
            values = [relu_inputs(model, x, training)[order] for training in (True, False)]
            margins = [KINK_MARGIN * float(v.pow(2).mean().sqrt()) for v in values]
            near = sorted({c for v, m in zip(values, margins) for c in
                           torch.nonzero((v.abs() < m).transpose(0, 1).reshape(v.shape[1], -1).any(dim=1)).flatten().tolist()})
            if not near:
                break
            step = 2 * max(margins)
            for c in near:
                for j in (1, -1, 2, -2, 3, -3, 4, -4):
                    if all(bool(((v[:, c] + j * step).abs() >= m).all()) for v, m in zip(values, margins)):
                        break
                with torch.no_grad():
                    batchnorm_.bias[c] += j * step
                shifted += 1
    return shifted


def check_floor_pool():
    """Keras's 'valid' AveragePooling2D((24, 5)) on 25x5 reads rows 0..23 only: the gradient of row 24 is zero."""
    x = torch.randn(1, 64, 25, 5, requires_grad=True)
    y = nn.AvgPool2d((24, 5))(x)
    assert tuple(y.shape) == (1, 64, 1, 1)
    y.sum().backward()
    assert bool((x.grad[:, :, 24, :] == 0).all()) and bool((x.grad[:, :, :24, :] == 1 / 120).all())


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    check_same_rule()
    check_floor_pool()
    for name, (seed, spec_input, layers, samples, comment, parameters, macs, out_len) in MODELS.items():
        check_model(name, seed, spec_input, layers, parameters, macs, out_len)
        counts = []
        make_batch(name, seed, spec_input, layers, samples, comment, binary=True,
                   prepare=lambda model, x: counts.append(clear_kinks(model, x)))
        print(f"{name}: {counts[0]} channels' BatchNorm bias shifted off a ReLU kink")
    print(f"torch {torch.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

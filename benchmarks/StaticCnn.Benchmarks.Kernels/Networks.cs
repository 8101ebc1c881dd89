using StaticCnn;

// The networks of issue 3's bars, and single layers of them for per-layer GFLOP/s.
namespace StaticCnn.Benchmarks.Kernels;

/// <summary>LeNet-5 as in the contract: 1x28x28 (0.83 MFLOP forward).</summary>
[Network(1, 28, 28)]
[Conv2D(6, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 5)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(120)]
[ReLU]
[Dense(84)]
[ReLU]
[Dense(10)]
public partial class LeNet5;

/// <summary>The seed document's network (the tests' SeedNet).</summary>
[Network(3, 32, 32)]
[Conv2D(10, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(6, 1)]
[ReLU]
[Conv2D(8, 4, stride: 2, padding: 1)]
[ReLU]
[AvgPool2D(2)]
[Flatten]
[Dense(10)]
public partial class SeedNet;

/// <summary>The ConvNetJS CIFAR-10 demo network (7.8 MFLOP forward).</summary>
[Network(3, 32, 32)]
[Conv2D(16, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(20, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(20, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Dense(10)]
public partial class CifarNet;

/// <summary>A small VGG for 3x32x32 (59 MFLOP forward).</summary>
[Network(3, 32, 32)]
[Conv2D(32, 3, padding: 1)]
[ReLU]
[Conv2D(32, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(64, 3, padding: 1)]
[ReLU]
[Conv2D(64, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(128, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Dense(256)]
[ReLU]
[Dense(10)]
public partial class SmallVgg;

/// <summary>Small VGG's second layer alone: 32x32x32 -> 32x32x32, 3x3 (18.9 MFLOP).</summary>
[Network(32, 32, 32)]
[Conv2D(32, 3, padding: 1)]
[ReLU]
public partial class VggConv32;

/// <summary>Small VGG's fourth layer alone: 64x16x16 -> 64x16x16, 3x3 (18.9 MFLOP).</summary>
[Network(64, 16, 16)]
[Conv2D(64, 3, padding: 1)]
[ReLU]
public partial class VggConv64;

/// <summary>Small VGG's fifth layer alone: 64x8x8 -> 128x8x8, 3x3 (9.4 MFLOP).</summary>
[Network(64, 8, 8)]
[Conv2D(128, 3, padding: 1)]
[ReLU]
public partial class VggConv128;

/// <summary>The CIFAR-10 net's second layer alone: 16x16x16 -> 20x16x16, 5x5 (4.1 MFLOP).</summary>
[Network(16, 16, 16)]
[Conv2D(20, 5, padding: 2)]
[ReLU]
public partial class CifarConv20;

/// <summary>LeNet-5's first layer alone: 1x28x28 -> 6x28x28, 5x5 (0.24 MFLOP).</summary>
[Network(1, 28, 28)]
[Conv2D(6, 5, padding: 2)]
[ReLU]
public partial class LeNetConv1;

/// <summary>A first layer with 3 input channels: 3x32x32 -> 32x32x32, 3x3 (1.8 MFLOP).</summary>
[Network(3, 32, 32)]
[Conv2D(32, 3, padding: 1)]
[ReLU]
public partial class VggConv1;

/// <summary>The CIFAR-10 net's first block: 3x32x32 -> conv16 5x5 p2, ReLU, pool 2.</summary>
[Network(3, 32, 32)]
[Conv2D(16, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
public partial class CifarHead;

/// <summary>The CIFAR-10 net's last block: 20x8x8 -> conv20 5x5 p2, ReLU, pool 2, dense 10.</summary>
[Network(20, 8, 8)]
[Conv2D(20, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Dense(10)]
public partial class CifarTail;

/// <summary>LeNet-5's second block: 6x14x14 -> conv16 5x5, ReLU, pool 2 (0.48 MFLOP).</summary>
[Network(6, 14, 14)]
[Conv2D(16, 5)]
[ReLU]
[MaxPool2D(2)]
public partial class LeNetConv2;

/// <summary>LeNet-5's dense layers: 400 -> 120 -> 84 -> 10 (0.12 MFLOP; 59 K weights, memory-bound at batch 1).</summary>
[Network(16, 5, 5)]
[Flatten]
[Dense(120)]
[ReLU]
[Dense(84)]
[ReLU]
[Dense(10)]
public partial class LeNetDense;

/// <summary>The small VGG's dense layers: 2048 -> 256 -> 10 (1.1 MFLOP; 527 K weights, 2 MB: memory-bound at batch 1).</summary>
[Network(128, 4, 4)]
[Flatten]
[Dense(256)]
[ReLU]
[Dense(10)]
public partial class VggDense;

/// <summary>Max pooling with 3x3 windows of stride 2 and padding 1 (a ResNet stem's), not the 2x2 vector path: 16x32x32 -> 16x16x16.</summary>
[Network(16, 32, 32)]
[MaxPool2D(3, stride: 2, padding: 1, Rounding = ShapeRounding.Floor)]
[Flatten]
[Dense(10)]
public partial class MaxPool3x3;

/// <summary>A 3x3 layer on a larger map: 64x64x64 -> 64, padding 1 (302 MFLOP direct; Winograd in chunks of tile rows).</summary>
[Network(64, 64, 64)]
[Conv2D(64, 3, padding: 1)]
[ReLU]
public partial class Conv64x64;

// Depthwise layers of MobileNetV1 alpha 0.25 at 96x96 (MLPerf Tiny's visual wake words model): 3x3, 'same'.

/// <summary>MobileNetV1-0.25's first depthwise layer: 8x48x48, 3x3, stride 1 (0.33 MFLOP, 147 KB in + out).</summary>
[Network(8, 48, 48)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
public partial class Dw8x48;

/// <summary>
/// <see cref="Dw8x48"/> twice in a row: the time over Dw8x48's is what the second layer costs inside a network, where
/// it reads its input in place (the Forward call's copies in and out, and the first layer's padded copy of the
/// network's input, are in both).
/// </summary>
[Network(8, 48, 48)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
public partial class Dw8x48Twice;

/// <summary>MobileNetV1-0.25's first strided depthwise layer: 16x48x48 -> 16x24x24, 3x3, stride 2 'same' (0 before, 1 after).</summary>
[Network(16, 48, 48)]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)]
public partial class Dw16x48s2;

/// <summary>MobileNetV1-0.25's 32-channel depthwise layer: 32x24x24, 3x3, stride 1.</summary>
[Network(32, 24, 24)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
public partial class Dw32x24;

/// <summary>MobileNetV1-0.25's 64-channel depthwise layer: 64x12x12, 3x3, stride 1.</summary>
[Network(64, 12, 12)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
public partial class Dw64x12;

/// <summary>MobileNetV1-0.25's 128-channel depthwise layers (five in a row): 128x6x6, 3x3, stride 1.</summary>
[Network(128, 6, 6)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
public partial class Dw128x6;

/// <summary><see cref="Dw64x12"/> twice: the second layer reads its input in place and runs the flat kernel (a first layer cannot).</summary>
[Network(64, 12, 12)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
public partial class Dw64x12Twice;

/// <summary><see cref="Dw128x6"/> twice: the second layer runs the flat kernel.</summary>
[Network(128, 6, 6)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
public partial class Dw128x6Twice;

/// <summary>
/// Dw8x48's shape with nothing but a ReLU: what any Forward call on a map this size costs besides its layers (the
/// input copied in, one in-place pass, the output copied out), measured beside the depthwise layers.
/// </summary>
[Network(8, 48, 48)]
[ReLU]
public partial class Pass8x48;

// The same depthwise-separable network three ways, to price BatchNorm at inference.

/// <summary>
/// MobileNetV1-0.25's first three blocks at 96x96, BatchNorm after every convolution and before its ReLU: at
/// inference every BatchNorm folds into the convolution before it (2.2 M multiply-adds).
/// </summary>
[Network(3, 96, 96)]
[Conv2D(8, 3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(32, 1, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(32, 1, Bias = false)]
[BatchNorm]
[ReLU]
[GlobalAvgPool2D]
[Dense(2)]
public partial class BlocksFolded;

/// <summary>
/// <see cref="BlocksFolded"/> with each BatchNorm after its ReLU: the same arithmetic, but nothing to fold into,
/// so every BatchNorm runs as its own pass over the feature map (what BatchNorm costs without folding).
/// </summary>
[Network(3, 96, 96)]
[Conv2D(8, 3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)]
[ReLU]
[BatchNorm]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[ReLU]
[BatchNorm]
[Conv2D(16, 1, Bias = false)]
[ReLU]
[BatchNorm]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)]
[ReLU]
[BatchNorm]
[Conv2D(32, 1, Bias = false)]
[ReLU]
[BatchNorm]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[ReLU]
[BatchNorm]
[Conv2D(32, 1, Bias = false)]
[ReLU]
[BatchNorm]
[GlobalAvgPool2D]
[Dense(2)]
public partial class BlocksUnfolded;

/// <summary><see cref="BlocksFolded"/> without BatchNorm, convolutions with bias: the floor folding should reach.</summary>
[Network(3, 96, 96)]
[Conv2D(8, 3, stride: 2, PaddingMode = PaddingMode.Same)]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[ReLU]
[Conv2D(16, 1)]
[ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)]
[ReLU]
[Conv2D(32, 1)]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[ReLU]
[Conv2D(32, 1)]
[ReLU]
[GlobalAvgPool2D]
[Dense(2)]
public partial class BlocksPlain;

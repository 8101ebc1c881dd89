using StaticCnn;

namespace TinyMl;

/// <summary>
/// Visual wake words (person / no person, 96x96 RGB): MobileNetV1 with width multiplier 0.25 as
/// visual_wake_words/vww_model.py's <c>mobilenet_v1</c>. A 3x3 stride-2 stem of 8 filters, then 13
/// depthwise-separable blocks (3x3 depthwise, 1x1 pointwise, BatchNorm and ReLU after each) growing 16 to 256
/// channels, the depthwise convolution of blocks 2, 4, 6 and 12 with stride 2 (48 -> 24 -> 12 -> 6 -> 3); a 3x3
/// average pool (global) and Dense 2.
/// </summary>
[Network(3, 96, 96, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]
[Conv2D(8, 3, stride: 2, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(16, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(32, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(32, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(128, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(128, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(128, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(128, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(128, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(128, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(256, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]            [Conv2D(256, 1)] [BatchNorm] [ReLU]
[AvgPool2D(3)]
[Dense(2)]
public partial class MobileNetV1;

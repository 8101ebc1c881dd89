using StaticCnn;

namespace TinyMl;

/// <summary>
/// Keyword spotting (Speech Commands, 12 classes): DS-CNN as keyword_spotting/keras_model.py's <c>ds_cnn</c>. Input:
/// 49 MFCC frames of 10 coefficients. A 10x4 stride-2 'same' convolution to 64 channels (25x5), four
/// depthwise-separable blocks (3x3 depthwise, 1x1 to 64, BatchNorm and ReLU after each), dropout, a 24x5 average pool
/// and Dense 12. Keras's 'valid' pooling floors: (25 - 24) / 24 + 1 is not whole, so the pool says
/// <c>Rounding = ShapeRounding.Floor</c> and its one window drops the 25th row (without it, the generator reports
/// SCNN0006 with that arithmetic).
/// </summary>
[Network(1, 49, 10, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]
[Conv2D(64, 10, stride: 2, KernelWidth = 4, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
[Dropout(0.2f)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[Dropout(0.4f)]
[AvgPool2D(24, KernelWidth = 5, Rounding = ShapeRounding.Floor)]
[Dense(12)]
public partial class DsCnn;

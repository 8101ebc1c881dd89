using StaticCnn;

namespace TinyMl;

// What --train uses besides ResNet8 itself (which trains unchanged on Fashion-MNIST padded to 3x32x32): the DS-CNN and
// autoencoder layer stacks on Fashion-MNIST's 1x28x28 images, since a 28x28 image is not a 49x10 MFCC map nor 640
// log-mel values. Every other layer is the reference's.

/// <summary>
/// DS-CNN's layers (samples/TinyMl/Models/DsCnn.cs) on a 1x28x28 image: the 10x4 stride-2 'same' stem gives 64x14x14,
/// four depthwise-separable blocks, dropout, a 14x14 average pool (global) and Dense 10.
/// </summary>
[Network(1, 28, 28, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]
[Conv2D(64, 10, stride: 2, KernelWidth = 4, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
[Dropout(0.2f)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU] [Conv2D(64, 1)] [BatchNorm] [ReLU]
[Dropout(0.4f)]
[AvgPool2D(14)]
[Dense(10)]
public partial class FashionDsCnn;

/// <summary>
/// The autoencoder's layers (samples/TinyMl/Models/FcAutoencoder.cs) on a 28x28 image: 784 values in, four Dense 128,
/// the Dense 8 bottleneck, four Dense 128 (each with BatchNorm and ReLU), and a linear Dense 784 reconstruction.
/// </summary>
[Network(1, 28, 28, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(8)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]
[Dense(784)]
public partial class FashionAutoencoder;

using StaticCnn;
using TinyMl;

namespace EmbeddedInference;

/// <summary>
/// MLPerf Tiny's ResNet-8 (samples/TinyMl/Models/ResNet8.cs: the same layers and blocks, Keras's BatchNorm defaults)
/// with the weights `dotnet run --project samples/TinyMl -- --train resnet8` trained on Fashion-MNIST padded to
/// 3x32x32, baked in: parameters and BatchNorm running statistics, checked against these layers while compiling.
/// </summary>
[Network(3, 32, 32, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f, Weights = "resnet8-fashion-mnist.safetensors")]
[Conv2D(16, 3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
[Residual(typeof(ResNetBlock), Filters = 16)] [ReLU]
[Residual(typeof(ResNetBlock), Filters = 32, Stride = 2, Shortcut = typeof(ResNetProjection))] [ReLU]
[Residual(typeof(ResNetBlock), Filters = 64, Stride = 2, Shortcut = typeof(ResNetProjection))] [ReLU]
[AvgPool2D(8)]
[Dense(10)]
public partial class FashionResNet8;

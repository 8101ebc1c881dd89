using StaticCnn;

// The MLPerf Tiny reference models (mlcommons/tiny, benchmark/training/*), layer for layer, with Keras's conventions:
// TensorFlow 'same' padding (asymmetric for stride 2), biases on every convolution, BatchNorm epsilon 1e-3 and
// momentum 0.99 (0.01 in PyTorch's convention). The Keras models end in a softmax; here the last layer gives the
// logits and the softmax is the loss's (or the caller's). Declared once, used by the sample, the tests and the
// benchmarks. docs/tinyml.md.
namespace TinyMl;

/// <summary>
/// Image classification (CIFAR-10): ResNet-8 as image_classification/keras_model.py's <c>resnet_v1_eembc</c> with
/// 16 filters. A 3x3 stem, three stacks of ResNet's basic block (16, 32, 64 filters), stacks 2 and 3 starting with
/// stride 2 and a 1x1 stride-2 projection shortcut without BatchNorm, a ReLU after every add, an 8x8 average pool and
/// Dense 10. 78,186 parameters and 480 running statistics; 12,575,360 multiply-adds.
/// </summary>
[Network(3, 32, 32, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]
[Conv2D(16, 3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
[Residual(typeof(ResNetBlock), Filters = 16)] [ReLU]
[Residual(typeof(ResNetBlock), Filters = 32, Stride = 2, Shortcut = typeof(ResNetProjection))] [ReLU]
[Residual(typeof(ResNetBlock), Filters = 64, Stride = 2, Shortcut = typeof(ResNetProjection))] [ReLU]
[AvgPool2D(8)]
[Dense(10)]
public partial class ResNet8;

/// <summary>ResNet's basic block: two 3x3 convolutions with BatchNorm, the first with the use's stride.</summary>
[Block]
[Conv2D(Block.Filters, 3, stride: Block.Stride, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
[Conv2D(Block.Filters, 3, PaddingMode = PaddingMode.Same)] [BatchNorm]
public partial class ResNetBlock;

/// <summary>ResNet's projection shortcut: a 1x1 convolution with the use's filters and stride.</summary>
[Block]
[Conv2D(Block.Filters, 1, stride: Block.Stride, PaddingMode = PaddingMode.Same)]
public partial class ResNetProjection;

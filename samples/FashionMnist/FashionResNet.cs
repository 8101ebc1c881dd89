using StaticCnn;

namespace FashionMnist;

/// <summary>
/// The sample's residual network (<c>--network resnet</c>): a 3x3 stem of 32 filters with BatchNorm, then three stacks
/// of ResNet's basic block at 28x28 (32 filters), 14x14 (64) and 7x7 (128), the last two starting with stride 2 and a
/// 1x1 stride-2 projection shortcut, a ReLU after every add, global average pooling and the 10 class logits.
/// </summary>
[Network(channels: 1, height: 28, width: 28)]
[Conv2D(32, 3, padding: 1, Bias = false)] [BatchNorm] [ReLU]
[Residual(typeof(FashionBlock), Filters = 32)] [ReLU]
[Residual(typeof(FashionBlock), Filters = 64, Stride = 2, Shortcut = typeof(FashionProjection))] [ReLU]
[Residual(typeof(FashionBlock), Filters = 128, Stride = 2, Shortcut = typeof(FashionProjection))] [ReLU]
[GlobalAvgPool2D]
[Dense(10)]
public partial class FashionResNet;

/// <summary>ResNet's basic block: two 3x3 convolutions with BatchNorm (no bias: BatchNorm's shift replaces it), the first with the use's stride.</summary>
[Block]
[Conv2D(Block.Filters, 3, stride: Block.Stride, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(Block.Filters, 3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm]
public partial class FashionBlock;

/// <summary>The projection shortcut: a 1x1 convolution with the use's filters and stride, and BatchNorm.</summary>
[Block]
[Conv2D(Block.Filters, 1, stride: Block.Stride, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm]
public partial class FashionProjection;

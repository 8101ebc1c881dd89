using StaticCnn;

// Networks with residual connections and concatenations ([Residual], [Concat] and [Block]). Each is declared again,
// independently, for the naive reference (RefResidual, RefConcat) in NetworkCase.cs and in PyTorch by
// Fixtures/PyTorch/make_graph_fixtures.py. ResNet8, the MLPerf Tiny model, is the TinyMl sample's
// (samples/TinyMl/Models/ResNet8.cs, compiled into this project).
namespace StaticCnn.Tests.Networks;

/// <summary>
/// MobileNetV2's inverted residual twice: 1x1 expansion to Hidden channels, 3x3 depthwise, 1x1 linear projection,
/// each with BatchNorm (ReLU6 after the first two), added to the block's input. The first reads the network's input
/// directly (its gradient is the sum of two paths); a strided 'same' convolution between them changes the width.
/// </summary>
[Network(8, 12, 12)]
[Residual(typeof(InvertedResidual), Filters = 8, Hidden = 32)]
[Conv2D(16, 3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU6]
[Residual(typeof(InvertedResidual), Filters = 16, Hidden = 64)]
[GlobalAvgPool2D]
[Dense(5)]
public partial class InvertedResidualNet;

/// <summary>MobileNetV2's inverted residual bottleneck (stride 1, expansion to the use's Hidden channels).</summary>
[Block]
[Conv2D(Block.Hidden, 1, Bias = false)] [BatchNorm] [ReLU6]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)] [BatchNorm] [ReLU6]
[Conv2D(Block.Filters, 1, Bias = false)] [BatchNorm]
public partial class InvertedResidual;

/// <summary>
/// Concatenation: an Inception-style module of three branches (1x1; 1x1 then 3x3; 3x3 max pool then 1x1) and a
/// DenseNet-style layer that concatenates its input with new features computed through BatchNorm and ReLU.
/// </summary>
[Network(3, 16, 16)]
[Conv2D(8, 3, padding: 1)] [ReLU]
[Concat(typeof(Branch1x1), typeof(Branch3x3), typeof(BranchPool))]
[Concat(typeof(DenseGrowth), IncludeInput = true)]
[MaxPool2D(2)]
[Dense(6)]
public partial class InceptionNet;

/// <summary>Inception branch: 1x1 convolution.</summary>
[Block]
[Conv2D(4, 1)] [ReLU]
public partial class Branch1x1;

/// <summary>Inception branch: 1x1 reduction, then 3x3.</summary>
[Block]
[Conv2D(4, 1)] [ReLU] [Conv2D(6, 3, padding: 1)] [ReLU]
public partial class Branch3x3;

/// <summary>Inception branch: 3x3 max pool (stride 1), then 1x1.</summary>
[Block]
[MaxPool2D(3, stride: 1, padding: 1)] [Conv2D(2, 1)]
public partial class BranchPool;

/// <summary>DenseNet growth layer: BatchNorm, ReLU, 3x3 convolution of 4 new channels.</summary>
[Block]
[BatchNorm] [ReLU] [Conv2D(4, 3, padding: 1)]
public partial class DenseGrowth;

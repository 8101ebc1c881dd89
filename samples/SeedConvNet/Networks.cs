using StaticCnn;

namespace SeedConvNet;

// The worked examples of Stanford CS231n lecture 5 ("Convolutional Neural Networks"), each declared as a network.
// The generator checks every shape below at compile time with out = (N + 2P - F) / S + 1.

/// <summary>
/// "32x32x3 input, ten 5x5 filters with stride 1 and padding 2": (32 + 2*2 - 5) / 1 + 1 = 32, so the output is
/// 10x32x32, and each filter has 5*5*3 weights plus a bias: (75 + 1) * 10 = 760 parameters.
/// </summary>
[Network(channels: 3, height: 32, width: 32)]
[Conv2D(filters: 10, kernelSize: 5, stride: 1, padding: 2)]
public partial class TenFiveByFiveFilters;

/// <summary>
/// The 7x7 input with a 3x3 filter from the lecture's stride discussion: stride 1 gives 5x5, stride 2 gives 3x3.
/// </summary>
[Network(1, 7, 7)]
[Conv2D(1, 3, stride: 2)]
public partial class SevenBySevenStrideTwo;

// Stride 3 does not fit a 7x7 input, and the compiler says so. Uncomment to see:
//
// [Network(1, 7, 7)]
// [Conv2D(1, 3, stride: 3)]
// public partial class SevenBySevenStrideThree;
//
// error SCNN0006: Conv2D #1: (7 + 2*0 - 3) / 3 + 1 = 2.33 is not a whole number; the 3x3 filter with stride 3 does not fit the 7x7 input. Stride 2 (3x3) or 4 (2x2) fit; so does padding 1 with stride 3 (3x3); or Rounding = ShapeRounding.Floor drops the cells no window reaches, as PyTorch and Keras's 'valid' padding do (2x2).

/// <summary>
/// A CONV-RELU-POOL stack ending in a fully connected layer, the architecture the lecture closes with: two
/// blocks of 3x3 convolutions with padding (F - 1) / 2 = 1 that keep the size, 2x2 max pooling with stride 2
/// that halves it, then a fully connected layer to ten class scores.
/// </summary>
[Network(3, 32, 32)]
[Conv2D(16, 3, padding: 1)]
[ReLU]
[Conv2D(16, 3, padding: 1)]
[ReLU]
[MaxPool2D(2, stride: 2)]
[Conv2D(32, 3, padding: 1)]
[ReLU]
[Conv2D(32, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(10)]
public partial class ConvReluPoolStack;

/// <summary>
/// "1x1 convolutions make perfect sense": 56x56x64 input, 32 filters of 1x1x64, each a 64-dimensional dot product
/// per pixel, giving 56x56x32 with (1*1*64 + 1) * 32 = 2,080 parameters.
/// </summary>
[Network(64, 56, 56)]
[Conv2D(32, 1)]
public partial class OneByOneConvolution;

/// <summary>
/// The seed document's network, every idea of the lecture in one: a padded 5x5 convolution, ReLU, 2x2 max
/// pooling, a 1x1 convolution that mixes channels, a strided 4x4 convolution, average pooling and a fully
/// connected layer to ten scores.
/// </summary>
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
public partial class SeedNetwork;

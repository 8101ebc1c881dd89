using StaticCnn;

// The networks the numerics tests compile with the generator. Each is declared again, independently, as a list
// of reference layers in NetworkCases.cs; together they cover every layer kind, stride, padding and activation.
namespace StaticCnn.Tests.Networks;

/// <summary>LeNet-5 as in the contract (the "lenet5" PyTorch fixture).</summary>
[Network(channels: 1, height: 28, width: 28)]
[Conv2D(filters: 6, kernelSize: 5, stride: 1, padding: 2)]
[ReLU]
[MaxPool2D(size: 2, stride: 2)]
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

/// <summary>The seed document's network: CONV-RELU-POOL, a 1x1 convolution, a strided 4x4 convolution, average pooling.</summary>
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

/// <summary>Every activation, strided and padded convolutions, padded pools, a non-square input ("activations" fixture).</summary>
[Network(2, 11, 7)]
[Conv2D(4, 3, stride: 2, padding: 1)]
[LeakyReLU(0.1f)]
[Conv2D(5, 2)]
[Sigmoid]
[AvgPool2D(3, stride: 1, padding: 1)]
[Conv2D(3, 3, stride: 1, padding: 1)]
[Tanh]
[MaxPool2D(3, stride: 2, padding: 1)]
[Flatten]
[Dense(7)]
[Tanh]
[Dense(3)]
public partial class ActivationsNet;

/// <summary>Strides 2 and 3 with and without padding, a stride-1 pool, Dense straight after pooling ("strides" fixture).</summary>
[Network(3, 11, 17)]
[Conv2D(4, 3, stride: 2)]
[ReLU]
[Conv2D(6, 3, stride: 3, padding: 2)]
[MaxPool2D(2, stride: 1)]
[Dense(5)]
public partial class StridesNet;

/// <summary>Only fully connected layers ("dense_only" fixture).</summary>
[Network(1, 1, 20)]
[Flatten]
[Dense(16)]
[Sigmoid]
[Dense(8)]
[LeakyReLU(0.2f)]
[Dense(4)]
public partial class DenseOnlyNet;

/// <summary>Max pooling on raw inputs with ties and padding ("maxpool_ties" fixture).</summary>
[Network(2, 7, 7)]
[MaxPool2D(3, stride: 2, padding: 1)]
[Flatten]
[Dense(4)]
public partial class MaxPoolTiesNet;

/// <summary>CS231n lecture 5: a 32x32x3 input, ten 5x5 filters, stride 1, padding 2: 32x32x10 and 760 parameters.</summary>
[Network(3, 32, 32)]
[Conv2D(10, 5, stride: 1, padding: 2)]
public partial class Cs231nConv;

/// <summary>
/// Shapes that exercise the other kernel paths: a 9x9 filter (81 taps, so the window rows loop), a 1x1 convolution
/// with stride 2 (im2col with one tap per channel), 7 filters (no register block divides them), a negative
/// LeakyReLU slope, a stride-3 average pool with padding.
/// </summary>
[Network(5, 13, 19)]
[Conv2D(7, 9, stride: 1, padding: 4)]
[LeakyReLU(-0.5f)]
[Conv2D(11, 1, stride: 2)]
[Tanh]
[AvgPool2D(3, stride: 3, padding: 1)]
[Conv2D(13, 2, stride: 1, padding: 1)]
[Sigmoid]
[Dense(9)]
public partial class OddShapesNet;

/// <summary>A ReLU first (its input gradient is optional), a 1x1 stride-1 convolution over 17 channels, a global max pool.</summary>
[Network(17, 6, 6)]
[ReLU]
[Conv2D(19, 1)]
[MaxPool2D(6)]
[Flatten]
[Dense(2)]
public partial class PointwiseNet;

/// <summary>ShapeRounding.Floor on a strided convolution and on both poolings ("floor_mode" fixture): PyTorch's default rounding.</summary>
[Network(2, 17, 15)]
[Conv2D(4, 4, stride: 2, padding: 1, Rounding = ShapeRounding.Floor)]
[ReLU]
[MaxPool2D(3, stride: 2, padding: 1, Rounding = ShapeRounding.Floor)]
[AvgPool2D(3, stride: 2, padding: 1, Rounding = ShapeRounding.Floor)]
[Flatten]
[Dense(3)]
public partial class FloorModeNet;

/// <summary>
/// ShapeRounding.Ceil set once on the network ("ceil_mode" fixture): PyTorch's ceil_mode=True on every pooling
/// layer, with windows hanging over the edge (max and average, with and without padding) and a last window
/// dropped because it would start in the padding. The exact convolution is unaffected.
/// </summary>
[Network(2, 17, 15, Rounding = ShapeRounding.Ceil)]
[Conv2D(4, 3, stride: 2, padding: 1)]
[ReLU]
[MaxPool2D(2, stride: 2)]
[AvgPool2D(3, stride: 2, padding: 1)]
[AvgPool2D(2, stride: 2, padding: 1)]
[Flatten]
[Dense(3)]
public partial class CeilModeNet;

/// <summary>A network-wide Floor overridden by one exact layer, and a 9x9 pooling window compiled as loops (SCNN0021).</summary>
[Network(3, 23, 22, Rounding = ShapeRounding.Floor)]
[Conv2D(4, 3, stride: 2)]
[Tanh]
[AvgPool2D(9, stride: 1, padding: 4, Rounding = ShapeRounding.Exact)]
[MaxPool2D(9, stride: 2, padding: 3, Rounding = ShapeRounding.Ceil)]
[Dense(3)]
public partial class RoundingOverridesNet;

/// <summary>Wide 1x1 and 3x3 stride-1 convolutions (at least 32 filters: outer-product weight gradients) with a Tanh between.</summary>
[Network(5, 9, 7)]
[Conv2D(33, 1)]
[Tanh]
[Conv2D(40, 3, padding: 1)]
[Flatten]
[Dense(3)]
public partial class WideFiltersNet;

/// <summary>The ConvNetJS CIFAR-10 demo network: three CONV(5x5, p2)-RELU-POOL blocks and a dense classifier.</summary>
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

/// <summary>A small VGG: 3x3 padded convolutions of 32, 32, 64, 64 and 128 filters with pooling, two dense layers.</summary>
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

/// <summary>
/// Winograd F(2x2, 3x3) convolutions over tile rows of 18 and 17 tiles (whole vectors plus an overlapping last
/// group at every width), with and without a ReLU fused into the output transform.
/// </summary>
[Network(8, 10, 36)]
[Conv2D(12, 3, padding: 1)]
[Tanh]
[Conv2D(10, 3)]
[ReLU]
[Flatten]
[Dense(3)]
public partial class WinogradWideNet;

/// <summary>Winograd convolutions over 5x5 tiles: rows narrower than a Vector256 (the transforms step down to Vector128 or scalars).</summary>
[Network(8, 10, 10)]
[Conv2D(12, 3, padding: 1)]
[ReLU]
[Conv2D(9, 3, padding: 1)]
[Flatten]
[Dense(3)]
public partial class WinogradNarrowNet;

/// <summary>A Winograd layer done in chunks of tile rows: 6 and then 5 of its 11 (the last chunk shorter than the GEMM's columns).</summary>
[Network(32, 22, 32)]
[Conv2D(32, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(3)]
public partial class WinogradChunkNet;

/// <summary>A linear network whose input gradient depends on the weights only: a Winograd convolution (input gradient by Winograd too) and a dense layer.</summary>
[Network(8, 8, 8)]
[Conv2D(8, 3, padding: 1)]
[Flatten]
[Dense(3)]
public partial class WinogradLinearNet;

/// <summary>
/// Filters in the vector lanes: 8 and 24 filters over 7x7 maps (blocks of 7 pixels, a whole output row; 49 pixels, so
/// the transposition's last group of 8 overlaps the one before it), with a ReLU fused and without one.
/// </summary>
[Network(3, 9, 9)]
[Conv2D(8, 3)]
[ReLU]
[Conv2D(24, 3, padding: 1)]
[Flatten]
[Dense(3)]
public partial class FiltersInLanesNet;

/// <summary>
/// Forward GEMMs that store straight into the output: a 20-wide map on padded rows of 24 (blocks moved back to end at
/// each row's end, where a block is at most 20 wide and its multiples fit 24), without a ReLU after it; then filters in lanes.
/// </summary>
[Network(1, 20, 20)]
[Conv2D(4, 5, padding: 2)]
[MaxPool2D(2)]
[Conv2D(8, 5, padding: 2)]
[ReLU]
[Flatten]
[Dense(3)]
public partial class DirectRowsNet;

/// <summary>
/// DS-CNN's first layer (a 10x4 kernel, strides 2x2, 'same' on 49x10), a 3x1 kernel with padding on two sides only,
/// 'same' max pooling with a stride per dimension and 'same' average pooling, which divides by the real cells.
/// </summary>
[Network(1, 49, 10)]
[Conv2D(8, 10, KernelWidth = 4, StrideHeight = 2, StrideWidth = 2, PaddingMode = PaddingMode.Same)]
[ReLU]
[Conv2D(6, 3, KernelWidth = 1, PaddingTop = 1, PaddingBottom = 1, PaddingLeft = 0, PaddingRight = 0)]
[Tanh]
[MaxPool2D(3, StrideHeight = 2, StrideWidth = 1, PaddingMode = PaddingMode.Same)]
[AvgPool2D(2, PaddingMode = PaddingMode.Same)]
[Dense(4)]
public partial class RectangularNet;

/// <summary>Dilated convolutions: stride 1 (dilated taps in the implicit GEMM) and strided (im2col), rounded down.</summary>
[Network(3, 12, 12)]
[Conv2D(6, 3, padding: 2, Dilation = 2)]
[ReLU]
[Conv2D(4, 3, stride: 2, DilationHeight = 2, Rounding = ShapeRounding.Floor)]
[Dense(3)]
public partial class DilatedNet;

/// <summary>Grouped convolutions (implicit, strided, 1x1), no bias, and depthwise ones with a multiplier, stride 1 and 2.</summary>
[Network(4, 10, 10)]
[Conv2D(8, 3, padding: 1, Groups = 2)]
[ReLU]
[Conv2D(8, 4, stride: 2, padding: 1, Groups = 4, Bias = false)]
[Conv2D(6, 1, Groups = 2)]
[DepthwiseConv2D(3, padding: 1, DepthMultiplier = 2)]
[Sigmoid]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)]
[Dense(3)]
public partial class GroupedNet;

/// <summary>
/// The special kernels with the new geometry: Winograd with asymmetric padding and without bias, outer-product weight
/// gradients over dilated taps, filters in lanes and shifted rows over asymmetric padding.
/// </summary>
[Network(8, 10, 10)]
[Conv2D(8, 3, PaddingTop = 1, PaddingBottom = 1, PaddingLeft = 0, PaddingRight = 2)]
[ReLU]
[Conv2D(8, 3, padding: 1, Bias = false)]
[Conv2D(32, 3, padding: 2, Dilation = 2, Bias = false)]
[Tanh]
[Conv2D(8, 3, PaddingTop = 0, PaddingBottom = 1, PaddingLeft = 1, PaddingRight = 0)]
[Conv2D(5, 5, PaddingTop = 2, PaddingBottom = 2, PaddingLeft = 1, PaddingRight = 3)]
[Dense(3)]
public partial class SpecialGeometryNet;

/// <summary>The modern activations and global average pooling (Softmax is SpatialSoftmaxNet's: at the end of this one its compressed gradients sink below the finite differences' float32 noise).</summary>
[Network(3, 9, 9)]
[Conv2D(6, 3, padding: 1)]
[ReLU6]
[Conv2D(8, 3, padding: 1)]
[HardSwish]
[Conv2D(8, 1)]
[HardSigmoid]
[Conv2D(8, 3)]
[SiLU]
[GlobalAvgPool2D]
[Dense(6)]
[GELU]
[Dense(5)]
[GELU(ApproximateTanh = true)]
[Dense(4)]
public partial class ModernActivationsNet;

/// <summary>Global max pooling, and a Softmax over the channels of every pixel.</summary>
[Network(3, 7, 5)]
[Conv2D(4, 3)]
[GlobalMaxPool2D]
[Conv2D(5, 1)]
[Softmax]
public partial class SpatialSoftmaxNet;

/// <summary>MobileNet's pattern: a strided 'same' stem without bias, depthwise-separable blocks, BatchNorm and ReLU after every convolution.</summary>
[Network(3, 32, 32)]
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
[GlobalAvgPool2D]
[Dense(10)]
public partial class MobileNetish;

/// <summary>
/// Every variant of the depthwise kernel (rows of at least 16 outputs, or a width stride of 2): dilated taps with its
/// fused ReLU; a 5x5 window (taps read from memory) with a depth multiplier of 2, no bias, and a BatchNorm folded in at
/// inference followed by a ReLU; stride 2 'same' in both dimensions with a folded BatchNorm and no ReLU (10 outputs a
/// row: whole vectors, one overlapping, or scalars, by width); a 7x7 window (one row at a time) with stride 1x2 and rows
/// of 5 outputs (floor rounding); then the flat kernel (rows narrower than 16, output the input's size) with dilated taps
/// and asymmetric padding. 18 output rows: blocks of 4 and a remainder of 2.
/// </summary>
[Network(4, 18, 20)]
[DepthwiseConv2D(3, padding: 2, Dilation = 2)]
[ReLU]
[DepthwiseConv2D(5, padding: 2, DepthMultiplier = 2, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[Tanh]
[DepthwiseConv2D(7, padding: 3, StrideWidth = 2, Rounding = ShapeRounding.Floor)]
[DepthwiseConv2D(3, Dilation = 2, PaddingTop = 2, PaddingBottom = 2, PaddingLeft = 1, PaddingRight = 3)]
[Dense(3)]
public partial class DepthwiseKernelNet;

/// <summary>DS-CNN's pattern on an MFCC-shaped input: a 10x4 stride-2 'same' stem, BatchNorm, Dropout, a depthwise-separable block, a floor-rounded average pool.</summary>
[Network(1, 49, 10)]
[Conv2D(16, 10, KernelWidth = 4, StrideHeight = 2, StrideWidth = 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[ReLU]
[Dropout(0.2f)]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[ReLU]
[Conv2D(16, 1)]
[BatchNorm]
[ReLU]
[Dropout(0.4f)]
[AvgPool2D(24, KernelWidth = 5, Rounding = ShapeRounding.Floor)]
[Dense(12)]
public partial class DsCnnish;

/// <summary>BatchNorm1d after Dense layers, one with Keras's epsilon and momentum.</summary>
[Network(1, 1, 20)]
[Flatten]
[Dense(16)]
[BatchNorm]
[ReLU]
[Dense(8)]
[BatchNorm(Epsilon = 1e-3f, Momentum = 0.01f)]
[ReLU]
[Dense(4)]
public partial class DenseBatchNorm;

/// <summary>
/// Every way the inference plan treats a BatchNorm: on the input and after pooling it stays a layer; folded into a
/// convolution run as filters in lanes (with its ReLU), as Winograd (no ReLU after it), over kx-shifted rows without a
/// bias, through im2col at stride 2 (a 4x4 kernel) (ReLU6 after it, not fused), and into a dense layer; a BatchNorm after a BatchNorm; and
/// Dropout, left out, before the last layer.
/// </summary>
[Network(3, 12, 12)]
[BatchNorm]
[Conv2D(8, 3, 1, 1)]
[BatchNorm]
[ReLU]
[Conv2D(8, 3, 1, 1)]
[BatchNorm]
[Conv2D(16, 5, 1, 2, Bias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[BatchNorm]
[Conv2D(16, 4, 2, 1)]
[BatchNorm]
#pragma warning disable SCNN0028 // On purpose: the inference plan keeps a BatchNorm after a BatchNorm as a layer.
[BatchNorm(Epsilon = 1e-3f)]
#pragma warning restore SCNN0028
[ReLU6]
[Flatten]
[Dense(10)]
[BatchNorm]
[ReLU]
[Dropout(0.5f)]
[Dense(4)]
public partial class FoldingNet;

/// <summary>
/// Stride-2 convolutions whose inference pass reads the input's even and odd columns apart (no padded copy, no
/// im2col): an odd input width with padding 1 (the even columns start one cell in), a 5x5 window with padding 2
/// and no bias (floor rounding: the last input row and column reach no window), a BatchNorm folded in with and
/// without a ReLU after it.
/// </summary>
[Network(3, 21, 63)]
[Conv2D(16, 3, stride: 2, padding: 1)]
[BatchNorm]
[ReLU]
[Conv2D(8, 5, stride: 2, padding: 2, Bias = false, Rounding = ShapeRounding.Floor)]
[BatchNorm]
[GlobalAvgPool2D]
[Dense(3)]
public partial class StrideTwoNet;

/// <summary>
/// Depthwise layers on a small map, which the inference plan runs with their channels in the lanes, handing
/// pixel-major results between them and the 1x1 convolutions with their filters in the lanes: 32 channels (two
/// vectors at AVX-512's width), a 7-wide map, a 3x3 'same' and a 5x5 flat-kernel layer (sums by window row modulo 3,
/// one of them two rows), a layer without bias followed by a ReLU alone, a stride-2 layer reading a pixel-major
/// result and followed by a BatchNorm without ReLU, and a 1x1 convolution reading that.
/// </summary>
[Network(3, 10, 7)]
[Conv2D(32, 3, 1, 1)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[ReLU]
[Conv2D(32, 1)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(5, padding: 2, Bias = false)]
[ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same)]
[BatchNorm]
[Conv2D(16, 1)]
[GlobalAvgPool2D]
[Dense(3)]
public partial class ChannelsInLanesNet;

/// <summary>
/// Dense layers with the units in the lanes at inference (a network above the layer-by-layer threshold whose
/// multiply-adds are mostly Dense): 517 inputs, unit counts that fill no panel and no vector (333: 20 panels and 13
/// units; 37; 20; 5), a folded BatchNorm with the ReLU after it and without, a ReLU alone, and a leaky ReLU, which is
/// not fused (so the zeros around the pooled outputs are put back).
/// </summary>
[Network(1, 1, 517)]
[Dense(300)]
[BatchNorm]
[ReLU]
[Dense(333)]
[ReLU]
[Dense(37)]
[BatchNorm]
[Dense(20)]
[LeakyReLU(0.1f)]
[Dense(5)]
public partial class UnitsInLanesNet;

using System.Collections.Generic;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>A region of the workspace (floats) or of the index array (ints) at a constant offset.</summary>
internal sealed record BufferPlan(string Name, int Offset, int Length, string Comment);

/// <summary>How a network runs: every buffer at a constant offset and every kernel with its blocking.</summary>
internal sealed class NetworkPlan
{
    public NetworkPlan(NetworkSpec spec, NetworkShapes shapes)
    {
        Spec = spec;
        Shapes = shapes;
    }

    public NetworkSpec Spec { get; }

    public NetworkShapes Shapes { get; }

    public List<LayerPlan> Layers { get; } = new();

    public List<BufferPlan> Buffers { get; } = new();

    public List<BufferPlan> IndexBuffers { get; } = new();

    /// <summary>The copy of the input sample that the first layer reads.</summary>
    public BufferPlan Input { get; set; } = null!;

    /// <summary>Gradient with respect to the input (written only when the caller asks for it).</summary>
    public BufferPlan InputGradient { get; set; } = null!;

    public int WorkspaceLength { get; set; }

    /// <summary>Buffers of the storage's transformed-weights array (shared by every batch slot).</summary>
    public List<BufferPlan> TransformedBuffers { get; } = new();

    /// <summary>Floats in the storage's transformed-weights array (0: no layer needs one).</summary>
    public int TransformedLength { get; set; }

    public int IndexLength { get; set; }

    /// <summary>Zero floats after every buffer, so whole-vector reads past a buffer's end see zeros.</summary>
    public int Slack { get; set; }

    /// <summary>Buffers whose border must hold negative infinity (padded max-pooling inputs).</summary>
    public List<BufferPlan> NegativeInfinityFills { get; } = new();

    public LayerPlan Last => Layers[Layers.Count - 1];

    /// <summary>Some forward pass multiplies with transformed weights (Winograd's U): PrepareWeights has work.</summary>
    public bool TransformsForwardWeights => Layers.Exists(l => l is ConvPlan { ForwardReadsTransformed: true });

    /// <summary>Some backward pass multiplies with transformed weights (Winograd's U'): PrepareBackwardWeights has work.</summary>
    public bool TransformsBackwardWeights => Layers.Exists(l => l is ConvPlan { WinogradInputGradient: not null });
}

/// <summary>One layer's buffers: what it reads and writes forward, and the gradients backward.</summary>
internal abstract class LayerPlan
{
    protected LayerPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
    {
        Shape = shape;
        Input = input;
        Output = output;
        InputGradient = inputGradient;
        OutputGradient = outputGradient;
    }

    public LayerShape Shape { get; }

    public BufferPlan Input { get; }

    public BufferPlan Output { get; }

    /// <summary>dLoss/dInput, which backward writes.</summary>
    public BufferPlan InputGradient { get; }

    /// <summary>dLoss/dOutput, which backward reads.</summary>
    public BufferPlan OutputGradient { get; }

    public LayerKind Kind => Shape.Kind;

    public int Index => Shape.Index;

    /// <summary>"Layer3Conv2D": the prefix of this layer's generated methods.</summary>
    public string MethodPrefix => $"Layer{Shape.Index}{Shape.Kind}";
}

internal sealed class ConvPlan : LayerPlan
{
    public ConvPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    /// <summary>Stride 1: the padded input rows are read in place (implicit GEMM); otherwise im2col first.</summary>
    public bool Implicit { get; set; }

    public int PaddedHeight { get; set; }

    public int PaddedWidth { get; set; }

    /// <summary>The zero-padded input, or the input itself when the padding is 0.</summary>
    public BufferPlan Padded { get; set; } = null!;

    public bool CopiesIntoPadded { get; set; }

    /// <summary>Forward result before compaction, rows of <see cref="WideRowStride"/>.</summary>
    public BufferPlan Wide { get; set; } = null!;

    public int WideRowStride { get; set; }

    /// <summary>Implicit: output columns per row of the wide result (the padded width); explicit: the output width.</summary>
    public int WideWidth { get; set; }

    public BufferPlan? Columns { get; set; }

    /// <summary>The output gradient spread to the wide layout with zero margins.</summary>
    public BufferPlan WideGradient { get; set; } = null!;

    public int WideGradientRowStride { get; set; }

    public int WideGradientMargin { get; set; }

    public BufferPlan? ColumnGradient { get; set; }

    /// <summary>The input gradient over the padded grid, rows of <see cref="PaddedGradientRowStride"/>.</summary>
    public BufferPlan PaddedGradient { get; set; } = null!;

    public int PaddedGradientRowStride { get; set; }

    /// <summary>The direct forward GEMM; null where <see cref="Winograd"/> computes the forward pass.</summary>
    public TapGemm? Forward { get; set; }

    /// <summary>
    /// Stride 1 on a map whose padded rows waste many columns: the input copied once per window column kx into
    /// compact rows, S[c][kx][y][ox] = xp[c][y][ox + kx], so that the forward GEMM runs over the compact output columns
    /// (every tap reads S[c][kx] at ky*Wo). Null: the GEMM reads the padded input in place.
    /// </summary>
    public BufferPlan? ShiftedRows { get; set; }

    /// <summary>
    /// The forward pass with the filters in the vector lanes (stride 1, a map whose width no vector divides, a multiple
    /// of 8 filters): a GEMM of pixels x filters into a pixel-major result, transposed back to C,H,W. Null otherwise.
    /// </summary>
    public FiltersInLanesPlan? FiltersInLanes { get; set; }

    /// <summary>Whether the forward pass multiplies with weights kept in the transformed array (PrepareWeights).</summary>
    public bool ForwardReadsTransformed => Winograd is not null || FiltersInLanes is not null;

    /// <summary>Winograd F(2x2, 3x3) forward pass (3x3, stride 1, even output), or null.</summary>
    public WinogradPlan? Winograd { get; set; }

    public List<TapReduce> WeightGradient { get; } = new();

    /// <summary>Outer-product weight gradient (stride 1, at least 16 filters): one GEMM per tap into dWT.</summary>
    public List<TapGemm> OuterProducts { get; } = new();

    /// <summary>dY transposed to [pixel][filter], rows of <see cref="OuterProductStride"/>.</summary>
    public BufferPlan? TransposedGradient { get; set; }

    /// <summary>dW transposed to [tap][channel][filter], rows of <see cref="OuterProductStride"/>.</summary>
    public BufferPlan? TransposedWeightGradient { get; set; }

    public int OuterProductStride { get; set; }

    public TapGemm? ColumnGradientGemm { get; set; }

    /// <summary>The direct input-gradient GEMM (stride 1); null where <see cref="WinogradInputGradient"/> computes it.</summary>
    public TapGemm? InputGradientGemm { get; set; }

    /// <summary>
    /// Winograd F(2x2, 3x3) for the input gradient (padding 1, even input): the output gradient's zero-margined copy
    /// convolved with the filters rotated by 180 degrees, summed over the filters. Null: the direct GEMM.
    /// </summary>
    public WinogradPlan? WinogradInputGradient { get; set; }

    public string Kernel { get; set; } = "";

    /// <summary>The ReLU right after this convolution, computed in its epilogue (the ReLU then does nothing forward).</summary>
    public ElementwisePlan? FusedRelu { get; set; }
}

/// <summary>
/// A Winograd F(2x2, 3x3) forward pass (StaticCnn.Kernels.Winograd has the algebra). The 16 positions of the
/// transformed filters U (filters x channels) lie <see cref="UStride"/> floats apart in the storage's transformed
/// array, shared by every batch slot; those of the transformed input V (channels x tiles) and of the product M
/// (filters x tiles) lie <see cref="PositionStride"/> floats apart in the workspace. One GEMM method runs every
/// position on references moved by the position times those strides.
/// </summary>
/// <param name="U">Offset of position 0's U in the transformed array (rows of the channel count).</param>
/// <param name="WeightCache">The weights U was last computed from, in the transformed array.</param>
/// <param name="V">Offset of position 0's V in the workspace (rows of <paramref name="TileStride"/>).</param>
/// <param name="M">Offset of position 0's M in the workspace (rows of <paramref name="TileStride"/>).</param>
/// <param name="ChunkRows">Tile rows transformed, multiplied and transformed back at a time, so that V and M stay in L2.</param>
internal sealed record WinogradPlan(int TileRows, int TileColumns, int ChunkRows, int TileStride, int UStride, BufferPlan U, BufferPlan WeightCache,
    int PositionStride, int V, int M, TapGemm Gemm)
{
    public int Tiles => TileRows * TileColumns;

    public int ChunkTiles => ChunkRows * TileColumns;
}

/// <summary>
/// A convolution's forward pass with its filters in the lanes (StaticCnn.Kernels.FiltersInLanes has the layouts).
/// </summary>
/// <param name="Filters">T[tap][filter] (rows of <paramref name="Stride"/>) and then the biases, in the transformed array.</param>
/// <param name="Cache">The weights and biases T was made from, in the transformed array.</param>
/// <param name="Stride">Floats per row of T and per pixel of the result: the filters rounded up to whole blocks of every width.</param>
/// <param name="Result">R[pixel][filter], in the workspace.</param>
/// <param name="Gemm">R = T-weighted sums of the input pixels: pixels x filters, the filters' vectors loaded, the pixels broadcast.</param>
internal sealed record FiltersInLanesPlan(BufferPlan Filters, BufferPlan Cache, int Stride, BufferPlan Result, TapGemm Gemm);

internal sealed class PoolPlan : LayerPlan
{
    public PoolPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    public int PaddedHeight { get; set; }

    public int PaddedWidth { get; set; }

    /// <summary>The padded input (-inf or zero border), or the input itself when there is no padding or overhang.</summary>
    public BufferPlan Padded { get; set; } = null!;

    /// <summary>The input is copied into a padded grid: padding, or a ceil-rounded window hanging over the edge.</summary>
    public bool CopiesIntoPadded { get; set; }

    /// <summary>Ceil rounding: the last window hangs over the bottom or right edge of the padded input.</summary>
    public bool Overhangs { get; set; }

    /// <summary>Max pooling 2x2, stride 2, no padding: the vertical maxima, rows of the input width.</summary>
    public BufferPlan? RowPairs { get; set; }

    /// <summary>Average pooling with padding or overhang: the gradient over the padded grid.</summary>
    public BufferPlan? PaddedGradient { get; set; }
}

internal sealed class DensePlan : LayerPlan
{
    public DensePlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    public TapReduce Forward { get; set; } = null!;

    public int UnitBlock { get; set; }

}

internal sealed class ElementwisePlan : LayerPlan
{
    public ElementwisePlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    /// <summary>A ReLU whose forward runs in the preceding convolution's stores, in place.</summary>
    public bool FusedIntoPrevious { get; set; }
}

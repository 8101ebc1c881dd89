using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

internal sealed class ConvPlan : LayerPlan
{
    public ConvPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    public override string ForwardStatement =>
        $"{MethodPrefix}Forward<TS, TV>({(Affine is null ? Names.KernelArguments : "ref p, ref t, ref ws")}{(ForwardReadsTransformed ? ", ref t" : "")});";

    public override string BackwardComment(bool first) => $"// {Heading}: db, dW{(first ? ", and dX if asked" : ", dX")}.";

    public override string BackwardStatement(bool first) =>
        $"{MethodPrefix}Backward<TS, TV>({Names.KernelArguments}, {(first ? "wantInput" : "true")}{(WinogradInputGradient is not null ? ", ref t" : "")});";

    /// <summary>Backward always runs: it computes db and dW, and dX only when its flag says so.</summary>
    public override bool BackwardOnlyForInputGradient => false;

    public override void EmitKernels(IndentedWriter w)
    {
        w.Line();
        ConvEmitter.EmitForward(w, this);
        w.Line();
        ConvEmitter.EmitBackward(w, this);
    }

    public override bool ReadsTransformedForward => ForwardReadsTransformed;

    public override bool ReadsTransformedBackward => WinogradInputGradient is not null;

    public override void EmitPrepareWeights(IndentedWriter w, bool backward)
    {
        if ((backward ? WinogradInputGradient : Winograd) is WinogradPlan winograd)
        {
            w.Line(backward
                ? $"// {Heading}: U'[xi][c][o] = (G rot180(W[o][c]) G^T)[xi], for dX."
                : $"// {Heading}: U[xi][o][c] = (G W[o][c] G^T)[xi].");
            w.Line(ConvEmitter.WeightTransform(this, winograd, flipped: backward));
        }
        else if (!backward && FiltersInLanes is FiltersInLanesPlan lanes)
        {
            w.Line($"// {Heading}: T[tap][o] = W[o][tap], then b[o] (the filters in the vector lanes).");
            w.Line(ConvEmitter.FilterTransform(this, lanes));
        }
        else if (!backward && ChannelsInLanes is ChannelsInLanesPlan channels)
        {
            w.Line($"// {Heading}: T[tap][c] = W[c][tap], then b[c] (the channels in the vector lanes).");
            w.Line(DepthwiseChannelsInLanes.FilterTransform(this, channels));
        }
    }

    /// <summary>A ReLU right after the convolution is computed in its epilogue (the ReLU then does nothing forward).</summary>
    public override void Fuse(LayerPlan next)
    {
        if (next is ActivationPlan { Kind: LayerKind.ReLU } relu)
        {
            FusedRelu = relu;
            relu.FusedIntoPrevious = true;
        }
    }

    /// <summary>
    /// A forward GEMM over the padded input rows stores straight into the output (and the fused ReLU's) wherever its
    /// register block allows (TapGemm.Direct); the epilogue runs only where it does not.
    /// </summary>
    public override void Complete()
    {
        if (Forward is { Map: not null } mapped)
        {
            Forward = mapped with { Direct = new DirectOutput(Output.Offset, Shape.Output.H * Shape.Output.W, FusedRelu is not null, Affine) };
        }
    }

    /// <summary>Stride 1: the padded input rows are read in place (implicit GEMM); otherwise im2col first.</summary>
    public bool Implicit { get; set; }

    public int PaddedHeight { get; set; }

    public int PaddedWidth { get; set; }

    /// <summary>The zero-padded input, or the input itself when the padding is 0.</summary>
    public BufferPlan Padded { get; set; } = null!;

    public bool CopiesIntoPadded { get; set; }

    /// <summary>
    /// The forward pass runs the depthwise kernel (<see cref="ConvPlanner.UsesDepthwiseKernel"/>): no GEMM, no
    /// <see cref="Wide"/> buffer, and, strided, the backward pass gathers its own im2col columns.
    /// </summary>
    public bool DepthwiseKernel { get; set; }

    /// <summary>
    /// The depthwise kernel reads the unpadded input and masks the border (DepthwiseEmitter): the forward pass makes no
    /// padded copy, and the backward pass, whose GEMMs read one, makes it first.
    /// </summary>
    public bool DepthwiseReadsInput { get; set; }

    /// <summary>
    /// The depthwise kernel over the flattened plane (stride 1, output the size of the input, rows narrower than
    /// 16): out[j] = b + sum over taps of W[t] * x[j + offset(t)], each load masked by the tap's row of this table
    /// (taps x H*W floats, all bits set where the tap's cell is inside the input), which Prepare writes. Null otherwise.
    /// </summary>
    public BufferPlan? FlatMasks { get; set; }

    /// <summary>
    /// Forward result before compaction (the forward GEMM's C): rows of <see cref="WideRowStride"/>, except on the
    /// deinterleaved path, whose rows are its GEMM's own (<see cref="TapGemm.CRowStride"/>; the epilogue reads those).
    /// </summary>
    public BufferPlan Wide { get; set; } = null!;

    /// <summary>Row stride of <see cref="Wide"/> and, strided, of the im2col columns the backward pass gathers.</summary>
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

    /// <summary>
    /// A stride-2 forward pass at inference over the input's even and odd columns split apart
    /// (<see cref="ConvPlanner.UsesDeinterleaved"/>): no padded copy and no im2col. Null otherwise.
    /// </summary>
    public DeinterleavedPlan? Deinterleaved { get; set; }

    /// <summary>
    /// A depthwise layer's inference forward pass with its channels in the vector lanes
    /// (<see cref="ConvPlanner.UsesChannelsInLanes"/>): small maps, where rows of outputs are narrower than a vector or
    /// two. Null otherwise.
    /// </summary>
    public ChannelsInLanesPlan? ChannelsInLanes { get; set; }

    /// <summary>
    /// At inference, the forward pass leaves its result pixel-major (<see cref="ChannelsInLanesPlan.Result"/> or
    /// <see cref="FiltersInLanesPlan.Result"/>, through the folded BatchNorm and the ReLU) and writes no C,H,W output:
    /// its one reader reads that result (<see cref="PixelMajorInput"/>; <see cref="ConvPlanner.LinkPixelMajor"/>).
    /// </summary>
    public bool PixelMajorOutput { get; set; }

    /// <summary>
    /// At inference, the input is the layer before's pixel-major result instead of its C,H,W output (null: the C,H,W
    /// input): no transpose in between.
    /// </summary>
    public PixelMajorSource? PixelMajorInput { get; set; }

    /// <summary>Whether the forward pass multiplies with weights kept in the transformed array (PrepareWeights).</summary>
    public bool ForwardReadsTransformed => Winograd is not null || FiltersInLanes is not null || ChannelsInLanes is not null;

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
    public ActivationPlan? FusedRelu { get; set; }
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

/// <summary>
/// The input of a stride-2 convolution with its even and odd columns apart, D[c][y][parity][i] = xp[c][y][2i + parity]
/// over the padded rows y (zero where xp is padding): every row holds the two halves, <see cref="Half"/> floats each,
/// so tap (ky, kx) of output (oy, ox) reads D[c][2oy + ky][kx % 2][ox + kx / 2], a contiguous run along ox.
/// </summary>
/// <param name="Buffer">D: the input channels' planes, <see cref="Plane"/> floats apart.</param>
/// <param name="Half">Floats of one parity's row (at least the output width plus the window's reach, a multiple of 8).</param>
internal sealed record DeinterleavedPlan(BufferPlan Buffer, int Half)
{
    /// <summary>Floats from one padded row to the next: both halves.</summary>
    public int RowPitch => 2 * Half;
}

/// <summary>
/// A depthwise convolution's inference forward pass with its channels in the vector lanes (DepthwiseChannelsInLanes):
/// the input transposed to pixel-major rows, each output pixel a vector of channels summed over its window's taps
/// with the taps' weights as vectors of channels, the result transposed back to C,H,W through the folded BatchNorm and
/// the ReLU.
/// </summary>
/// <param name="Filters">T[tap][c] (rows of the channel count), then the biases (zero without), in the transformed array.</param>
/// <param name="Cache">The weights (and biases) T was made from, in the transformed array.</param>
/// <param name="Input">X transposed, pixel-major: input pixels x channels, in the workspace.</param>
/// <param name="Result">The output pixel-major (output pixels x channels), before its transpose, in the workspace.</param>
/// <param name="Chains">
/// The sums each output keeps, as the training plan's kernel for the layer does, so that the floats are the same: 1
/// (every tap in window order after the bias) or, as the flat kernel does, one per window row modulo 3, added at the end.
/// </param>
internal sealed record ChannelsInLanesPlan(BufferPlan Filters, BufferPlan Cache, BufferPlan Input, BufferPlan Result, int Chains);

/// <summary>A pixel-major tensor another layer left: pixel p's channels start at <paramref name="Offset"/> + p * <paramref name="Stride"/>.</summary>
/// <param name="Layer">The layer that wrote it.</param>
internal sealed record PixelMajorSource(int Offset, int Stride, int Layer);

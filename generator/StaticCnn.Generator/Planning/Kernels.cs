using System.Collections.Generic;

namespace StaticCnn.Generator.Planning;

/// <summary>
/// One level of a loop nest inside a kernel: it runs <see cref="Count"/> times and moves each pointer by its
/// step per iteration (the name is the loop variable in the generated code).
/// </summary>
internal sealed record TapLoop(string Variable, int Count, int AStep, int BStep, int CStep);

/// <summary>
/// One unrolled tap: a fixed offset into the A operand (per block row add the row stride) and into the B
/// operand, and, for reductions, into the C result.
/// </summary>
internal sealed record Tap(int A, int B, int C, string Comment);

/// <summary>Which array a kernel operand lives in: the parameters, the gradients or the workspace.</summary>
internal enum Operand
{
    Parameters,
    Gradients,
    Workspace,
}

/// <summary>
/// A "tap GEMM": for every row r and column j,
/// <c>C[r][j] = init(r) + sum over the loop nest and taps of A[r, tap] * B[tap][j]</c>, vectorised along j with
/// a register block of rows x column vectors held in registers (<see cref="Narrow"/> for 16-register targets,
/// <see cref="Wide"/> for AVX-512).
/// A is read as broadcast scalars, B as vectors, C is stored as vectors; columns run in whole blocks past
/// <see cref="Columns"/> into room the plan reserves, so there is no scalar tail.
/// Convolution forward, input gradient and column gradient are all of this form.
/// </summary>
/// <param name="B">Which array B lives in (the workspace, except for filters in lanes: the transformed filters, passed as the gradients argument).</param>
/// <param name="ColumnBiasOffset">
/// Null: each row starts from <see cref="BiasOffset"/>[r] (or zero). Otherwise every accumulator starts from the vector
/// of B at this offset plus its column: a bias per column (filters in lanes).
/// </param>
/// <param name="RowMap">
/// Null: row r reads A at r * <see cref="ARowStride"/>. Otherwise the rows are the pixels of an output map, row
/// r = oy * Width + ox reading A at oy * PaddedWidth + ox (plus ARowStride per row inside a block, which never
/// crosses an output row).
/// </param>
/// <param name="Mid">
/// Null, or the block for 8-lane vectors with 32 registers (Vector256 on AVX-512 hardware, NEON): chosen when
/// <c>TS.Registers</c> is 32 and the vectors are not 16 wide.
/// </param>
/// <param name="GroupRows">
/// 0, or the rows of each group of a grouped convolution: blocks never cross a group, and group g = row / GroupRows
/// reads A <paramref name="AGroupStep"/> and B <paramref name="BGroupStep"/> floats further on (beyond the row's own
/// A offset), so one method runs every group.
/// </param>
/// <param name="Direct">
/// Only with a <see cref="Map"/> (the forward pass): where the block runs compact, or its vectors can cover every output
/// row exactly (the last block of a row moved back to end at the row's end, overlapping the one before it), the
/// GEMM stores straight into the C,H,W output (and its ReLU) instead of into C, which then needs no epilogue.
/// </param>
internal sealed record TapGemm(
    string Name,
    int Rows,
    RegisterBlock Narrow,
    RegisterBlock Wide,
    int Columns,
    Operand A,
    int AOffset,
    int ARowStride,
    int BOffset,
    IReadOnlyList<TapLoop> Loops,
    IReadOnlyList<Tap> Taps,
    int COffset,
    int CRowStride,
    int? BiasOffset,
    ColumnMap? Map = null,
    Operand B = Operand.Workspace,
    int? ColumnBiasOffset = null,
    ColumnMap? RowMap = null,
    DirectOutput? Direct = null,
    RegisterBlock? Mid = null,
    int GroupRows = 0,
    int AGroupStep = 0,
    int BGroupStep = 0)
{
    /// <summary>Rows the row blocks are laid over: a group's, or all of them.</summary>
    public int BlockedRows => GroupRows > 0 ? GroupRows : Rows;
}

/// <summary>
/// The C,H,W output a forward GEMM may store into directly, planes of <paramref name="Plane"/> floats; with
/// <paramref name="Relu"/>, the ReLU of the sums (a fused ReLU runs in place: the output is its output too).
/// </summary>
/// <remarks>
/// With <paramref name="Affine"/> (a BatchNorm folded into the layer at inference), each sum is scaled and shifted by its
/// filter's row of the transformed array (passed as the gradients argument) before the ReLU.
/// </remarks>
internal sealed record DirectOutput(int Output, int Plane, bool Relu, AffineEpilogue? Affine = null);

/// <summary>
/// How an implicit convolution's columns map onto its padded input: output pixel (oy, ox) reads from
/// <c>oy * PaddedWidth + ox</c>. A register block whose vectors all fall on whole output rows (its width divides
/// <see cref="Width"/>, or is whole rows of it that divide <see cref="Height"/>) runs over the compact columns
/// <c>j = oy * Width + ox</c> and computes no wrapped column; any other block runs over the padded rows
/// <c>j = oy * PaddedWidth + ox</c>. Which one is a JIT-time constant of the vector width.
/// </summary>
/// <param name="Origin">
/// Where column 0 sits in the padded grid: 0 for the forward pass; for the input gradient, which is computed over
/// the padded grid but needed only in its middle, the offset of the first input cell (P*Wp + P).
/// </param>
internal readonly record struct ColumnMap(int Height, int Width, int PaddedWidth, int Origin = 0)
{
    /// <summary>
    /// Whether a block of <paramref name="vectors"/> vectors of <paramref name="lanes"/> floats runs compact: every
    /// vector inside one output row, and the block either inside one row or whole rows that tile the output.
    /// </summary>
    public bool Compact(int vectors, int lanes)
    {
        int floats = vectors * lanes;
        return Width % lanes == 0 && (Width % floats == 0 || (floats % Width == 0 && Height % (floats / Width) == 0));
    }

    /// <summary>
    /// C# over <c>TS.Count</c> (a JIT-time constant): whether a block of <paramref name="vectors"/> vectors stores
    /// straight into the output, because it runs compact or because blocks of it cover each output row (the last one
    /// overlapping the one before it), computing no more columns than the padded rows would.
    /// </summary>
    public string DirectTest(int vectors) => $"({CompactTest(vectors)} || {OverlapTest(vectors)})";

    /// <summary>
    /// Whether blocks of <paramref name="vectors"/> vectors of <paramref name="lanes"/> floats cover each output row, the
    /// last one ending at the row's end: the row is at least one block wide and its blocks span no more than the padded row.
    /// </summary>
    public bool Overlaps(int vectors, int lanes)
    {
        int floats = vectors * lanes;
        return Width >= floats && (Width + floats - 1) / floats * floats <= PaddedWidth;
    }

    /// <summary>The same test as C# over <c>TS.Count</c> (<see cref="Overlaps"/>), which the JIT folds to a constant.</summary>
    public string OverlapTest(int vectors)
    {
        string floats = vectors == 1 ? "TS.Count" : $"({vectors} * TS.Count)";
        return $"({Width} >= {floats} && ({Width} + {floats} - 1) / {floats} * {floats} <= {PaddedWidth})";
    }

    /// <summary>The same test as C# over <c>TS.Count</c>, which the JIT folds to a constant.</summary>
    public string CompactTest(int vectors)
    {
        string floats = vectors == 1 ? "TS.Count" : $"({vectors} * TS.Count)";
        return $"({Width} % TS.Count == 0 && ({Width} % {floats} == 0 || ({floats} % {Width} == 0 && {Height} % ({floats} / {Width}) == 0)))";
    }
}

/// <summary>
/// A "tap reduction": for every row r and tap t, <c>C[r][t] (+)= sum over j of A[r][j] * B[t][j]</c>,
/// vectorised along j with <see cref="RowBlock"/> rows x (taps of a group) accumulators, then summed across
/// lanes. Convolution weight gradients and dense forward passes are of this form.
/// </summary>
/// <param name="Groups">Taps unrolled together; each group is one pass over j.</param>
/// <param name="ExactColumns">
/// True: columns stop exactly at <see cref="Columns"/> with a scalar tail; false: the operands carry zeros past
/// the end, so whole vectors may run over.
/// </param>
/// <param name="BiasOffset">Null: add the sums into C. Otherwise store bias[r] + sums into C.</param>
/// <param name="RowMap">
/// Null: j runs over [0, Columns). Otherwise j walks the valid columns of each output row only: A holds compact
/// rows of <see cref="ColumnMap.Width"/>, B rows of <see cref="ColumnMap.PaddedWidth"/>, and the width is a whole
/// number of the widest vector, so there is no tail.
/// </param>
/// <param name="GroupRows">
/// 0, or the rows of each group of a grouped convolution: row blocks never cross a group, and group g = row / GroupRows
/// reads B <paramref name="BGroupStep"/> floats further on.
/// </param>
internal sealed record TapReduce(
    string Name,
    int Rows,
    int RowBlock,
    int Columns,
    bool ExactColumns,
    Operand A,
    int AOffset,
    int ARowStride,
    Operand B,
    int BOffset,
    IReadOnlyList<TapLoop> Loops,
    IReadOnlyList<IReadOnlyList<Tap>> Groups,
    Operand C,
    int COffset,
    int CRowStride,
    int? BiasOffset,
    ColumnMap? RowMap = null,
    int GroupRows = 0,
    int BGroupStep = 0)
{
    /// <summary>Rows the row blocks are laid over: a group's, or all of them.</summary>
    public int BlockedRows => GroupRows > 0 ? GroupRows : Rows;
}

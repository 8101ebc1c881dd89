using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>
/// How much code the generator writes per kernel: pooling windows up to <see cref="PoolUnrollTaps"/> cells are
/// unrolled completely (one line per cell); larger ones would make the generated file grow with the square of
/// the window, so they run as loops over the window instead, and the analyzer says so (SCNN0021).
/// </summary>
internal static class CodeBudget
{
    /// <summary>Largest pooling window (size * size) that is unrolled completely.</summary>
    public const int PoolUnrollTaps = 64;

    /// <summary>
    /// Most vector operations (loads, broadcasts, FMAs) one register-blocked GEMM method may unroll. Each is an
    /// inlined call; past roughly a thousand locals RyuJIT stops tracking them and keeps every accumulator on the
    /// stack (measured: an AVX-512 6x4 block over 25 unrolled taps, 850 operations, ran at 9 % of the FMA peak
    /// instead of 45 %; 7x3 over 25 taps, 775 operations, already spilled some). Below this budget no block spilled.
    /// </summary>
    public const int GemmUnrolledOperations = 600;

    /// <summary>Vector operations one tap of a block costs: an FMA per accumulator, a broadcast per row, a load per vector.</summary>
    public static int OperationsPerTap(RegisterBlock block) => (block.Rows * block.Vectors) + block.Rows + block.Vectors;

    /// <summary>
    /// True when every tap of a <paramref name="taps"/>-tap window can be unrolled in one GEMM method for both
    /// register blocks; otherwise the kernel loops over window rows and unrolls one row.
    /// </summary>
    public static bool UnrollWindow(int taps, RegisterBlock narrow, RegisterBlock wide) =>
        (long)taps * System.Math.Max(OperationsPerTap(narrow), OperationsPerTap(wide)) <= GemmUnrolledOperations;

    /// <summary>True when this pooling layer's window is emitted as loops rather than unrolled.</summary>
    public static bool PoolLoops(LayerShape layer) => layer.Layer is Layers.PoolSpec && (long)layer.Window.KernelHeight * layer.Window.KernelWidth > PoolUnrollTaps;
}

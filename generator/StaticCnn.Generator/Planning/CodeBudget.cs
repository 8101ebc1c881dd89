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

    /// <summary>True when this pooling layer's window is emitted as loops rather than unrolled.</summary>
    public static bool PoolLoops(LayerShape layer) => layer.Kind.IsPooling() && (long)layer.KernelSize * layer.KernelSize > PoolUnrollTaps;
}

namespace StaticCnn.Generator.Model;

/// <summary>
/// One layer attribute as written, before any checking. Counts keep the declared values (a pooling stride of 0
/// stays 0 here; shape inference resolves it to the window size).
/// </summary>
/// <param name="Kind">Which attribute.</param>
/// <param name="Index">1-based position among the layers, as messages number them.</param>
/// <param name="Filters">Conv2D filters, otherwise 0.</param>
/// <param name="KernelSize">Conv2D kernel size or pooling window size, otherwise 0.</param>
/// <param name="Stride">Conv2D or pooling stride as declared, otherwise 0.</param>
/// <param name="Padding">Conv2D or pooling padding, otherwise 0.</param>
/// <param name="Units">Dense units, otherwise 0.</param>
/// <param name="Slope">LeakyReLU slope, otherwise 0.</param>
/// <param name="Rounding">
/// Conv2D or pooling: how the output size is rounded, after the network's default is applied (a Conv2D that
/// inherits Ceil gets Floor). May hold an undefined value as written, which shape inference reports.
/// </param>
/// <param name="RoundingSetOnLayer">The layer sets Rounding itself (rather than inheriting the network's).</param>
internal sealed record LayerSpec(
    LayerKind Kind,
    int Index,
    int Filters = 0,
    int KernelSize = 0,
    int Stride = 0,
    int Padding = 0,
    int Units = 0,
    float Slope = 0f,
    Rounding Rounding = Rounding.Exact,
    bool RoundingSetOnLayer = false);

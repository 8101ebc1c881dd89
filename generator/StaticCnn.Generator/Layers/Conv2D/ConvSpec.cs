using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Conv2D(filters, kernelSize, stride, padding)] as written.</summary>
/// <param name="Filters">Output channels K.</param>
/// <param name="KernelSize">Filter size F.</param>
/// <param name="Stride">Stride S.</param>
/// <param name="Padding">Zero padding P on every side.</param>
/// <param name="Rounding">
/// How the output size is rounded, after the network's default is applied (a Conv2D that inherits Ceil gets Floor).
/// May hold an undefined value as written, which shape inference reports.
/// </param>
/// <param name="RoundingSetOnLayer">The layer sets Rounding itself (rather than inheriting the network's).</param>
internal sealed record ConvSpec(int Filters, int KernelSize, int Stride, int Padding, Rounding Rounding = Rounding.Exact, bool RoundingSetOnLayer = false) : LayerSpec
{
    public override LayerKind Kind => LayerKind.Conv2D;
}

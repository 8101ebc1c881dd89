using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[MaxPool2D(size, stride, padding)] or [AvgPool2D(size, stride, padding)] as written.</summary>
/// <param name="PoolKind">MaxPool2D or AvgPool2D.</param>
/// <param name="Size">Window size F.</param>
/// <param name="Stride">Stride as declared: 0 means the window size.</param>
/// <param name="Padding">Padding on every side (-infinity for max pooling, zeros counted in the average).</param>
/// <param name="Rounding">How the output size is rounded, after the network's default is applied.</param>
/// <param name="RoundingSetOnLayer">The layer sets Rounding itself (rather than inheriting the network's).</param>
internal sealed record PoolSpec(LayerKind PoolKind, int Size, int Stride, int Padding, Rounding Rounding = Rounding.Exact, bool RoundingSetOnLayer = false) : LayerSpec
{
    public override LayerKind Kind => PoolKind;
}

using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[MaxPool2D(size, stride, padding, ...)] or [AvgPool2D(size, stride, padding, ...)] as written.</summary>
/// <param name="PoolKind">MaxPool2D or AvgPool2D.</param>
/// <param name="Window">Size, stride (0: the window size), padding and rounding as declared.</param>
/// <param name="CountIncludePadding">
/// Average pooling: padded cells count in the divisor (PyTorch's count_include_pad). Defaults to true, to false under
/// 'same' padding (TensorFlow's rule) unless set.
/// </param>
internal sealed record PoolSpec(LayerKind PoolKind, WindowSpec Window, bool CountIncludePadding = true) : LayerSpec
{
    public override LayerKind Kind => PoolKind;

    /// <summary>A pooling layer with a square window, as the contract declares it.</summary>
    public PoolSpec(LayerKind poolKind, int size, int stride, int padding, Rounding rounding = Rounding.Exact, bool roundingSetOnLayer = false)
        : this(poolKind, WindowSpec.Square("size", size, stride, padding, rounding, roundingSetOnLayer))
    {
    }

    public Rounding Rounding => Window.Rounding;
}

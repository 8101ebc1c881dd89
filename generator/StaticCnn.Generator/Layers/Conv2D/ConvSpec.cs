using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Conv2D(filters, kernelSize, stride, padding, ...)] or [DepthwiseConv2D(kernelSize, stride, padding, ...)] as written.</summary>
/// <param name="Filters">Output channels K of a Conv2D; 0 for a depthwise convolution (its output is channels * multiplier).</param>
/// <param name="Window">Kernel, stride, padding, dilation and rounding as declared.</param>
/// <param name="Groups">Conv2D's channel groups (1 for a depthwise convolution, whose groups are its input channels).</param>
/// <param name="Bias">The layer has a bias per output channel.</param>
/// <param name="Depthwise">A [DepthwiseConv2D]: one group per input channel.</param>
/// <param name="Multiplier">A depthwise convolution's filters per input channel.</param>
internal sealed record ConvSpec(int Filters, WindowSpec Window, int Groups = 1, bool Bias = true, bool Depthwise = false, int Multiplier = 1) : LayerSpec
{
    public override LayerKind Kind => Depthwise ? LayerKind.DepthwiseConv2D : LayerKind.Conv2D;

    /// <summary>A plain Conv2D with a square window, as the contract declares it.</summary>
    public ConvSpec(int filters, int kernelSize, int stride, int padding, Rounding rounding = Rounding.Exact, bool roundingSetOnLayer = false)
        : this(filters, WindowSpec.Square("kernelSize", kernelSize, stride, padding, rounding, roundingSetOnLayer))
    {
    }

    public Rounding Rounding => Window.Rounding;
}

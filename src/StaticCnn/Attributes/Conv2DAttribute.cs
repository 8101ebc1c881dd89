using System;

namespace StaticCnn;

/// <summary>
/// A 2-D convolution with a <c>kernelSize</c> x <c>kernelSize</c> filter (or a rectangular one: <see cref="KernelHeight"/>,
/// <see cref="KernelWidth"/>) that spans the whole input depth (or its group's channels: <see cref="Groups"/>), zero
/// padding (explicit, per side, or TensorFlow's 'same': <see cref="PaddingMode"/>), optional dilation, and a bias per
/// filter unless <see cref="Bias"/> is false. Output size per spatial dimension:
/// <c>(N + Pbefore + Pafter - ((F - 1) * D + 1)) / S + 1</c>, which must be a whole number of at least 1.
/// Parameters: <c>(F*F*C + 1) * K</c> for a square kernel over all channels, laid out as PyTorch's
/// <c>weight[filters, inChannels / groups, kh, kw]</c> followed by <c>bias[filters]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>Declares a convolution layer.</summary>
    /// <param name="filters">Number of filters K, which is the output depth.</param>
    /// <param name="kernelSize">Filter width and height F.</param>
    /// <param name="stride">Step S between filter positions.</param>
    /// <param name="padding">Zeros P added on every side of the input.</param>
    public Conv2DAttribute(int filters, int kernelSize, int stride = 1, int padding = 0)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Number of filters K (output channels).</summary>
    public int Filters { get; }

    /// <summary>Filter size F.</summary>
    public int KernelSize { get; }

    /// <summary>Stride S.</summary>
    public int Stride { get; }

    /// <summary>Zero padding P on each side.</summary>
    public int Padding { get; }

    /// <summary>
    /// How the output size is rounded when the stride does not divide <c>N + 2P - F</c>; when not set, the
    /// network's <see cref="NetworkAttribute.Rounding"/> (by default <see cref="ShapeRounding.Exact"/>).
    /// <see cref="ShapeRounding.Ceil"/> is not allowed here (PyTorch's Conv2d has no ceil mode).
    /// </summary>
    public ShapeRounding Rounding { get; set; }

    /// <summary>
    /// The window's height when it differs from its width: 0 (the default) means the square size. A 10x4 kernel is
    /// <c>kernelSize: 10, KernelWidth = 4</c> (or <c>KernelHeight = 10, KernelWidth = 4</c>).
    /// </summary>
    public int KernelHeight { get; set; }

    /// <summary>The window's width when it differs from its height: 0 (the default) means the square size.</summary>
    public int KernelWidth { get; set; }

    /// <summary>The vertical stride when it differs from the horizontal one: 0 (the default) means <c>stride</c>.</summary>
    public int StrideHeight { get; set; }

    /// <summary>The horizontal stride when it differs from the vertical one: 0 (the default) means <c>stride</c>.</summary>
    public int StrideWidth { get; set; }

    /// <summary>
    /// How the input is padded: <see cref="PaddingMode.Explicit"/> (the default: <c>padding</c> on every side, or the
    /// sides set one by one), <see cref="PaddingMode.Valid"/> (none) or <see cref="PaddingMode.Same"/> (TensorFlow's
    /// 'same': the output is ceil(N / S), the extra cell of an odd total padding at the bottom and right).
    /// </summary>
    public PaddingMode PaddingMode { get; set; }

    /// <summary>Rows added above the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingTop { get; set; }

    /// <summary>Rows added below the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingBottom { get; set; }

    /// <summary>Columns added left of the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingLeft { get; set; }

    /// <summary>Columns added right of the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingRight { get; set; }

    /// <summary>
    /// Spacing between the kernel's taps in both dimensions (PyTorch's <c>dilation</c>, default 1): a 3x3 kernel with
    /// dilation 2 spans 5x5 input cells.
    /// </summary>
    public int Dilation { get; set; } = 1;

    /// <summary>The vertical dilation when it differs from the horizontal one: 0 (the default) means <see cref="Dilation"/>.</summary>
    public int DilationHeight { get; set; }

    /// <summary>The horizontal dilation when it differs from the vertical one: 0 (the default) means <see cref="Dilation"/>.</summary>
    public int DilationWidth { get; set; }

    /// <summary>Whether the layer adds a bias per output channel (default true); false is PyTorch's <c>bias=False</c>, the usual choice before a BatchNorm.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// Channel groups (PyTorch's <c>groups</c>, default 1): the input channels and the filters are split into this many
    /// groups, and each filter sees only its group's <c>inChannels / Groups</c> channels; both counts must be divisible
    /// by it. The weight is <c>[filters, inChannels / Groups, kh, kw]</c>. <see cref="DepthwiseConv2DAttribute"/> is
    /// the case Groups = channels.
    /// </summary>
    public int Groups { get; set; } = 1;
}

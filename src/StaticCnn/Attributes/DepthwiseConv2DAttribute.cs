using System;

namespace StaticCnn;

/// <summary>
/// A depthwise convolution: every input channel is convolved with its own <c>kernelSize</c> x <c>kernelSize</c>
/// filters (<see cref="DepthMultiplier"/> of them, default 1), so the output has <c>channels * DepthMultiplier</c>
/// channels — PyTorch's <c>nn.Conv2d(C, C * m, k, groups=C)</c>, Keras's <c>DepthwiseConv2D</c>. The same geometry
/// as <see cref="Conv2DAttribute"/> (rectangular kernels, per-dimension strides, explicit or 'same' padding,
/// dilation). Parameters: <c>(F*F + 1) * C * m</c>, PyTorch's <c>weight[C * m, 1, kh, kw]</c> then <c>bias[C * m]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DepthwiseConv2DAttribute : Attribute
{
    /// <summary>Declares a depthwise convolution layer.</summary>
    /// <param name="kernelSize">Filter width and height F.</param>
    /// <param name="stride">Step S between filter positions.</param>
    /// <param name="padding">Zeros P added on every side of the input.</param>
    public DepthwiseConv2DAttribute(int kernelSize, int stride = 1, int padding = 0)
    {
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Filter size F.</summary>
    public int KernelSize { get; }

    /// <summary>Stride S.</summary>
    public int Stride { get; }

    /// <summary>Zero padding P on each side.</summary>
    public int Padding { get; }

    /// <summary>Filters per input channel (Keras's <c>depth_multiplier</c>, default 1).</summary>
    public int DepthMultiplier { get; set; } = 1;

    /// <summary>
    /// How the output size is rounded when the stride does not divide the padded input; when not set, the network's
    /// <see cref="NetworkAttribute.Rounding"/>. <see cref="ShapeRounding.Ceil"/> is not allowed (no ceil mode).
    /// </summary>
    public ShapeRounding Rounding { get; set; }

    /// <summary>
    /// The window's height when it differs from its width: 0 (the default) means <c>kernelSize</c>.
    /// </summary>
    public int KernelHeight { get; set; }

    /// <summary>The window's width when it differs from its height: 0 (the default) means <c>kernelSize</c>.</summary>
    public int KernelWidth { get; set; }

    /// <summary>The vertical stride when it differs from the horizontal one: 0 (the default) means <c>stride</c>.</summary>
    public int StrideHeight { get; set; }

    /// <summary>The horizontal stride when it differs from the vertical one: 0 (the default) means <c>stride</c>.</summary>
    public int StrideWidth { get; set; }

    /// <summary>How the input is padded (<see cref="StaticCnn.PaddingMode"/>); the default is <c>padding</c> on every side.</summary>
    public PaddingMode PaddingMode { get; set; }

    /// <summary>Rows added above the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingTop { get; set; }

    /// <summary>Rows added below the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingBottom { get; set; }

    /// <summary>Columns added left of the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingLeft { get; set; }

    /// <summary>Columns added right of the input, when set; otherwise <c>padding</c>.</summary>
    public int PaddingRight { get; set; }

    /// <summary>Spacing between the kernel's taps in both dimensions (default 1).</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>The vertical dilation when it differs: 0 (the default) means <see cref="Dilation"/>.</summary>
    public int DilationHeight { get; set; }

    /// <summary>The horizontal dilation when it differs: 0 (the default) means <see cref="Dilation"/>.</summary>
    public int DilationWidth { get; set; }

    /// <summary>Whether the layer adds a bias per output channel (default true).</summary>
    public bool Bias { get; set; } = true;
}

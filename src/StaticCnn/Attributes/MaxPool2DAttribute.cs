using System;

namespace StaticCnn;

/// <summary>
/// Max pooling over <c>size</c> x <c>size</c> windows of every channel. Padded cells never win (PyTorch's
/// <c>-inf</c> padding); the padding is at most half the window.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : Attribute
{
    /// <summary>Declares a max-pooling layer.</summary>
    /// <param name="size">Window width and height.</param>
    /// <param name="stride">Step between windows; 0 means the window size.</param>
    /// <param name="padding">Cells added on every side; at most <c>size / 2</c>.</param>
    public MaxPool2DAttribute(int size, int stride = 0, int padding = 0)
    {
        Size = size;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Window size.</summary>
    public int Size { get; }

    /// <summary>Stride as declared (0 means equal to <see cref="Size"/>).</summary>
    public int Stride { get; }

    /// <summary>Padding on each side.</summary>
    public int Padding { get; }

    /// <summary>
    /// How the output size is rounded when the stride does not divide <c>N + 2P - F</c>; when not set, the
    /// network's <see cref="NetworkAttribute.Rounding"/> (by default <see cref="ShapeRounding.Exact"/>).
    /// <see cref="ShapeRounding.Ceil"/> is PyTorch's <c>ceil_mode=True</c>.
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
}

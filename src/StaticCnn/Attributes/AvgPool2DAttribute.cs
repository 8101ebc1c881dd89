using System;

namespace StaticCnn;

/// <summary>
/// Average pooling over <c>size</c> x <c>size</c> windows of every channel. Padded cells count as zeros in the
/// average, which always divides by <c>size * size</c> (PyTorch's <c>count_include_pad=True</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : Attribute
{
    /// <summary>Declares an average-pooling layer.</summary>
    /// <param name="size">Window width and height.</param>
    /// <param name="stride">Step between windows; 0 means the window size.</param>
    /// <param name="padding">Zeros added on every side; at most <c>size / 2</c>.</param>
    public AvgPool2DAttribute(int size, int stride = 0, int padding = 0)
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
    /// <see cref="ShapeRounding.Ceil"/> is PyTorch's <c>ceil_mode=True</c>; the divisor then counts the cells of each window inside the padded input.
    /// </summary>
    public ShapeRounding Rounding { get; set; }
}

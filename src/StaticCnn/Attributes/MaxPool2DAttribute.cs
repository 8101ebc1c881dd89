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
}

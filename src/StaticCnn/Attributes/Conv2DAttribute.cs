using System;

namespace StaticCnn;

/// <summary>
/// A 2-D convolution with a square <c>kernelSize</c> x <c>kernelSize</c> filter that spans the whole input depth,
/// zero padding and a bias per filter. Output size per spatial dimension: <c>(N + 2P - F) / S + 1</c>, which must
/// be a whole number of at least 1. Parameters: <c>(F*F*C + 1) * K</c>, laid out as PyTorch's
/// <c>weight[filters, inChannels, k, k]</c> followed by <c>bias[filters]</c>.
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
}

using System;

namespace StaticCnn;

/// <summary>
/// Declares a convolutional network on a <c>partial class</c>: the input shape is given here, the layers by the
/// layer attributes that follow on the same declaration, top to bottom. The StaticCnn generator checks every
/// shape at compile time and emits the forward and backward passes as members of the class.
/// </summary>
/// <example>
/// <code>
/// [Network(channels: 1, height: 28, width: 28)]
/// [Conv2D(filters: 6, kernelSize: 5, padding: 2)]
/// [ReLU]
/// [MaxPool2D(2)]
/// [Dense(10)]
/// public partial class TinyNet;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Declares a network whose input is <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> (C,H,W order).</summary>
    public NetworkAttribute(int channels, int height, int width)
    {
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Number of input channels (C).</summary>
    public int Channels { get; }

    /// <summary>Input height in pixels (H).</summary>
    public int Height { get; }

    /// <summary>Input width in pixels (W).</summary>
    public int Width { get; }

    /// <summary>
    /// How every Conv2D and pooling layer rounds its output size when the stride does not divide
    /// <c>N + 2P - F</c>, unless the layer sets its own: <see cref="ShapeRounding.Exact"/> (the default, an
    /// inexact division is a compile-time error), <see cref="ShapeRounding.Floor"/> (PyTorch's default) or
    /// <see cref="ShapeRounding.Ceil"/> (PyTorch's pooling <c>ceil_mode=True</c>; convolutions round down).
    /// </summary>
    public ShapeRounding Rounding { get; set; }

    /// <summary>
    /// The epsilon of every <see cref="BatchNormAttribute"/> that does not set its own, in blocks too (default 1e-5,
    /// PyTorch's). A network ported from Keras sets 1e-3, Keras's <c>BatchNormalization</c> default.
    /// </summary>
    public float BatchNormEpsilon { get; set; } = 1e-5f;

    /// <summary>
    /// The momentum of every <see cref="BatchNormAttribute"/> that does not set its own, in blocks too, in PyTorch's
    /// convention (default 0.1). Keras's default <c>momentum=0.99</c> is 0.01 here.
    /// </summary>
    public float BatchNormMomentum { get; set; } = 0.1f;

    /// <summary>
    /// Optional: a safetensors file whose weights are baked into the assembly at compile time, listed in the project
    /// as <c>&lt;AdditionalFiles Include="lenet5.safetensors" /&gt;</c> and named here by its file name or a path
    /// ending in it. Tensor names and shapes are those of a PyTorch <c>nn.Sequential</c> of the same layers
    /// ("0.weight", "0.bias", ...; layer #i is module i - 1). The generator checks every tensor against the
    /// declaration (a missing file, tensor or a wrong shape is a compile error on this attribute), and the
    /// constructor then starts from these weights instead of a random initialisation.
    /// </summary>
    public string? Weights { get; set; }
}

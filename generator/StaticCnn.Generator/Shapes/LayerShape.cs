using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// The resolved window of a convolution or pooling layer: kernel, stride and padding after the defaults are applied
/// (a pooling stride of 0 becomes the window size).
/// </summary>
internal readonly record struct Window(int Kernel, int Stride, int Padding);

/// <summary>A checked layer: its spec, its shapes, its window (spatial layers) and its tensors.</summary>
/// <param name="Layer">The declaration.</param>
/// <param name="Input">The shape it reads.</param>
/// <param name="Output">The shape it writes.</param>
/// <param name="Window">Kernel, stride and padding of a convolution or pooling layer; all 0 for the others.</param>
/// <param name="Parameters">Its learnable tensors in PyTorch's order (weight, then bias), with their offsets.</param>
/// <param name="ParameterOffset">Where its parameters start (for a layer without any: where the next layer's start).</param>
internal sealed record LayerShape(
    LayerSpec Layer,
    Shape Input,
    Shape Output,
    Window Window,
    EquatableArray<ParameterSpec> Parameters,
    int ParameterOffset)
{
    public LayerKind Kind => Layer.Kind;

    public int Index => Layer.Index;

    /// <summary>The layer kind's definition: parsing, shapes, text and planning.</summary>
    public LayerDefinition Definition => LayerDefinitions.For(Layer.Kind);

    public int KernelSize => Window.Kernel;

    public int Stride => Window.Stride;

    public int Padding => Window.Padding;

    /// <summary>Floats of the weight tensor (0 without one).</summary>
    public int WeightCount => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Weight)?.Length ?? 0;

    /// <summary>Floats of the bias tensor (0 without one).</summary>
    public int BiasCount => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Bias)?.Length ?? 0;

    public int ParameterCount => Parameters.Sum(p => p.Length);

    /// <summary>Where the bias starts (right after the weight).</summary>
    public int BiasOffset => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Bias)?.Offset ?? (ParameterOffset + WeightCount);

    /// <summary>"Conv2D #1".</summary>
    public string Name => $"{Kind} #{Index}";
}

/// <summary>The result of shape inference over a whole network.</summary>
internal sealed record NetworkShapes(
    Shape Input,
    EquatableArray<LayerShape> Layers,
    EquatableArray<ShapeError> Errors,
    int ParameterCount)
{
    public bool IsValid => Errors.Count == 0;

    public Shape Output => Layers.Count == 0 ? Input : Layers[Layers.Count - 1].Output;
}

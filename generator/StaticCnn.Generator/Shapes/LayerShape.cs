using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>A checked layer: its spec, shapes, effective stride and where its parameters start.</summary>
internal sealed record LayerShape(
    LayerSpec Layer,
    Shape Input,
    Shape Output,
    int Stride,
    int WeightCount,
    int BiasCount,
    int ParameterOffset)
{
    public LayerKind Kind => Layer.Kind;

    public int Index => Layer.Index;

    public int KernelSize => Layer.KernelSize;

    public int Padding => Layer.Padding;

    public int ParameterCount => WeightCount + BiasCount;

    public int BiasOffset => ParameterOffset + WeightCount;

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

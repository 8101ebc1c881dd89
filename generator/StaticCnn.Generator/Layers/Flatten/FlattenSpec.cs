using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Flatten] as written.</summary>
internal sealed record FlattenSpec : LayerSpec
{
    public override LayerKind Kind => LayerKind.Flatten;
}

using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Dense(units)] as written.</summary>
internal sealed record DenseSpec(int Units) : LayerSpec
{
    public override LayerKind Kind => LayerKind.Dense;
}

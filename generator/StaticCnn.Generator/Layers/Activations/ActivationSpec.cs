using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[ReLU], [LeakyReLU(slope)], [Sigmoid] or [Tanh] as written.</summary>
/// <param name="ActivationKind">Which function.</param>
/// <param name="Slope">LeakyReLU's negative slope; 0 for the others.</param>
internal sealed record ActivationSpec(LayerKind ActivationKind, float Slope = 0f) : LayerSpec
{
    public override LayerKind Kind => ActivationKind;
}

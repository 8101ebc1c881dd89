using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[ReLU], [LeakyReLU(slope)], [Sigmoid], [Tanh], [ReLU6], [HardSigmoid], [HardSwish], [SiLU] or [GELU] as written.</summary>
/// <param name="ActivationKind">Which function.</param>
/// <param name="Slope">LeakyReLU's negative slope; 0 for the others.</param>
/// <param name="ApproximateTanh">GELU's tanh approximation.</param>
internal sealed record ActivationSpec(LayerKind ActivationKind, float Slope = 0f, bool ApproximateTanh = false) : LayerSpec
{
    public override LayerKind Kind => ActivationKind;
}

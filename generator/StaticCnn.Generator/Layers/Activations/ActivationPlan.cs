using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>An activation: a call into the runtime's vectorised element-wise loops with constant lengths.</summary>
internal sealed class ActivationPlan : LayerPlan
{
    public ActivationPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    /// <summary>A ReLU whose forward runs in the preceding convolution's stores, in place.</summary>
    public bool FusedIntoPrevious { get; set; }

    public override string ForwardStatement =>
        FusedIntoPrevious ? "// Computed in place as the layer above stores its outputs." : ActivationEmitter.Forward(this);

    public override bool ForwardPerSlot => !FusedIntoPrevious;

    /// <summary>Fused into the layer before, its forward reads nothing.</summary>
    public override bool ReadsOnlyInsideInput => FusedIntoPrevious;

    public override string BackwardComment(bool first) => $"// {Heading}: {ActivationEmitter.BackwardRule(Kind)}.";

    public override string BackwardStatement(bool first) => ActivationEmitter.Backward(this);
}

using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>Flatten: C x H x W data becomes a vector of C*H*W in the same order; nothing moves.</summary>
internal sealed class FlattenLayer : LayerDefinition
{
    public FlattenLayer()
        : base(LayerKind.Flatten)
    {
    }

    public override bool PassesGainThrough => true;

    public override LayerSpec Parse(LayerArguments arguments) => new FlattenSpec();

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new FlattenSpec() };

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        if (!input.Known)
        {
            return null;
        }

        input.FlattenedBy ??= LayerInput.Name(spec);
        return new LayerShape(spec, input.Shape, Shape.Vector((int)input.Shape.Length), default, EquatableArray<ParameterSpec>.Empty, (int)input.ParameterOffset);
    }

    /// <summary>Flatten reuses its input's buffer.</summary>
    public override long ActivationBytes(LayerShape layer) => 0;

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.FlattenInfo({InfoText.Head(layer, kind: false)}, {layer.ParameterOffset})";

    /// <summary>A no-op on the data: the output and its gradient are the input's buffers.</summary>
    public override LayerPlan Plan(LayerShape layer, PlanContext context) =>
        new FlattenPlan(layer, context.Input, context.Input, context.InputGradient, context.InputGradient);
}

/// <summary>Flatten's plan: no buffers, no kernels, a comment in each pass.</summary>
internal sealed class FlattenPlan : LayerPlan
{
    public FlattenPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    public override string ForwardStatement => "// Flatten: the C,H,W data is already the flat vector; nothing moves.";

    public override bool ForwardPerSlot => false;

    public override string BackwardComment(bool first) => $"// {Heading}: dX = dY.";

    public override string BackwardStatement(bool first) => "// Flatten: dX is dY, in the same buffer.";

    public override bool BackwardPerSlot => false;
}

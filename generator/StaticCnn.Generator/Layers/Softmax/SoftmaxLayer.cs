using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>[Softmax] as written.</summary>
internal sealed record SoftmaxSpec : LayerSpec
{
    public override LayerKind Kind => LayerKind.Softmax;
}

/// <summary>
/// Softmax over the channels (PyTorch's nn.Softmax(dim=1)): of the flat outputs, or at every pixel of C x H x W data.
/// The last layer only (SCNN0028): the network then outputs probabilities.
/// </summary>
internal sealed class SoftmaxLayer : LayerDefinition
{
    public SoftmaxLayer()
        : base(LayerKind.Softmax)
    {
    }

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new SoftmaxSpec() };

    public override LayerSpec Parse(LayerArguments arguments) => new SoftmaxSpec();

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        if (!input.Last)
        {
            input.Errors.Add(ShapeChecks.Error(Rule.SoftmaxNotLast, spec.Index, "",
                $"{input.Where(spec)}: Softmax must be the last layer (it turns the outputs into probabilities); a layer after it would work on probabilities instead of features. " +
                "Move [Softmax] to the end, or remove it and apply the softmax to the logits.",
                new FitSuggestion("", 0, "")));
            return null;
        }

        return input.Known ? new LayerShape(spec, input.Shape, input.Shape, default, EquatableArray<ParameterSpec>.Empty, (int)input.ParameterOffset) : null;
    }

    public override string OutputArithmetic(LayerShape layer) =>
        layer.Input.Flat ? $"probabilities of the {Format.Int(layer.Input.C)} outputs" : $"probabilities over the {Format.Int(layer.Input.C)} channels at each pixel";

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.SoftmaxInfo({layer.Index}, {InfoText.Shape(layer.Input)}, {layer.ParameterOffset})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        return new SoftmaxPlan(layer, context.Input, output, context.InputGradient, outputGradient);
    }
}

/// <summary>Softmax: vectorised across pixels (or across the channels of flat data), the maximum subtracted first.</summary>
internal sealed class SoftmaxPlan : LayerPlan
{
    public SoftmaxPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    private string Sizes => $"{Shape.Input.C}, {Shape.Input.H * Shape.Input.W}";

    public override string ForwardStatement =>
        $"global::StaticCnn.Kernels.Softmax.Forward<TS, TV>(ref TS.At(ref ws, {Input.Offset}), ref TS.At(ref ws, {Output.Offset}), {Sizes});";

    public override string BackwardComment(bool first) => $"// {Heading}: dX = Y * (dY - sum over channels of dY * Y).";

    public override string BackwardStatement(bool first) =>
        $"global::StaticCnn.Kernels.Softmax.Backward<TS, TV>(ref TS.At(ref ws, {Output.Offset}), ref TS.At(ref ws, {OutputGradient.Offset}), ref TS.At(ref ws, {InputGradient.Offset}), {Sizes});";
}

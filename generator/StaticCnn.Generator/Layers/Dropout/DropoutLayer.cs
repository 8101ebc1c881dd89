using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>[Dropout(probability)] as written.</summary>
internal sealed record DropoutSpec(float Probability) : LayerSpec
{
    public override LayerKind Kind => LayerKind.Dropout;
}

/// <summary>
/// Inverted dropout: in training mode y = x * mask, the mask 1 / (1 - p) or 0 per value from StaticCnn.Kernels.Dropout's
/// counter-based hash of (seed, step, layer, sample, element); the identity in evaluation mode. No parameters.
/// </summary>
internal sealed class DropoutLayer : LayerDefinition
{
    public DropoutLayer()
        : base(LayerKind.Dropout)
    {
    }

    public override bool PassesGainThrough => true;

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new DropoutSpec(0.5f) };

    public override LayerSpec Parse(LayerArguments arguments) => new DropoutSpec(arguments.Float("probability", 0f));

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (DropoutSpec)spec;
        if (!(layer.Probability >= 0f && layer.Probability < 1f))
        {
            input.Errors.Add(ShapeChecks.Error(Rule.DropoutProbability, layer.Index, "probability",
                $"{input.Where(layer)}: the probability {Format.Float(layer.Probability)} is outside [0, 1); dropout zeroes each value with probability p and scales the others by 1 / (1 - p). PyTorch's default is 0.5."));
            return null;
        }

        return input.Known ? new LayerShape(layer, input.Shape, input.Shape, default, EquatableArray<ParameterSpec>.Empty, (int)input.ParameterOffset) : null;
    }

    public override string Describe(LayerShape layer) => $"Dropout({Format.Float(((DropoutSpec)layer.Layer).Probability)})";

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.DropoutInfo({layer.Index}, {InfoText.Shape(layer.Input)}, {Format.FloatLiteral(((DropoutSpec)layer.Layer).Probability)}, {layer.ParameterOffset})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        BufferPlan mask = context.Workspace.Add($"M{layer.Index}", layer.Output.Length, $"[{layer.Index}] dropout mask: 0 or 1 / (1 - p) per value");
        return new DropoutPlan(layer, context.Input, output, context.InputGradient, outputGradient, mask);
    }
}

/// <summary>Dropout's statements: mask and multiply in training mode, a copy in evaluation mode.</summary>
internal sealed class DropoutPlan : LayerPlan
{
    public DropoutPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient, BufferPlan mask)
        : base(shape, input, output, inputGradient, outputGradient)
    {
        Mask = mask;
    }

    public BufferPlan Mask { get; }

    private float Probability => ((DropoutSpec)Shape.Layer).Probability;

    public override bool ModeDependent => true;

    public override string ForwardStatement => ModeForwardStatement(training: false, part: 0);

    public override string ModeForwardStatement(bool training, int part) => training
        ? $"global::StaticCnn.Kernels.Dropout.Mask(ref TS.At(ref ws, {Mask.Offset}), {Output.Length}, global::StaticCnn.Kernels.Dropout.Key(storage.TrainingSeed, storage.TrainingStep, {Index}, i), {Format.FloatLiteral(Probability)}); " +
          $"global::StaticCnn.Kernels.Dropout.Apply<TS, TV>(ref TS.At(ref ws, {Input.Offset}), ref TS.At(ref ws, {Mask.Offset}), ref TS.At(ref ws, {Output.Offset}), {Output.Length});"
        : $"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {Input.Offset}), ref TS.At(ref ws, {Output.Offset}), {Output.Length});";

    public override string BackwardComment(bool first) => $"// {Heading}: dX = dY * mask in training, dY in evaluation.";

    public override string BackwardStatement(bool first) => ModeBackwardStatement(first, training: false, part: 0);

    public override string ModeBackwardStatement(bool first, bool training, int part) => training
        ? $"global::StaticCnn.Kernels.Dropout.Apply<TS, TV>(ref TS.At(ref ws, {OutputGradient.Offset}), ref TS.At(ref ws, {Mask.Offset}), ref TS.At(ref ws, {InputGradient.Offset}), {Output.Length});"
        : $"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {OutputGradient.Offset}), ref TS.At(ref ws, {InputGradient.Offset}), {Output.Length});";
}

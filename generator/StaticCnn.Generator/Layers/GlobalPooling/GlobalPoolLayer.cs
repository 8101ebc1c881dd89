using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>[GlobalAvgPool2D] or [GlobalMaxPool2D] as written.</summary>
internal sealed record GlobalPoolSpec(LayerKind PoolKind) : LayerSpec
{
    public override LayerKind Kind => PoolKind;
}

/// <summary>
/// GlobalAvgPool2D and GlobalMaxPool2D: each channel's mean or maximum over its whole plane, C x H x W -> C x 1 x 1
/// (PyTorch's AdaptiveAvgPool2d(1) and AdaptiveMaxPool2d(1)); no parameters.
/// </summary>
internal sealed class GlobalPoolLayer : LayerDefinition
{
    public GlobalPoolLayer(LayerKind kind)
        : base(kind)
    {
    }

    public override bool PassesGainThrough => true;

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new GlobalPoolSpec(Kind) };

    public override LayerSpec Parse(LayerArguments arguments) => new GlobalPoolSpec(Kind);

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        if (!input.Known || !ShapeChecks.Spatial(spec, LayerInput.Name(spec), input.Shape, input.FlattenedBy, input.Errors))
        {
            return null;
        }

        Shape shape = input.Shape;
        return new LayerShape(spec, shape, new Shape(shape.C, 1, 1), default, EquatableArray<ParameterSpec>.Empty, (int)input.ParameterOffset);
    }

    public override string OutputArithmetic(LayerShape layer) =>
        $"{(Kind == LayerKind.GlobalAvgPool2D ? "the mean" : "the maximum")} of each channel's {layer.Input.Spatial} plane";

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.GlobalPoolingInfo({InfoText.Head(layer)}, {layer.ParameterOffset})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        return new GlobalPoolPlan(layer, context.Input, output, context.InputGradient, outputGradient);
    }
}

/// <summary>A global pooling layer: one vectorised reduction per channel forward, a spread (mean) or the winner's cell (max) backward.</summary>
internal sealed class GlobalPoolPlan : LayerPlan
{
    public GlobalPoolPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    private bool Average => Kind == LayerKind.GlobalAvgPool2D;

    private string Sizes => $"{Shape.Input.C}, {Shape.Input.H * Shape.Input.W}";

    public override string ForwardStatement => Average
        ? $"global::StaticCnn.Kernels.GlobalPooling.AverageForward<TS, TV>(ref TS.At(ref ws, {Input.Offset}), ref TS.At(ref ws, {Output.Offset}), {Sizes});"
        : $"global::StaticCnn.Kernels.GlobalPooling.MaxForward<TS, TV>(ref TS.At(ref ws, {Input.Offset}), ref TS.At(ref ws, {Output.Offset}), {Sizes});";

    public override string BackwardComment(bool first) => Average
        ? $"// {Heading}: dX[c][i] = dY[c] / {Format.Int(Shape.Input.H * Shape.Input.W)}."
        : $"// {Heading}: dX[c] is dY[c] at the first maximal cell (the last NaN), else 0.";

    public override string BackwardStatement(bool first) => Average
        ? $"global::StaticCnn.Kernels.GlobalPooling.AverageBackward<TS, TV>(ref TS.At(ref ws, {OutputGradient.Offset}), ref TS.At(ref ws, {InputGradient.Offset}), {Sizes});"
        : $"global::StaticCnn.Kernels.GlobalPooling.MaxBackward<TS, TV>(ref TS.At(ref ws, {Input.Offset}), ref TS.At(ref ws, {Output.Offset}), ref TS.At(ref ws, {OutputGradient.Offset}), ref TS.At(ref ws, {InputGradient.Offset}), {Sizes});";
}

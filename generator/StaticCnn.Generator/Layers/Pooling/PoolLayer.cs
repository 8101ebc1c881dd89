using System;
using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// MaxPool2D and AvgPool2D: a size x size window per channel with stride S (0: the window size) and padding P of at
/// most half the window; out = (N + 2P - F) / S + 1 per dimension, channels unchanged, no parameters.
/// </summary>
internal sealed class PoolLayer : LayerDefinition
{
    public PoolLayer(LayerKind kind)
        : base(kind)
    {
    }

    public override bool IsSpatial => true;

    public override bool PassesGainThrough => true;

    public override LayerSpec Parse(LayerArguments arguments)
    {
        Rounding? own = arguments.Rounding();
        return new PoolSpec(Kind, arguments.Int("size", 0), arguments.Int("stride", 0), arguments.Int("padding", 0),
            own ?? arguments.InheritedRounding, own is not null);
    }

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new PoolSpec(Kind, 2, 0, 0) };

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (PoolSpec)spec;
        List<ShapeError> errors = input.Errors;
        string name = LayerInput.Name(layer);
        string where = input.Where(layer);
        bool ok = ShapeChecks.Positive(errors, layer.Index, where, "size", "size", layer.Size);
        if (layer.Stride < 0)
        {
            errors.Add(ShapeChecks.Error(Rule.NonPositive, layer.Index, "stride", $"{where}: stride must be positive (or 0, meaning the window size), but is {Format.Int(layer.Stride)}."));
            ok = false;
        }

        ok &= ShapeChecks.NotNegative(errors, layer.Index, where, "padding", layer.Padding);
        ok &= ShapeChecks.RoundingKnown(errors, layer, layer.Rounding, where);
        if (ok && layer.Padding > layer.Size / 2)
        {
            errors.Add(ShapeChecks.Error(Rule.PoolPaddingTooLarge, layer.Index, "padding",
                $"{where}: padding {Format.Int(layer.Padding)} is more than half the {Format.Int(layer.Size)}x{Format.Int(layer.Size)} window; it can be at most {Format.Int(layer.Size / 2)}.",
                new FitSuggestion("padding", layer.Size / 2, "")));
            ok = false;
        }

        if (!ok || !input.Known || !ShapeChecks.Spatial(layer, name, input.Shape, input.FlattenedBy, errors))
        {
            return null;
        }

        Shape shape = input.Shape;
        int stride = layer.Stride == 0 ? layer.Size : layer.Stride;
        if (ShapeChecks.Window(layer, layer.Rounding, "size", name, "window", shape, layer.Size, stride, layer.Padding, layer.Size / 2, shape.C, errors) is not (long oh, long ow))
        {
            return null;
        }

        var output = new Shape(shape.C, (int)oh, (int)ow);
        return new LayerShape(layer, shape, output, new Window(layer.Size, stride, layer.Padding), EquatableArray<ParameterSpec>.Empty, (int)input.ParameterOffset);
    }

    public override void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
        Windows.StrideSkipsInput(layer, ((PoolSpec)layer.Layer).Rounding, "window", found);
        if (CodeBudget.PoolLoops(layer))
        {
            found.Add(new ShapeError(Rule.WindowLoops, layer.Index, "size",
                $"{layer.Name}: its {Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)} window has {Format.Count((long)layer.KernelSize * layer.KernelSize)} cells, more than the {Format.Int(CodeBudget.PoolUnrollTaps)} the generator unrolls; " +
                "it is compiled as loops over the window instead, which keeps the generated file small.",
                EquatableArray<FitSuggestion>.Empty));
        }
    }

    public override string Describe(LayerShape layer) => $"{Kind}({Windows.Describe(layer, ((PoolSpec)layer.Layer).Rounding)})";

    public override string OutputArithmetic(LayerShape layer) => Windows.OutputArithmetic(layer, ((PoolSpec)layer.Layer).Rounding);

    public override long PaddedLength(LayerShape layer) => NetworkPlanner.PaddedGridLength(layer);

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.PoolingInfo({InfoText.Head(layer)}, {InfoText.Window(layer)}, {layer.ParameterOffset})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        var plan = new PoolPlan(layer, context.Input, output, context.InputGradient, outputGradient);
        Workspace workspace = context.Workspace;
        int p = layer.Padding;

        // Ceil rounding: the last window may hang over the bottom and right edges, so the padded grid grows to
        // hold it ((out - 1) * S + F); the overhang is -infinity (max) or zeros outside the divisor (average).
        int hp = Math.Max(layer.Input.H + (2 * p), ((layer.Output.H - 1) * layer.Stride) + layer.KernelSize);
        int wp = Math.Max(layer.Input.W + (2 * p), ((layer.Output.W - 1) * layer.Stride) + layer.KernelSize);
        plan.PaddedHeight = hp;
        plan.PaddedWidth = wp;
        plan.Overhangs = hp > layer.Input.H + (2 * p) || wp > layer.Input.W + (2 * p);
        plan.CopiesIntoPadded = p > 0 || plan.Overhangs;
        int c = layer.Input.C;
        int n = layer.Index;
        bool max = layer.Kind == LayerKind.MaxPool2D;
        if (plan.CopiesIntoPadded)
        {
            plan.Padded = workspace.Add($"P{n}", (long)c * hp * wp, $"[{n}] input padded with {(max ? "-infinity" : "zeros")} {c}x{hp}x{wp}");
            if (max)
            {
                context.Network.NegativeInfinityFills.Add(plan.Padded);
            }
        }
        else
        {
            plan.Padded = context.Input;
        }

        if (max)
        {
            // Forward keeps no winners (backward finds them again in the kept input); 2x2 windows of stride 2 run
            // as vectors: the maxima of row pairs into a scratch buffer, then of adjacent columns.
            if (layer.KernelSize == 2 && layer.Stride == 2 && p == 0
                && layer.Input.H == 2 * layer.Output.H && layer.Input.W == 2 * layer.Output.W)
            {
                plan.RowPairs = workspace.Add($"V{n}", (long)c * layer.Output.H * layer.Input.W, $"[{n}] maxima of row pairs {c}x{layer.Output.H}x{layer.Input.W}");
            }
        }
        else if (plan.CopiesIntoPadded)
        {
            plan.PaddedGradient = workspace.Add($"PG{n}", (long)c * hp * wp, $"[{n}] input gradient over the padded {hp}x{wp} grid");
        }

        return plan;
    }
}

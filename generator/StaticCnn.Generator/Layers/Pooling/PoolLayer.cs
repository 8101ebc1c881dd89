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

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new PoolSpec(Kind, 2, 0, 0) };

    public override LayerSpec Parse(LayerArguments arguments)
    {
        Rounding? own = arguments.Rounding();
        WindowSpec window = WindowSpec.Read(arguments, "size", 0, own ?? arguments.InheritedRounding, own is not null, dilation: false);
        bool countIncludePadding = Kind == LayerKind.AvgPool2D
            ? arguments.NamedBool("CountIncludePadding") ?? window.Mode != PaddingMode.Same
            : true;
        return new PoolSpec(Kind, window, countIncludePadding);
    }

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (PoolSpec)spec;
        List<ShapeError> errors = input.Errors;
        string name = LayerInput.Name(layer);
        string where = input.Where(layer);
        if (!WindowShapes.CheckArguments(layer, layer.Window, where, pooling: true, errors)
            || !input.Known || !ShapeChecks.Spatial(layer, name, input.Shape, input.FlattenedBy, errors))
        {
            return null;
        }

        Shape shape = input.Shape;
        if (WindowShapes.Fit(layer, layer.Window, name, "window", shape, layer.Window.Kernel / 2, shape.C, pooling: true, errors) is not (Window window, long oh, long ow))
        {
            return null;
        }

        var output = new Shape(shape.C, (int)oh, (int)ow);
        return new LayerShape(layer, shape, output, window, EquatableArray<ParameterSpec>.Empty, (int)input.ParameterOffset);
    }

    public override void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
        var spec = (PoolSpec)layer.Layer;
        if (spec.Window.IsSquare)
        {
            Windows.StrideSkipsInput(layer, spec.Rounding, "window", found);
        }
        else
        {
            Windows.StrideSkipsInputPerDimension(layer, "window", found);
        }

        if (CodeBudget.PoolLoops(layer))
        {
            found.Add(new ShapeError(Rule.WindowLoops, layer.Index, "size",
                $"{layer.Name}: its {Format.Int(layer.Window.KernelHeight)}x{Format.Int(layer.Window.KernelWidth)} window has {Format.Count((long)layer.Window.KernelHeight * layer.Window.KernelWidth)} cells, more than the {Format.Int(CodeBudget.PoolUnrollTaps)} the generator unrolls; " +
                "it is compiled as loops over the window instead, which keeps the generated file small.",
                EquatableArray<FitSuggestion>.Empty));
        }
    }

    public override string Describe(LayerShape layer)
    {
        var spec = (PoolSpec)layer.Layer;
        string divisor = Kind == LayerKind.AvgPool2D && !spec.CountIncludePadding ? ", real cells" : "";
        return $"{Kind}({Windows.Describe(layer, spec.Window)}{divisor})";
    }

    public override string OutputArithmetic(LayerShape layer) => Windows.OutputArithmetic(layer, ((PoolSpec)layer.Layer).Window);

    public override long PaddedLength(LayerShape layer) => NetworkPlanner.PaddedGridLength(layer);

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.PoolingInfo({InfoText.Head(layer)}, {InfoText.Window(layer)}, {layer.ParameterOffset}{(((PoolSpec)layer.Layer).CountIncludePadding ? "" : ", countIncludePadding: false")})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        var plan = new PoolPlan(layer, context.Input, output, context.InputGradient, outputGradient);
        Workspace workspace = context.Workspace;
        Window window = layer.Window;
        bool padded = window.PadTop + window.PadBottom + window.PadLeft + window.PadRight > 0;

        // Ceil rounding: the last window may hang over the bottom and right edges, so the padded grid grows to
        // hold it ((out - 1) * S + F); the overhang is -infinity (max) or zeros outside the divisor (average).
        int hp = Math.Max(layer.Input.H + window.PadTop + window.PadBottom, ((layer.Output.H - 1) * window.StrideHeight) + window.KernelHeight);
        int wp = Math.Max(layer.Input.W + window.PadLeft + window.PadRight, ((layer.Output.W - 1) * window.StrideWidth) + window.KernelWidth);
        plan.PaddedHeight = hp;
        plan.PaddedWidth = wp;
        plan.Overhangs = hp > layer.Input.H + window.PadTop + window.PadBottom || wp > layer.Input.W + window.PadLeft + window.PadRight;
        plan.CopiesIntoPadded = padded || plan.Overhangs;
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
            if (window is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2 } && !padded
                && layer.Input.H == 2 * layer.Output.H && layer.Input.W == 2 * layer.Output.W)
            {
                plan.RowPairs = workspace.Add($"V{n}", (long)c * layer.Output.H * layer.Input.W, $"[{n}] maxima of row pairs {c}x{layer.Output.H}x{layer.Input.W}");
            }
        }
        else if (plan.CopiesIntoPadded)
        {
            plan.PaddedGradient = workspace.AddBackward($"PG{n}", (long)c * hp * wp, $"[{n}] input gradient over the padded {hp}x{wp} grid");
        }

        return plan;
    }
}

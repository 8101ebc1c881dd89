using System;
using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>[BatchNorm(features, Epsilon = ..., Momentum = ...)] as written.</summary>
/// <param name="Features">The declared channel count (0: the input's).</param>
internal sealed record BatchNormSpec(int Features, float Epsilon, float Momentum) : LayerSpec
{
    public override LayerKind Kind => LayerKind.BatchNorm;
}

/// <summary>
/// BatchNorm: PyTorch's BatchNorm2d over C x H x W data (per channel, over the batch and the plane) and BatchNorm1d over
/// flat data (per feature, over the batch). Parameters weight (1) and bias (0) per channel; buffers running_mean (0),
/// running_var (1) and num_batches_tracked (0). Training mode normalises with the batch's statistics, combined across
/// the batch between two phases of the pass; evaluation mode with the running statistics.
/// </summary>
internal sealed class BatchNormLayer : LayerDefinition
{
    public BatchNormLayer()
        : base(LayerKind.BatchNorm)
    {
    }

    public override bool PassesGainThrough => true;

    public override bool ReluRunsInPlaceAfter => true;

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new BatchNormSpec(0, 1e-5f, 0.1f) };

    public override LayerSpec Parse(LayerArguments arguments) =>
        new BatchNormSpec(arguments.Int("features", 0), arguments.NamedFloat("Epsilon") ?? arguments.Defaults.BatchNormEpsilon, arguments.NamedFloat("Momentum") ?? arguments.Defaults.BatchNormMomentum);

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (BatchNormSpec)spec;
        List<ShapeError> errors = input.Errors;
        string where = input.Where(layer);
        bool ok = true;
        if (!(layer.Epsilon > 0f) || float.IsInfinity(layer.Epsilon))
        {
            errors.Add(ShapeChecks.Error(Rule.BatchNormArgument, layer.Index, "Epsilon",
                $"{where}: Epsilon = {Format.Float(layer.Epsilon)} must be a positive finite number (PyTorch's default is 1e-05, Keras's 0.001)."));
            ok = false;
        }

        if (!(layer.Momentum >= 0f && layer.Momentum <= 1f))
        {
            errors.Add(ShapeChecks.Error(Rule.BatchNormArgument, layer.Index, "Momentum",
                $"{where}: Momentum = {Format.Float(layer.Momentum)} must be in [0, 1], the weight of a batch's statistics in the running ones (PyTorch's default 0.1; Keras's momentum 0.99 is 0.01 here)."));
            ok = false;
        }

        ok &= ShapeChecks.NotNegative(errors, layer.Index, where, "features", layer.Features);
        if (!ok || !input.Known)
        {
            return null;
        }

        Shape shape = input.Shape;
        int channels = shape.C;
        if (layer.Features != 0 && layer.Features != channels)
        {
            string what = shape.Flat ? $"the {Format.Int(channels)} features of its flat input {shape} (BatchNorm1d)" : $"the {Format.Int(channels)} channels of its input {shape} (BatchNorm2d)";
            errors.Add(ShapeChecks.Error(Rule.BatchNormFeatures, layer.Index, "features",
                $"{where}: BatchNorm({Format.Int(layer.Features)}) normalises {Format.Int(layer.Features)} {(shape.Flat ? "features" : "channels")}, but it follows {InputSource(input)} and gets {what}; use BatchNorm({Format.Int(channels)}) or leave the count out.",
                new FitSuggestion("features", channels, "")));
            return null;
        }

        if (!ShapeChecks.ParametersFit(errors, layer, LayerInput.Name(layer), 2L * channels, input.ParameterOffset, $"2 * C = 2 * {Format.Int(channels)}"))
        {
            return null;
        }

        int p = (int)input.ParameterOffset, b = input.BufferOffset;
        EquatableArray<int> perChannel = new[] { channels }.ToEquatableArray();
        var tensors = new[]
        {
            new ParameterSpec("weight", perChannel, ParameterRole.Scale, ParameterInit.Ones, p),
            new ParameterSpec("bias", perChannel, ParameterRole.Shift, ParameterInit.Zeros, p + channels),
            new ParameterSpec("running_mean", perChannel, ParameterRole.RunningMean, ParameterInit.Zeros, b, Buffer: true),
            new ParameterSpec("running_var", perChannel, ParameterRole.RunningVariance, ParameterInit.Ones, b + channels, Buffer: true),
            new ParameterSpec("num_batches_tracked", EquatableArray<int>.Empty, ParameterRole.BatchesTracked, ParameterInit.Zeros, b + (2 * channels), Buffer: true),
        };
        return new LayerShape(layer, shape, shape, default, tensors.ToEquatableArray(), p);
    }

    private static string InputSource(LayerInput input) => input.FlattenedBy is { } flat && input.Shape.Flat ? flat : "the layer above";

    public override void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
        if (previous is { Kind: LayerKind.BatchNorm })
        {
            found.Add(new ShapeError(Rule.BatchNormTwice, layer.Index, "",
                $"{layer.Name} (input {layer.Input}) directly follows {previous.Name}, whose output already has the mean and variance its weight and bias give it; the second BatchNorm has nothing left to normalise (remove one).",
                new[] { new FitSuggestion("", 0, "") }.ToEquatableArray()));
        }
    }

    public override string Describe(LayerShape layer)
    {
        var spec = (BatchNormSpec)layer.Layer;
        var options = new List<string>();
        if (spec.Epsilon != 1e-5f)
        {
            options.Add($"eps {Format.Float(spec.Epsilon)}");
        }

        if (spec.Momentum != 0.1f)
        {
            options.Add($"momentum {Format.Float(spec.Momentum)}");
        }

        return $"BatchNorm{(layer.Input.Flat ? "1d" : "2d")}{(options.Count > 0 ? $"({string.Join(", ", options)})" : "")}";
    }

    public override string ParameterArithmetic(LayerShape layer) =>
        $"weight and bias per {(layer.Input.Flat ? "feature" : "channel")}: 2 * {Format.Int(layer.Input.C)} = {Format.Count(layer.ParameterCount)} params; running mean and variance and the batch count: {Format.Count(layer.BufferCount)} buffer values";

    public override long MultiplyAdds(LayerShape layer) => layer.Output.Length;

    public override string Info(LayerShape layer)
    {
        var spec = (BatchNormSpec)layer.Layer;
        return $"new {InfoText.Runtime}.BatchNormInfo({layer.Index}, {InfoText.Shape(layer.Input)}, {Format.FloatLiteral(spec.Epsilon)}, {Format.FloatLiteral(spec.Momentum)}, {layer.ParameterOffset}, {InfoText.Tensors(layer)})";
    }

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        if (context.TrainingPlanOf(layer) is BatchNormPlan trained)
        {
            // The inference plan's BatchNorm (one not folded: after pooling, or on the input) reads the evaluation-mode
            // scale and shift that PrepareEvaluation keeps in the training plan's state.
            return new BatchNormPlan(layer, context.Input, output, context.InputGradient, outputGradient, trained.Sums, trained.State);
        }

        int n = layer.Index, c = layer.Input.C;
        BufferPlan sums = context.Workspace.Add($"BS{n}", 2L * c, $"[{n}] per-sample statistics (mean, M2) forward, gradient sums backward, per channel");
        BufferPlan state = context.Workspace.AddTransformed($"BN{n}", (14L * c) + 1,
            $"[{n}] BatchNorm state per channel: batch mean, variance, 1/std, scale, shift, sum dy, sum dy*xhat; evaluation 1/std, scale, shift and the weight, bias and running statistics they were made from");
        return new BatchNormPlan(layer, context.Input, output, context.InputGradient, outputGradient, sums, state);
    }
}

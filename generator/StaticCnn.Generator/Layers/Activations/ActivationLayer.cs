using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// Element-wise activations (ReLU, LeakyReLU, Sigmoid, Tanh, ReLU6, HardSigmoid, HardSwish, SiLU, GELU): the output has
/// the input's shape; no parameters. A
/// ReLU right after a convolution or dense layer runs in place in that layer's output.
/// </summary>
internal sealed class ActivationLayer : LayerDefinition
{
    public ActivationLayer(LayerKind kind)
        : base(kind)
    {
    }

    public override bool IsActivation => true;

    public override LayerSpec Parse(LayerArguments arguments) =>
        new ActivationSpec(Kind, Kind == LayerKind.LeakyReLU ? arguments.Float("slope", 0.01f) : 0f,
            Kind == LayerKind.GELU && (arguments.NamedBool("ApproximateTanh") ?? false));

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new ActivationSpec(Kind, Kind == LayerKind.LeakyReLU ? 0.1f : 0f) };

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (ActivationSpec)spec;
        if (Kind == LayerKind.LeakyReLU && (float.IsNaN(layer.Slope) || float.IsInfinity(layer.Slope)))
        {
            input.Errors.Add(ShapeChecks.Error(Rule.SlopeNotFinite, layer.Index, "slope", $"{input.Where(layer)}: slope must be a finite number, but is {Format.Float(layer.Slope)}."));
            return null;
        }

        return input.Known ? new LayerShape(layer, input.Shape, input.Shape, default, EquatableArray<ParameterSpec>.Empty, (int)input.ParameterOffset) : null;
    }

    public override (string Gain, string Why)? Gain(LayerShape layer)
    {
        float slope = ((ActivationSpec)layer.Layer).Slope;
        return Kind switch
        {
            LayerKind.ReLU => (Format.FloatLiteral((float)System.Math.Sqrt(2.0)), "sqrt(2) for the ReLU that follows"),
            LayerKind.LeakyReLU => (Format.FloatLiteral((float)System.Math.Sqrt(2.0 / (1.0 + ((double)slope * slope)))),
                $"sqrt(2 / (1 + {Format.Float(slope)}^2)) for the LeakyReLU that follows"),
            LayerKind.Tanh => (Format.FloatLiteral(5f / 3f), "5/3 for the Tanh that follows"),
            LayerKind.ReLU6 => (Format.FloatLiteral((float)System.Math.Sqrt(2.0)), "sqrt(2) for the ReLU6 that follows (a ReLU's)"),
            _ => ("1f", $"1 for the {Kind} that follows"),
        };
    }

    public override void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
        if (previous is not null && previous.Definition.IsActivation)
        {
            found.Add(new ShapeError(Rule.ConsecutiveActivations, layer.Index, "",
                $"{layer.Name} (input {layer.Input}) directly follows {previous.Name}; two activations in a row are usually a missing Conv2D or Dense between them (remove one, or add the layer).",
                new[] { new FitSuggestion("", 0, "") }.ToEquatableArray()));
        }
    }

    public override string Describe(LayerShape layer) => Kind switch
    {
        LayerKind.LeakyReLU => $"LeakyReLU({Format.Float(((ActivationSpec)layer.Layer).Slope)})",
        LayerKind.GELU when ((ActivationSpec)layer.Layer).ApproximateTanh => "GELU(tanh)",
        _ => Kind.ToString(),
    };

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.ActivationInfo({layer.Index}, {InfoText.Kind(layer)}, {InfoText.Shape(layer.Input)}, {layer.ParameterOffset}{(Kind == LayerKind.LeakyReLU ? ", " + Format.FloatLiteral(((ActivationSpec)layer.Layer).Slope) : "")}{(((ActivationSpec)layer.Layer).ApproximateTanh ? ", approximateTanh: true" : "")})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        if (Kind == LayerKind.ReLU && context.Previous(layer) is { } previous && context.ReluInPlaceAfter(previous))
        {
            // A ReLU right after a convolution or a dense layer runs in place: the convolution stores only the ReLU of its
            // sums into its output buffer, the dense layer's ReLU rewrites its output; that buffer is the ReLU's output too
            // (the ReLU's backward reads it); never when another layer reads that output too. One buffer fewer; the dense ReLU stays a vector pass (as the units' last
            // store, a scalar maximum per unit made LeNet-5's dense layers slower: 2.45 against 2.39 us).
            return new ActivationPlan(layer, context.Input, context.Input, context.InputGradient, context.AddOutputGradient(layer));
        }

        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        return new ActivationPlan(layer, context.Input, output, context.InputGradient, outputGradient);
    }
}

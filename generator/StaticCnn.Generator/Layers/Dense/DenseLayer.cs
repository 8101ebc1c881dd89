using System;
using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// Dense: y = W x + b over the input flattened in C,H,W order; (inputs + 1) * units parameters (PyTorch's weight
/// [units, inputs] and bias [units]). Its output is flat.
/// </summary>
internal sealed class DenseLayer : LayerDefinition
{
    /// <summary>A Dense layer is flagged when it holds more than this share of the parameters...</summary>
    public const double DominantShare = 0.9;

    /// <summary>...and more than this many weights.</summary>
    public const long DominantWeights = 1_000_000;

    public DenseLayer()
        : base(LayerKind.Dense)
    {
    }

    public override bool ReluRunsInPlaceAfter => true;

    public override LayerSpec Parse(LayerArguments arguments) => new DenseSpec(arguments.Int("units", 0));

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new DenseSpec(2) };

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (DenseSpec)spec;
        string name = LayerInput.Name(layer);
        if (!ShapeChecks.Positive(input.Errors, layer.Index, input.Where(layer), "units", "units", layer.Units) || !input.Known)
        {
            return null;
        }

        long inputs = input.Shape.Length;
        long weights = Shape.Product(inputs, layer.Units);
        if (!ShapeChecks.ParametersFit(input.Errors, layer, name, weights + layer.Units, input.ParameterOffset,
            $"(inputs + 1) * units = ({Format.Int(inputs)} + 1) * {Format.Int(layer.Units)}"))
        {
            return null;
        }

        input.FlattenedBy = name;
        int offset = (int)input.ParameterOffset;
        var parameters = new[]
        {
            new ParameterSpec("weight", new[] { layer.Units, (int)inputs }.ToEquatableArray(), ParameterRole.Weight, ParameterInit.KaimingUniform, offset, (int)inputs),
            new ParameterSpec("bias", new[] { layer.Units }.ToEquatableArray(), ParameterRole.Bias, ParameterInit.Zeros, offset + (int)weights),
        };
        return new LayerShape(layer, input.Shape, Shape.Vector(layer.Units), default, parameters.ToEquatableArray(), offset);
    }

    public override void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
        if (layer.WeightCount > DominantWeights && layer.WeightCount > DominantShare * shapes.ParameterCount)
        {
            string where = $"{layer.Name} (input {layer.Input})";
            double share = (double)layer.WeightCount / shapes.ParameterCount;
            found.Add(new ShapeError(Rule.DenseDominates, layer.Index, "",
                $"{where}: its {Format.Count(layer.Input.Length)} x {Format.Count(layer.Output.C)} weight matrix holds {Format.Count(layer.WeightCount)} of the network's {Format.Count(shapes.ParameterCount)} parameters " +
                $"({Format.Decimal(share * 100)}%); pooling or a strided Conv2D before it would shrink its {Format.Count(layer.Input.Length)} inputs.",
                EquatableArray<FitSuggestion>.Empty));
        }
    }

    public override string Describe(LayerShape layer) => $"Dense({Format.Int(((DenseSpec)layer.Layer).Units)})";

    public override string ParameterArithmetic(LayerShape layer) =>
        $"(inputs + 1) * units = ({Format.Int(layer.Input.Length)} + 1) * {Format.Int(layer.Output.C)} = {Format.Count(layer.ParameterCount)} params";

    public override long MultiplyAdds(LayerShape layer) => layer.WeightCount;

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.DenseInfo({InfoText.Head(layer, kind: false)}, {layer.ParameterOffset}, {InfoText.Tensors(layer)})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        var plan = new DensePlan(layer, context.Input, output, context.InputGradient, outputGradient) { Inference = context.Inference };
        int inputs = (int)layer.Input.Length;
        int units = layer.Output.C;
        plan.UnitBlock = Math.Min(4, units);
        plan.Forward = new TapReduce($"{plan.MethodPrefix}Forward", units, Math.Min(8, units), inputs, true,
            Operand.Parameters, layer.ParameterOffset, inputs, Operand.Workspace, context.Input.Offset,
            Array.Empty<TapLoop>(), new[] { new[] { new Tap(0, 0, 0, "") } },
            Operand.Workspace, output.Offset, 1, layer.BiasOffset);
        if (context.Inference && BatchOrder.BatchesInference(context.Network.Shapes))
        {
            int n = layer.Index;
            plan.UnitsInLanes = new UnitsInLanesPlan(
                context.Workspace.AddTransformed($"T{n}", UnitsInLanesPlan.PackedLength(inputs, units), $"[{n}] units in lanes: panels of {UnitsInLanesPlan.Panel} units x ({inputs} inputs + the biases)"),
                context.Workspace.AddTransformed($"TC{n}", layer.WeightCount + layer.BiasCount, $"[{n}] the weights and biases the panels were made from"));
        }

        return plan;
    }
}

using System;
using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Residual(typeof(Body), Shortcut = typeof(Projection))]: read here; shape inference (<see cref="GraphWalk"/>) puts its
/// blocks' layers and an <see cref="AddLayer"/> node into the network in its place, so it is never planned itself.
/// </summary>
internal sealed class ResidualLayer : LayerDefinition
{
    public ResidualLayer()
        : base(LayerKind.Residual)
    {
    }

    public override LayerSpec Parse(LayerArguments arguments)
    {
        var values = new BlockValues(arguments.NamedInt("Filters") ?? 0, arguments.NamedInt("Stride") ?? 0, arguments.NamedInt("Hidden") ?? 0);
        return new ResidualSpec(arguments.Block("block", values), arguments.NamedBlock("Shortcut", values), values);
    }

    public override IEnumerable<LayerSpec> ProbeLayers() => Array.Empty<LayerSpec>();

    public override LayerShape? Infer(LayerSpec spec, LayerInput input) =>
        throw new InvalidOperationException("A [Residual] is expanded by GraphWalk.");

    public override string Info(LayerShape layer) => throw new InvalidOperationException("A [Residual] is expanded by GraphWalk.");

    public override LayerPlan Plan(LayerShape layer, PlanContext context) => throw new InvalidOperationException("A [Residual] is expanded by GraphWalk.");
}

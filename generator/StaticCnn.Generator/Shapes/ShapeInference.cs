using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// Checks a network declaration and infers every layer's shape: a pure function of the model, shared by the
/// generator, the analyzer and the code fixes. Rules (../../CONTRACT.md): out = (N + 2P - F) / S + 1 exactly
/// and at least 1; positive counts; pooling padding at most half the window; no spatial layer on flat data;
/// every count fits in int. Each layer kind checks itself (<see cref="LayerDefinition.Infer"/>); this walks the
/// layers top to bottom and carries the shape, the parameter offset and who made the data flat.
/// </summary>
internal static class ShapeInference
{
    private const long IntMax = ShapeChecks.IntMax;

    public static NetworkShapes Infer(NetworkSpec spec)
    {
        var errors = new List<ShapeError>();
        foreach (DeclarationProblem problem in spec.Declaration)
        {
            errors.Add(DeclarationError(spec, problem));
        }

        var input = new Shape(spec.Channels, spec.Height, spec.Width);
        bool known = true;
        string network = $"Network '{spec.Type.DisplayName}'";
        known &= ShapeChecks.Positive(errors, 0, network, "channels", "input channels", spec.Channels);
        known &= ShapeChecks.Positive(errors, 0, network, "height", "input height", spec.Height);
        known &= ShapeChecks.Positive(errors, 0, network, "width", "input width", spec.Width);
        if (!spec.Rounding.IsDefined())
        {
            errors.Add(Error(Rule.UnknownRounding, 0, "Rounding", $"{network}: Rounding = {Format.Int((int)spec.Rounding)} is not a ShapeRounding value; use ShapeRounding.Exact, Floor or Ceil."));
        }

        if (known && input.Length > IntMax)
        {
            errors.Add(Error(Rule.Overflow, 0, "", $"{network}: the input {input} has {(input.Length == long.MaxValue ? "over " : "")}{Format.Count(input.Length)} values, more than int can count ({Format.Count(IntMax)})."));
            known = false;
        }

        if (spec.Layers.Count == 0)
        {
            errors.Add(Error(Rule.NoLayers, 0, "", $"{network} declares no layers: add layer attributes such as [Conv2D(...)], [ReLU] or [Dense(...)] after [Network] on the same declaration."));
        }

        // A network's own layer that uses Block.Filters (or another marker) has its error already; its numbers mean nothing.
        var marked = new HashSet<int>(spec.Declaration.Where(p => p.Kind == DeclarationProblemKind.MarkerOutsideBlock).Select(p => p.LayerIndex));
        var walk = new GraphWalk(errors, marked);
        walk.Sequence(spec.Layers, 0, input, known, GraphWalk.Scope.Network(spec.Layers.Count));
        known &= walk.Known;
        return new NetworkShapes(
            input,
            walk.Layers.ToEquatableArray(),
            errors.ToEquatableArray(),
            known && errors.Count == 0 ? (int)walk.ParameterTotal : 0,
            known && errors.Count == 0 ? (int)Math.Min(walk.BufferTotal, int.MaxValue) : 0);
    }

    private static ShapeError DeclarationError(NetworkSpec spec, DeclarationProblem problem)
    {
        string type = spec.Type.DisplayName;
        return problem.Kind switch
        {
            DeclarationProblemKind.NotPartial => Error(Rule.NotPartial, 0, "",
                $"Network '{type}' must be declared partial: the generator adds its Forward, Backward and parameters in another part of the class."),
            DeclarationProblemKind.ContainingTypeNotPartial => Error(Rule.ContainingTypeNotPartial, 0, "",
                $"Network '{type}' is nested in '{problem.Detail}', which must be declared partial too, so that the generated part can be nested the same way."),
            DeclarationProblemKind.StaticClass => Error(Rule.StaticClass, 0, "",
                $"Network '{type}' must not be static: a network is an object that holds its parameters and buffers."),
            DeclarationProblemKind.MemberClash => Error(Rule.MemberClash, 0, "",
                $"Network '{type}' declares {(problem.Detail.StartsWith("a ", StringComparison.Ordinal) ? problem.Detail : $"a member named '{problem.Detail}'")}, which the generator declares too; " +
                $"rename or remove it (the generated members are a parameterless constructor, {string.Join(", ", GeneratedMemberNames.All.Where(n => !n.StartsWith("_", StringComparison.Ordinal)))} and the private field _storage)."),
            DeclarationProblemKind.MarkerOutsideBlock => MarkerOutsideBlock(spec, problem),
            _ => Error(Rule.LayersOnOtherDeclaration, problem.LayerIndex, "",
                $"{problem.Detail} #{Format.Int(problem.LayerIndex)} of network '{type}' is on a different partial declaration than [Network]; put [Network] and every layer attribute on one declaration, top to bottom."),
        };
    }

    private static ShapeError MarkerOutsideBlock(NetworkSpec spec, DeclarationProblem problem)
    {
        string[] parts = problem.Detail.Split('|');
        return Error(Rule.MarkerNotSet, problem.LayerIndex, parts[1],
            $"{parts[2]} #{Format.Int(problem.LayerIndex)} of network '{spec.Type.DisplayName}' uses {parts[0]} for {parts[1]}, but only a [Block]'s layers take values from the [Residual] or [Concat] that uses them; write the number here.");
    }

    private static ShapeError Error(Rule rule, int layerIndex, string argument, string message) => ShapeChecks.Error(rule, layerIndex, argument, message);
}

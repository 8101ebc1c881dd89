using System.Collections.Generic;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator;

/// <summary>
/// Every check a declaration goes through, in one pure function shared by the generator and the analyzer:
/// declaration problems, shape inference, then planning (which can only fail on buffers too big for an array),
/// then, for a network that compiles, the warnings and infos of <see cref="NetworkLint"/>.
/// </summary>
internal static class NetworkCheck
{
    /// <param name="spec">The parsed declaration.</param>
    /// <returns>Errors (empty when the network compiles) and, only then, findings (warnings and infos).</returns>
    public static (NetworkShapes Shapes, NetworkPlan? Plan, IReadOnlyList<ShapeError> Errors, IReadOnlyList<ShapeError> Findings) Run(NetworkSpec spec)
    {
        NetworkShapes shapes = ShapeInference.Infer(spec);
        var none = new ShapeError[0];
        if (!shapes.IsValid || spec.HasUnreadableArguments)
        {
            return (shapes, null, shapes.Errors.AsImmutableArray(), none);
        }

        NetworkPlan? plan = NetworkPlanner.Plan(spec, shapes, out ShapeError? error);
        return error is null
            ? (shapes, plan, none, NetworkLint.Check(shapes))
            : (shapes, plan, new[] { error }, none);
    }
}

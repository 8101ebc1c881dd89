using System.Collections.Generic;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator;

/// <summary>
/// Every check a declaration goes through, in one pure function shared by the generator and the analyzer:
/// declaration problems, shape inference, then planning (which can only fail on buffers too big for an array).
/// </summary>
internal static class NetworkCheck
{
    public static (NetworkShapes Shapes, NetworkPlan? Plan, IReadOnlyList<ShapeError> Errors) Run(NetworkSpec spec)
    {
        NetworkShapes shapes = ShapeInference.Infer(spec);
        if (!shapes.IsValid || spec.HasUnreadableArguments)
        {
            return (shapes, null, shapes.Errors.AsImmutableArray());
        }

        NetworkPlan? plan = NetworkPlanner.Plan(spec, shapes, out ShapeError? error);
        return (shapes, plan, error is null ? shapes.Errors.AsImmutableArray() : new[] { error });
    }
}

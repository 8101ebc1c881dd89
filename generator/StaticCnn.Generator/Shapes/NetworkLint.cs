using System.Collections.Generic;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// Warnings and infos about a valid network: legal declarations that are probably not what was meant, or that
/// the generator compiles differently than usual. Pure, like <see cref="ShapeInference"/>; reported by the
/// analyzer with configurable severities (SCNN0017 to SCNN0021). Each layer kind lints itself
/// (<see cref="Layers.LayerDefinition.Lint"/>).
/// </summary>
internal static class NetworkLint
{
    public static IReadOnlyList<ShapeError> Check(NetworkShapes shapes)
    {
        var found = new List<ShapeError>();
        if (!shapes.IsValid)
        {
            return found;
        }

        LayerShape? previous = null;
        foreach (LayerShape layer in shapes.Layers)
        {
            layer.Definition.Lint(layer, previous, shapes, found);
            previous = layer;
        }

        return found;
    }
}

using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Parsing;

/// <summary>The runtime's attribute classes, matched by metadata name (the generator never references the runtime).</summary>
internal static class AttributeNames
{
    public const string Network = "StaticCnn.NetworkAttribute";

    private static readonly Dictionary<string, LayerKind> Layers = new()
    {
        ["Conv2DAttribute"] = LayerKind.Conv2D,
        ["MaxPool2DAttribute"] = LayerKind.MaxPool2D,
        ["AvgPool2DAttribute"] = LayerKind.AvgPool2D,
        ["ReLUAttribute"] = LayerKind.ReLU,
        ["LeakyReLUAttribute"] = LayerKind.LeakyReLU,
        ["SigmoidAttribute"] = LayerKind.Sigmoid,
        ["TanhAttribute"] = LayerKind.Tanh,
        ["FlattenAttribute"] = LayerKind.Flatten,
        ["DenseAttribute"] = LayerKind.Dense,
    };

    public static bool IsNetwork(INamedTypeSymbol? attribute) =>
        attribute is { Name: "NetworkAttribute" } && InStaticCnnNamespace(attribute);

    public static LayerKind? LayerKindOf(INamedTypeSymbol? attribute) =>
        attribute is not null && Layers.TryGetValue(attribute.Name, out LayerKind kind) && InStaticCnnNamespace(attribute)
            ? kind
            : null;

    private static bool InStaticCnnNamespace(INamedTypeSymbol attribute) =>
        attribute.ContainingType is null
        && attribute.ContainingNamespace is { Name: "StaticCnn", ContainingNamespace.IsGlobalNamespace: true };
}

using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Parsing;

/// <summary>The runtime's attribute classes, matched by metadata name (the generator never references the runtime).</summary>
internal static class AttributeNames
{
    public const string Network = "StaticCnn.NetworkAttribute";

    public static bool IsNetwork(INamedTypeSymbol? attribute) =>
        attribute is { Name: "NetworkAttribute" } && InStaticCnnNamespace(attribute);

    public static bool IsBlock(INamedTypeSymbol? attribute) =>
        attribute is { Name: "BlockAttribute" } && InStaticCnnNamespace(attribute);

    public static LayerKind? LayerKindOf(INamedTypeSymbol? attribute) =>
        attribute is not null && LayerDefinitions.ForAttribute(attribute.Name) is { } definition && InStaticCnnNamespace(attribute)
            ? definition.Kind
            : null;

    private static bool InStaticCnnNamespace(INamedTypeSymbol attribute) =>
        attribute.ContainingType is null
        && attribute.ContainingNamespace is { Name: "StaticCnn", ContainingNamespace.IsGlobalNamespace: true };
}

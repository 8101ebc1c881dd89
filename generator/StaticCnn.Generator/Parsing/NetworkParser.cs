using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Parsing;

/// <summary>
/// Reads a [Network] class into the value-equatable <see cref="NetworkSpec"/>: the input shape, the layer
/// attributes in source order with their arguments, and what is wrong with the declaration itself. Shared by
/// the generator (which keeps only the spec) and the analyzer (which also needs the attributes to place
/// diagnostics).
/// </summary>
internal static class NetworkParser
{
    /// <summary>The spec plus the compiler objects the analyzer needs to place diagnostics.</summary>
    internal sealed class Result
    {
        public Result(NetworkSpec spec, AttributeData network, ImmutableArray<AttributeData> layers)
        {
            Spec = spec;
            NetworkAttribute = network;
            LayerAttributes = layers;
        }

        public NetworkSpec Spec { get; }

        public AttributeData NetworkAttribute { get; }

        /// <summary>Layer attributes in layer order: element i is layer i + 1.</summary>
        public ImmutableArray<AttributeData> LayerAttributes { get; }
    }

    public static Result Parse(INamedTypeSymbol type, AttributeData network, CancellationToken cancellationToken)
    {
        bool unreadable = false;
        int channels = ReadInt(network, "channels", 0, ref unreadable);
        int height = ReadInt(network, "height", 0, ref unreadable);
        int width = ReadInt(network, "width", 0, ref unreadable);
        Rounding networkRounding = ReadRounding(network, ref unreadable) ?? Rounding.Exact;
        var inherited = new NetworkDefaults(
            networkRounding.IsDefined() ? networkRounding : Rounding.Exact,
            ReadFloat(network, "BatchNormEpsilon", ref unreadable) ?? NetworkDefaults.PyTorchBatchNormEpsilon,
            ReadFloat(network, "BatchNormMomentum", ref unreadable) ?? NetworkDefaults.PyTorchBatchNormMomentum);

        SyntaxNode? networkDeclaration = DeclarationOf(network, cancellationToken);
        var onDeclaration = new List<(AttributeData Data, LayerKind Kind, int Position)>();
        var elsewhere = new List<(AttributeData Data, LayerKind Kind, string Path, int Position)>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (AttributeNames.LayerKindOf(attribute.AttributeClass) is not LayerKind kind)
            {
                continue;
            }

            SyntaxReference? reference = attribute.ApplicationSyntaxReference;
            SyntaxNode? declaration = DeclarationOf(attribute, cancellationToken);
            if (declaration is not null && declaration == networkDeclaration)
            {
                onDeclaration.Add((attribute, kind, reference!.Span.Start));
            }
            else
            {
                elsewhere.Add((attribute, kind, reference?.SyntaxTree.FilePath ?? "", reference?.Span.Start ?? 0));
            }
        }

        var layers = new List<LayerSpec>();
        var attributes = ImmutableArray.CreateBuilder<AttributeData>();
        var problems = new List<DeclarationProblem>();
        var blocks = new BlockReader(inherited, cancellationToken);
        foreach ((AttributeData data, LayerKind kind, _) in onDeclaration.OrderBy(x => x.Position))
        {
            layers.Add(ReadLayer(data, kind, layers.Count + 1, inherited, blocks, problems, ref unreadable));
            attributes.Add(data);
        }

        foreach ((AttributeData data, LayerKind kind, _, _) in elsewhere.OrderBy(x => x.Path, System.StringComparer.Ordinal).ThenBy(x => x.Position))
        {
            LayerSpec layer = ReadLayer(data, kind, layers.Count + 1, inherited, blocks, problems, ref unreadable);
            layers.Add(layer);
            attributes.Add(data);
            problems.Add(new DeclarationProblem(DeclarationProblemKind.LayersOnOtherDeclaration, kind.ToString(), layer.Index));
        }

        unreadable |= blocks.Unreadable;
        if (networkDeclaration is TypeDeclarationSyntax syntax)
        {
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                problems.Insert(0, new DeclarationProblem(DeclarationProblemKind.NotPartial, ""));
            }

            for (SyntaxNode? parent = syntax.Parent; parent is TypeDeclarationSyntax container; parent = parent.Parent)
            {
                if (!container.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    problems.Insert(0, new DeclarationProblem(DeclarationProblemKind.ContainingTypeNotPartial, container.Identifier.ValueText));
                }
            }
        }

        if (type.IsStatic)
        {
            problems.Insert(0, new DeclarationProblem(DeclarationProblemKind.StaticClass, ""));
        }

        foreach (string clash in GeneratedMembers.Clashes(type, cancellationToken))
        {
            problems.Add(new DeclarationProblem(DeclarationProblemKind.MemberClash, clash));
        }

        var spec = new NetworkSpec(
            TypeNames.Describe(type, networkDeclaration as TypeDeclarationSyntax),
            channels,
            height,
            width,
            layers.ToEquatableArray(),
            problems.ToEquatableArray(),
            unreadable,
            networkRounding,
            ReadWeights(network));
        return new Result(spec, network, attributes.ToImmutable());
    }

    private static LayerSpec ReadLayer(AttributeData data, LayerKind kind, int index, NetworkDefaults inherited, BlockReader blocks, List<DeclarationProblem> problems, ref bool unreadable)
    {
        var arguments = new AttributeArguments(data, index, inherited, values: null, blocks);
        LayerSpec layer = LayerDefinitions.For(kind).Parse(arguments) with { Index = index };
        unreadable |= arguments.Unreadable;
        foreach ((string argument, int marker) in arguments.UnresolvedMarkers)
        {
            // A network's own layer: nothing gives the marker a value.
            problems.Add(new DeclarationProblem(DeclarationProblemKind.MarkerOutsideBlock, $"{BlockValues.MarkerName(marker)}|{argument}|{kind}", index));
        }

        return layer;
    }

    /// <summary>The named argument Rounding = ShapeRounding.X, or null when it is not set.</summary>
    private static Rounding? ReadRounding(AttributeData data, ref bool unreadable)
    {
        foreach (KeyValuePair<string, TypedConstant> named in data.NamedArguments)
        {
            if (named.Key != "Rounding")
            {
                continue;
            }

            if (named.Value is { Kind: TypedConstantKind.Enum or TypedConstantKind.Primitive, Value: int value })
            {
                return (Rounding)value;
            }

            unreadable = true;
            return null;
        }

        return null;
    }

    /// <summary>The class declaration an attribute is written on.</summary>
    private static SyntaxNode? DeclarationOf(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent;

    /// <summary>The [Network(..., Weights = "file.safetensors")] named argument, or null.</summary>
    /// <summary>The named float property <paramref name="name"/>, or null when it is not set.</summary>
    private static float? ReadFloat(AttributeData data, string name, ref bool unreadable)
    {
        foreach (KeyValuePair<string, TypedConstant> named in data.NamedArguments)
        {
            if (named.Key != name)
            {
                continue;
            }

            switch (named.Value.Value)
            {
                case float value when named.Value.Kind == TypedConstantKind.Primitive:
                    return value;
                case double value when named.Value.Kind == TypedConstantKind.Primitive:
                    return (float)value;
                case int value when named.Value.Kind == TypedConstantKind.Primitive:
                    return value;
            }

            unreadable = true;
            return null;
        }

        return null;
    }

    private static string? ReadWeights(AttributeData network)
    {
        foreach (KeyValuePair<string, TypedConstant> named in network.NamedArguments)
        {
            if (named.Key == "Weights" && named.Value is { Kind: TypedConstantKind.Primitive, Value: string path })
            {
                return path;
            }
        }

        return null;
    }

    private static int ReadInt(AttributeData data, string parameter, int fallback, ref bool unreadable)
    {
        TypedConstant? value = Argument(data, parameter);
        if (value is { Kind: TypedConstantKind.Primitive, Value: int number })
        {
            return number;
        }

        if (value is not null || data.AttributeConstructor is null)
        {
            unreadable = true;
        }

        return fallback;
    }

    /// <summary>The constructor argument bound to <paramref name="parameter"/> (defaults are filled in by the compiler).</summary>
    private static TypedConstant? Argument(AttributeData data, string parameter)
    {
        IMethodSymbol? constructor = data.AttributeConstructor;
        if (constructor is null)
        {
            return null;
        }

        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        for (int i = 0; i < parameters.Length && i < data.ConstructorArguments.Length; i++)
        {
            if (parameters[i].Name == parameter)
            {
                return data.ConstructorArguments[i];
            }
        }

        return null;
    }
}

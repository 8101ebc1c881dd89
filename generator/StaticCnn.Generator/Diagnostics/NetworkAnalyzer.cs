using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Parsing;
using StaticCnn.Generator.Shapes;
using StaticCnn.Generator.Weights;

namespace StaticCnn.Generator.Diagnostics;

/// <summary>
/// Reports every SCNN error while the user types: it runs the generator's own parser and checks on each class
/// carrying StaticCnn attributes and places each diagnostic on the attribute, or the argument, that is wrong.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        DiagnosticDescriptors.All.AddRange(WeightsDiagnostics.All);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AttributeData? network = null;
        var layers = new List<AttributeData>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (AttributeNames.IsNetwork(attribute.AttributeClass))
            {
                network ??= attribute;
            }
            else if (AttributeNames.LayerKindOf(attribute.AttributeClass) is not null)
            {
                layers.Add(attribute);
            }
        }

        if (network is null && type.GetAttributes().Any(a => AttributeNames.IsBlock(a.AttributeClass)))
        {
            // A block: its layers are checked where it is used, on the [Residual] or [Concat] that uses it.
            return;
        }

        if (network is null)
        {
            foreach (AttributeData layer in layers)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LayerWithoutNetwork, AttributeLocation(layer, context),
                    $"[{layer.AttributeClass!.Name.Replace("Attribute", "")}] is a StaticCnn layer, but '{type.Name}' has no [Network(channels, height, width)] attribute declaring the input shape."));
            }

            return;
        }

        NetworkParser.Result parsed = NetworkParser.Parse(type, network, context.CancellationToken);
        if (parsed.Spec.HasUnreadableArguments)
        {
            // The compiler already reports why an argument is not a constant.
            return;
        }

        var check = NetworkCheck.Run(parsed.Spec);
        if (check.Errors.Count == 0 && parsed.Spec.WeightsFile is { } weights)
        {
            CheckWeights(context, network, weights, check.Shapes);
        }

        foreach (ShapeError error in check.Errors.Concat(check.Findings))
        {
            AttributeData target = error.LayerIndex > 0 && error.LayerIndex <= parsed.LayerAttributes.Length
                ? parsed.LayerAttributes[error.LayerIndex - 1]
                : network;
            AttributeData? inner = error.Path.Count > 0 ? Follow(target, error.Path) : null;
            if (inner is null)
            {
                Location location = error.Argument.Length > 0
                    ? ArgumentLocation(target, error.Argument, context) ?? AttributeLocation(target, context)
                    : AttributeLocation(target, context);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(error.Rule), location, Properties(error), error.Message));
                continue;
            }

            // A block's layer: the error is on the [Residual] or [Concat] that uses the block, and points at the block's own
            // attribute (the code fixes change it there, which changes every use of the block).
            Location blockLocation = error.Argument.Length > 0
                ? ArgumentLocation(inner, error.Argument, context) ?? AttributeLocation(inner, context)
                : AttributeLocation(inner, context);
            ImmutableDictionary<string, string?> properties = Properties(error).SetItem("inner", "true");
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(error.Rule), AttributeLocation(target, context), new[] { blockLocation }, properties, error.Message));
        }
    }

    /// <summary>
    /// The block attribute <paramref name="path"/> leads to from the network's [Residual] or [Concat]
    /// (<see cref="ShapeError.Path"/>: which block of the use, then the layer in it, repeated), or null.
    /// </summary>
    private static AttributeData? Follow(AttributeData use, EquatableArray<int> path)
    {
        AttributeData current = use;
        for (int i = 0; i + 1 < path.Count; i += 2)
        {
            if (BlockType(current, path[i]) is not INamedTypeSymbol block)
            {
                return null;
            }

            var layers = BlockReader.LayerAttributes(block).ToArray();
            int layer = path[i + 1];
            if (layer < 1 || layer > layers.Length)
            {
                return null;
            }

            current = layers[layer - 1].Data;
        }

        return current;
    }

    /// <summary>Block <paramref name="ordinal"/> of a [Residual] (0: the body, 1: the shortcut) or a [Concat] (the branch).</summary>
    private static INamedTypeSymbol? BlockType(AttributeData use, int ordinal)
    {
        if (use.AttributeClass?.Name == "ResidualAttribute")
        {
            return ordinal == 0
                ? (use.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol)
                : (use.NamedArguments.FirstOrDefault(a => a.Key == "Shortcut").Value.Value as INamedTypeSymbol);
        }

        return use.ConstructorArguments.FirstOrDefault() is { Kind: TypedConstantKind.Array } branches && ordinal < branches.Values.Length
            ? branches.Values[ordinal].Value as INamedTypeSymbol
            : null;
    }

    /// <summary>
    /// Checks the file a network bakes in, with the generator's own <see cref="WeightsCheck"/>; only the files the
    /// name matches are read (none, one, or several for the ambiguity error).
    /// </summary>
    private static void CheckWeights(SymbolAnalysisContext context, AttributeData network, string declared, NetworkShapes shapes)
    {
        var files = context.Options.AdditionalFiles
            .Where(f => f.Path.EndsWith(".safetensors", System.StringComparison.OrdinalIgnoreCase) && WeightsFile.Matches(f.Path, declared))
            .Select(f => WeightsFile.Read(f.Path))
            .ToArray();
        BakedWeights baked = WeightsCheck.Run(declared, shapes, files);
        if (baked.Problem is { } problem)
        {
            Location location = NamedArgumentLocation(network, "Weights", context) ?? AttributeLocation(network, context);
            context.ReportDiagnostic(Diagnostic.Create(WeightsDiagnostics.For(problem.Rule), location, problem.Message));
        }
    }

    private static Location? NamedArgumentLocation(AttributeData attribute, string name, SymbolAnalysisContext context) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList: { } list }
            ? list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation()
            : null;

    /// <summary>The suggestions travel to the code fixes as properties: "fix0" = "stride=1", ...</summary>
    private static ImmutableDictionary<string, string?> Properties(ShapeError error)
    {
        ImmutableDictionary<string, string?>.Builder builder = ImmutableDictionary.CreateBuilder<string, string?>();
        builder["layer"] = error.LayerIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder["argument"] = error.Argument;
        for (int i = 0; i < error.Suggestions.Count; i++)
        {
            FitSuggestion suggestion = error.Suggestions[i];
            builder[$"fix{i}"] = $"{suggestion.Argument}={suggestion.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{suggestion.Output}";
            if (suggestion.Also.Length > 0)
            {
                builder[$"also{i}"] = suggestion.Also;
            }
        }

        return builder.ToImmutable();
    }

    private static Location AttributeLocation(AttributeData attribute, SymbolAnalysisContext context) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
        ?? context.Symbol.Locations.FirstOrDefault()
        ?? Location.None;

    private static Location? ArgumentLocation(AttributeData attribute, string parameter, SymbolAnalysisContext context)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax syntax
            || syntax.ArgumentList is null
            || attribute.AttributeConstructor is null)
        {
            return null;
        }

        int ordinal = -1;
        for (int i = 0; i < attribute.AttributeConstructor.Parameters.Length; i++)
        {
            if (attribute.AttributeConstructor.Parameters[i].Name == parameter)
            {
                ordinal = i;
            }
        }
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = syntax.ArgumentList.Arguments;
        for (int i = 0; i < arguments.Count; i++)
        {
            AttributeArgumentSyntax argument = arguments[i];
            if (argument.NameEquals is not null)
            {
                if (argument.NameEquals.Name.Identifier.ValueText == parameter)
                {
                    return argument.GetLocation();
                }
            }
            else if (argument.NameColon is not null)
            {
                if (argument.NameColon.Name.Identifier.ValueText == parameter)
                {
                    return argument.GetLocation();
                }
            }
            else if (argument.NameEquals is null && i == ordinal)
            {
                return argument.GetLocation();
            }
        }

        return null;
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Parsing;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;
using StaticCnn.Generator.Weights;

namespace StaticCnn.Generator;

/// <summary>
/// The StaticCnn source generator: for each class carrying [Network], parse the attributes into a
/// <see cref="NetworkSpec"/>, infer its shapes, plan its buffers and kernels and emit one file. Invalid
/// declarations get members that throw (the analyzer reports why), or nothing when no partial part can be
/// added; the generator itself reports no diagnostics.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        public const string Spec = "NetworkSpec";
        public const string Shapes = "NetworkShapes";
        public const string Source = "GeneratedSource";
        public const string WeightsFiles = "WeightsFiles";
        public const string Weights = "BakedWeights";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkSpec> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.Network,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (context, cancellationToken) => Parse(context, cancellationToken))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(Steps.Spec);

        IncrementalValuesProvider<(NetworkSpec Spec, NetworkShapes Shapes)> shapes = specs
            .Select(static (spec, _) => (spec, ShapeInference.Infer(spec)))
            .WithTrackingName(Steps.Shapes);

        // Safetensors files a network may bake in. Their bytes are read once per file version; a network that names
        // none is not affected by them (its BakedWeights value stays null, so its source step stays cached).
        IncrementalValueProvider<ImmutableArray<WeightsFile>> weightsFiles = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            .Select(static (text, _) => WeightsFile.Read(text.Path))
            .WithTrackingName(Steps.WeightsFiles)
            .Collect();

        IncrementalValuesProvider<(NetworkSpec Spec, NetworkShapes Shapes, BakedWeights? Weights)> withWeights = shapes
            .Combine(weightsFiles)
            .Select(static (pair, _) => (pair.Left.Spec, pair.Left.Shapes, Bake(pair.Left.Spec, pair.Left.Shapes, pair.Right)))
            .WithTrackingName(Steps.Weights);

        IncrementalValuesProvider<GeneratedSource?> sources = withWeights
            .Select(static (triple, cancellationToken) => Generate(triple.Spec, triple.Shapes, cancellationToken, triple.Weights))
            .WithTrackingName(Steps.Source);

        // Collected so that hint names can be made unique: Roslyn compares them ignoring case, and distinct types
        // can map to one name ("Net" and "NET", "Outer_1.Net" and "Outer<T>.Net"). A duplicate would make
        // AddSource throw, which drops the output of every network in the compilation.
        context.RegisterSourceOutput(sources.Collect(), static (output, all) =>
        {
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (GeneratedSource? source in all)
            {
                if (source is null)
                {
                    continue;
                }

                string hint = source.HintName;
                for (int n = 2; !used.Add(hint); n++)
                {
                    hint = source.HintName.Substring(0, source.HintName.Length - ".g.cs".Length) + "_" + n.ToString(CultureInfo.InvariantCulture) + ".g.cs";
                }

                output.AddSource(hint, source.Text);
            }
        });
    }

    private static NetworkSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;

        // [Network] on several partial declarations (CS0579) reaches here once per declaration, and
        // context.Attributes holds every [Network] in the target's file, not only the target's own. Generate once,
        // from the first [Network] (the one the analyzer reads), or the class would get its members twice.
        AttributeData network = type.GetAttributes().FirstOrDefault(a => AttributeNames.IsNetwork(a.AttributeClass)) ?? context.Attributes[0];
        if (network.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent is { } declaration
            && declaration != context.TargetNode)
        {
            return null;
        }

        return NetworkParser.Parse(type, network, cancellationToken).Spec;
    }

    /// <summary>The weights to bake in, or null when the network names no file or its shapes are invalid.</summary>
    internal static BakedWeights? Bake(NetworkSpec spec, NetworkShapes shapes, ImmutableArray<WeightsFile> files) =>
        spec.WeightsFile is null || !shapes.IsValid ? null : WeightsCheck.Run(spec.WeightsFile, shapes, files);

    internal static GeneratedSource? Generate(NetworkSpec spec, NetworkShapes shapes, CancellationToken cancellationToken, BakedWeights? weights = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (spec.Declaration.Any(p => p.Kind is DeclarationProblemKind.NotPartial or DeclarationProblemKind.ContainingTypeNotPartial or DeclarationProblemKind.StaticClass or DeclarationProblemKind.MemberClash))
        {
            // No partial part can be added without more errors (a missing modifier, or members the user already
            // declared); the analyzer says what to change.
            return null;
        }

        string hint = HintName(spec.Type);
        if (!shapes.IsValid || spec.HasUnreadableArguments)
        {
            return new GeneratedSource(hint, InvalidNetworkEmitter.Emit(spec));
        }

        NetworkPlan? plan = NetworkPlanner.Plan(spec, shapes, out _);
        // Invalid weights are reported by the analyzer; the network is then generated without them, so the SCNN error
        // is the only one the user sees.
        EquatableArray<float>? baked = weights is { IsValid: true } ? weights.Values : null;
        return new GeneratedSource(hint, plan is null ? InvalidNetworkEmitter.Emit(spec) : NetworkEmitter.Emit(plan, baked));
    }

    /// <summary>"Samples.LeNet5.g.cs": the fully qualified name with only characters every file system accepts.</summary>
    internal static string HintName(TypeSpec type)
    {
        char[] name = type.MetadataName.ToCharArray();
        for (int i = 0; i < name.Length; i++)
        {
            if (!(char.IsLetterOrDigit(name[i]) || name[i] is '.' or '_'))
            {
                name[i] = '_';
            }
        }

        return new string(name) + ".g.cs";
    }
}

/// <summary>One generated file: value-equal, so unchanged output is recognised by the pipeline.</summary>
internal sealed record GeneratedSource(string HintName, string Text);

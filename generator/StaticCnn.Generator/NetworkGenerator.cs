using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Parsing;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

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

        IncrementalValuesProvider<GeneratedSource?> sources = shapes
            .Select(static (pair, cancellationToken) => Generate(pair.Spec, pair.Shapes, cancellationToken))
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

    internal static GeneratedSource? Generate(NetworkSpec spec, NetworkShapes shapes, CancellationToken cancellationToken)
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
        return new GeneratedSource(hint, plan is null ? InvalidNetworkEmitter.Emit(spec) : NetworkEmitter.Emit(plan));
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

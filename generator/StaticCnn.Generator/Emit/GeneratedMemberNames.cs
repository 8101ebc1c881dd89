using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// The members the generated part of a network class declares, read from what the emitter writes: a probe network
/// with every layer kind and baked weights is emitted once, and its class's members are collected from the syntax
/// (explicit interface implementations excluded: they cannot clash). A member added to the emitter is reserved
/// without anyone keeping a list.
/// </summary>
internal static class GeneratedMemberNames
{
    private static readonly Lazy<Probe> Members = new(Read);

    /// <summary>Every member name the generated part declares, besides its parameterless constructor.</summary>
    public static IReadOnlyList<string> All => Members.Value.Names;

    /// <summary>The generated methods by name, each overload's parameter types as <c>ToDisplayString()</c> prints them.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string[]>> Methods => Members.Value.Methods;

    /// <summary>The probe: one layer of every kind (so that every kind's members are emitted), with weights baked in.</summary>
    internal static NetworkSpec ProbeSpec()
    {
        var layers = new List<LayerSpec>();
        foreach (LayerDefinition definition in LayerDefinitions.All)
        {
            layers.AddRange(definition.ProbeLayers());
        }

        return new NetworkSpec(
            new TypeSpec("", "Probe", "", "class", EquatableArray<ContainingTypeSpec>.Empty, "Probe"),
            3, 16, 16,
            layers.Select((layer, i) => layer with { Index = i + 1 }).ToEquatableArray(),
            EquatableArray<DeclarationProblem>.Empty,
            HasUnreadableArguments: false,
            WeightsFile: "probe.safetensors");
    }

    private static Probe Read()
    {
        NetworkSpec spec = ProbeSpec();
        (NetworkShapes shapes, NetworkPlan? plan, IReadOnlyList<ShapeError> errors, _) = NetworkCheck.Run(spec);
        if (plan is null || errors.Count > 0)
        {
            throw new InvalidOperationException("The member probe network does not compile: " + string.Join(" ", errors.Select(e => e.Message)));
        }

        string text = NetworkEmitter.Emit(plan, new float[shapes.ParameterCount].ToEquatableArray());
        TypeDeclarationSyntax type = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
            .First(t => t.Identifier.ValueText == "Probe");
        var names = new List<string>();
        var methods = new Dictionary<string, List<string[]>>();
        void Add(string name)
        {
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        foreach (MemberDeclarationSyntax member in type.Members)
        {
            switch (member)
            {
                case MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method:
                    Add(method.Identifier.ValueText);
                    if (!methods.TryGetValue(method.Identifier.ValueText, out List<string[]>? overloads))
                    {
                        methods[method.Identifier.ValueText] = overloads = new List<string[]>();
                    }

                    overloads.Add(method.ParameterList.Parameters.Select(p => DisplayType(p.Type!)).ToArray());
                    break;
                case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property:
                    Add(property.Identifier.ValueText);
                    break;
                case FieldDeclarationSyntax field:
                    foreach (VariableDeclaratorSyntax variable in field.Declaration.Variables)
                    {
                        Add(variable.Identifier.ValueText);
                    }

                    break;
                case BaseTypeDeclarationSyntax nested:
                    Add(nested.Identifier.ValueText);
                    break;
            }
        }

        return new Probe(names, methods.ToDictionary(m => m.Key, m => (IReadOnlyList<string[]>)m.Value));
    }

    /// <summary>"System.ReadOnlySpan<float>" for "global::System.ReadOnlySpan<float>", as a parameter's ToDisplayString() prints it.</summary>
    private static string DisplayType(TypeSyntax type) => type.ToString().Replace("global::", "");

    private sealed record Probe(IReadOnlyList<string> Names, IReadOnlyDictionary<string, IReadOnlyList<string[]>> Methods);
}

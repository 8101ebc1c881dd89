using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Parsing;

/// <summary>Turns a type symbol into the escaped names the generated partial declaration must repeat.</summary>
internal static class TypeNames
{
    public static TypeSpec Describe(INamedTypeSymbol type, TypeDeclarationSyntax? declaration)
    {
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing
            ? string.Join(".", containing.ToDisplayString().Split('.').Select(Escape))
            : "";

        var containers = new List<ContainingTypeSpec>();
        var names = new List<string>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containers.Insert(0, new ContainingTypeSpec(Keyword(outer), Escape(outer.Name), TypeParameters(outer)));
            names.Insert(0, outer.Name + Arity(outer));
        }

        string keyword = declaration is RecordDeclarationSyntax ? "record" : "class";
        string display = string.Join(".", names.Concat(new[] { type.Name }));
        string metadata = string.Join(".", (ns.Length > 0 ? new[] { ns.Replace("@", "") } : new string[0])
            .Concat(names).Concat(new[] { type.Name + Arity(type) }));
        return new TypeSpec(ns, Escape(type.Name), TypeParameters(type), keyword, containers.ToEquatableArray(), metadata)
        {
            DisplayName = display,
        };
    }

    /// <summary>"@class" for a keyword, the name itself otherwise.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string TypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(p => Escape(p.Name))) + ">";

    private static string Arity(INamedTypeSymbol type) => type.TypeParameters.Length == 0 ? "" : "_" + type.TypeParameters.Length;

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct, IsRefLikeType: true } => "ref record struct",
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { TypeKind: TypeKind.Struct, IsRefLikeType: true } => "ref struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}

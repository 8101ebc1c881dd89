using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Emit;

namespace StaticCnn.Generator.Parsing;

/// <summary>
/// The members the generator adds to a network class, and the user's members that would collide with them (which
/// would otherwise surface as C# errors inside generated code).
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>"Forward", "a parameterless constructor", ...: what the user declared that the generator also declares.</summary>
    public static IEnumerable<string> Clashes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: not null }))
        {
            yield return "a primary constructor";
        }

        var reported = new HashSet<string>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || !DeclaredByUser(member))
            {
                continue;
            }

            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false, Parameters.Length: 0 })
            {
                if (reported.Add(".ctor"))
                {
                    yield return "a parameterless constructor";
                }

                continue;
            }

            if (!GeneratedMemberNames.All.Contains(member.Name))
            {
                continue;
            }

            // A user method is an overload unless its parameter types match a generated one's.
            if (member is IMethodSymbol method && GeneratedMemberNames.Methods.TryGetValue(member.Name, out IReadOnlyList<string[]>? overloads)
                && !overloads.Any(parameters => method.Parameters.Select(p => p.Type.ToDisplayString()).SequenceEqual(parameters)))
            {
                continue;
            }

            if (member is IMethodSymbol { MethodKind: not MethodKind.Ordinary })
            {
                continue;
            }

            if (reported.Add(member.Name))
            {
                yield return member.Name;
            }
        }

        foreach (INamedTypeSymbol nested in type.GetTypeMembers())
        {
            if (GeneratedMemberNames.All.Contains(nested.Name) && DeclaredByUser(nested) && reported.Add(nested.Name))
            {
                yield return nested.Name;
            }
        }
    }

    /// <summary>False for members of the generator's own output (which the analyzer sees, but the generator does not).</summary>
    private static bool DeclaredByUser(ISymbol member) =>
        member.DeclaringSyntaxReferences.Any(r => r.SyntaxTree.FilePath.IndexOf(typeof(NetworkGenerator).FullName, System.StringComparison.Ordinal) < 0);
}

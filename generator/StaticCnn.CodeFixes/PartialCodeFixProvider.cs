using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StaticCnn.CodeFixes;

/// <summary>
/// "Make 'LeNet5' partial" for SCNN0001 and "Make 'Outer' partial" for SCNN0012: adds the partial modifier to the
/// network class and to every type containing it that lacks it, so that one fix leaves a declaration the
/// generator can extend.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PartialCodeFixProvider))]
[Shared]
public sealed class PartialCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("SCNN0001", "SCNN0012");

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            TypeDeclarationSyntax? network = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (network is null)
            {
                continue;
            }

            List<TypeDeclarationSyntax> targets = network.AncestorsAndSelf().OfType<TypeDeclarationSyntax>()
                .Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword))
                .ToList();
            if (targets.Count == 0)
            {
                continue;
            }

            string title = diagnostic.Id == "SCNN0001"
                ? $"Make '{network.Identifier.ValueText}' partial"
                : $"Make {string.Join(" and ", targets.Where(t => t != network).Select(t => $"'{t.Identifier.ValueText}'"))} partial";
            if (diagnostic.Id == "SCNN0001" && targets.Count > 1)
            {
                title += " (and the types containing it)";
            }

            context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => MakePartial(context.Document, targets, cancellationToken), "SCNN-partial"),
                diagnostic);
        }
    }

    private static async Task<Document> MakePartial(Document document, List<TypeDeclarationSyntax> targets, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SyntaxNode changed = root.ReplaceNodes(targets, (original, rewritten) => AddPartial(rewritten));
        return document.WithSyntaxRoot(changed);
    }

    /// <summary>Adds partial as the last modifier (it must come right before class/struct/record).</summary>
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return type;
        }

        SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (type.Modifiers.Count > 0)
        {
            return type.WithModifiers(type.Modifiers.Add(partial));
        }

        // No modifiers: the keyword carries the line's indentation, which moves to partial.
        SyntaxToken keyword = type.Keyword;
        return type
            .WithKeyword(keyword.WithLeadingTrivia())
            .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
    }
}

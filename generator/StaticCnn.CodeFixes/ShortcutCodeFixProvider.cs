using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace StaticCnn.CodeFixes;

/// <summary>
/// SCNN0030 (a residual adds tensors of different shapes): adds a projection shortcut that makes them equal, a
/// [Block] holding one 1x1 convolution with the block's output channels and the stride that maps the input's size to
/// the block's output ('same' padding: ceil(N / stride)), declared next to the class the [Residual] is on, and sets
/// <c>Shortcut = typeof(...)</c> on the [Residual]. The analyzer sends the filters as "fix0" ("Shortcut=32|32x16x16")
/// and the stride as "also0".
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ShortcutCodeFixProvider))]
[Shared]
public sealed class ShortcutCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("SCNN0030");

    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            (Document document, AttributeSyntax? attribute) = await FixTarget.FindAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
            FixSuggestion? suggestion = FixSuggestion.Read(diagnostic.Properties).FirstOrDefault(s => s.Argument == "Shortcut");
            if (attribute is null || suggestion is null
                || !diagnostic.Properties.TryGetValue($"also{suggestion.Index}", out string? strideText)
                || !int.TryParse(strideText, NumberStyles.None, CultureInfo.InvariantCulture, out int stride)
                || attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } network)
            {
                continue;
            }

            int filters = suggestion.Value;
            string conv = stride == 1 ? $"Conv2D({filters}, 1x1)" : $"Conv2D({filters}, 1x1, stride {stride})";
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add a projection shortcut: {conv} ({suggestion.Output})",
                    cancellationToken => Apply(document, attribute, network, filters, stride, cancellationToken),
                    $"SCNN0030:projection={filters}/{stride}"),
                diagnostic);
        }
    }

    private static async Task<Document> Apply(Document document, AttributeSyntax attribute, TypeDeclarationSyntax network, int filters, int stride, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        string name = FreeName(model, network, stride == 1 ? $"Projection{filters}" : $"Projection{filters}Stride{stride}");

        // Shortcut = typeof(Name) on the [Residual], replacing a shortcut that gave the wrong shape.
        AttributeArgumentListSyntax list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        AttributeArgumentSyntax shortcut = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals("Shortcut"), null, SyntaxFactory.TypeOfExpression(SyntaxFactory.IdentifierName(name)));
        AttributeArgumentSyntax? existing = list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Shortcut");
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = existing is null ? list.Arguments.Add(shortcut) : list.Arguments.Replace(existing, shortcut);

        string convolution = stride == 1
            ? $"[global::StaticCnn.Conv2D({filters}, 1)]"
            : $"[global::StaticCnn.Conv2D({filters}, 1, stride: {stride}, PaddingMode = global::StaticCnn.PaddingMode.Same)]";
        string declaration =
            $"/// <summary>Projection shortcut: a 1x1 convolution to {filters} channels{(stride == 1 ? "" : $", stride {stride}")}.</summary>\n" +
            "[global::StaticCnn.Block]\n" +
            convolution + "\n" +
            $"public partial class {name};\n";
        MemberDeclarationSyntax block = SyntaxFactory.ParseMemberDeclaration(declaration)!
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation)
            .WithLeadingTrivia(SyntaxFactory.ParseLeadingTrivia("\n" + declaration.Substring(0, declaration.IndexOf('\n') + 1)));
        block = block.WithLeadingTrivia(SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine("\n")).AddRange(SyntaxFactory.ParseLeadingTrivia(declaration.Substring(0, declaration.IndexOf('\n') + 1))));

        SyntaxNode updated = root.TrackNodes(attribute, network);
        updated = updated.ReplaceNode(updated.GetCurrentNode(attribute)!, attribute.WithArgumentList(list.WithArguments(arguments)));
        updated = updated.InsertNodesAfter(updated.GetCurrentNode(network)!, new[] { block });
        Document changed = document.WithSyntaxRoot(updated);
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary><paramref name="name"/>, or with a number after it, so that it names no type in scope at the network.</summary>
    private static string FreeName(SemanticModel? model, TypeDeclarationSyntax network, string name)
    {
        if (model is null)
        {
            return name;
        }

        int position = network.SpanStart;
        string candidate = name;
        for (int n = 2; model.LookupNamespacesAndTypes(position, name: candidate).Any(); n++)
        {
            candidate = name + n.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}

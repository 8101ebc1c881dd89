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
using Microsoft.CodeAnalysis.Simplification;

namespace StaticCnn.CodeFixes;

/// <summary>
/// For every "does not fit" diagnostic, one fix per value the analyzer found that fits ("Use stride 3 (output
/// 10x10)", "Use padding 1 (output 15x15)", "Use Rounding = ShapeRounding.Floor (output 14x14)"), and for the
/// design warnings the change they suggest (a padding or stride, removing a second activation).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ShapeCodeFixProvider))]
[Shared]
public sealed class ShapeCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        "SCNN0006", // stride does not fit
        "SCNN0007", // window larger than its padded input
        "SCNN0008", // pooling padding more than half the window
        "SCNN0015", // Ceil on a convolution
        "SCNN0017", // padding at least the kernel
        "SCNN0018", // two activations in a row
        "SCNN0019", // stride larger than the window
        "SCNN0022", // groups that do not divide the channels
        "SCNN0023", // padding declared twice
        "SCNN0027"); // BatchNorm features that do not match its input

    // Each fix changes one argument of one attribute; fixing several at once could combine changes that do not fit.
    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            (Document document, AttributeSyntax? attribute) = await FixTarget.FindAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (attribute is null)
            {
                continue;
            }

            string layer = LayerName(attribute);
            foreach (FixSuggestion suggestion in FixSuggestion.Read(diagnostic.Properties))
            {
                string title = suggestion.Title(layer);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        title,
                        cancellationToken => Apply(document, attribute, suggestion, cancellationToken),
                        $"{diagnostic.Id}:{suggestion.Argument}={suggestion.Value}"),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> Apply(Document document, AttributeSyntax attribute, FixSuggestion suggestion, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        if (suggestion.Argument.Length == 0)
        {
            return document.WithSyntaxRoot(Remove(root, attribute));
        }

        AttributeArgumentListSyntax list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = list.Arguments;
        if (FixSuggestion.IsNamedProperty(suggestion.Argument))
        {
            // A named property (Rounding, PaddingMode, Groups, KernelWidth, ...): set it, or add it at the end.
            ExpressionSyntax value = suggestion.Argument switch
            {
                "Rounding" => SyntaxFactory.ParseExpression("global::StaticCnn.ShapeRounding." + FixSuggestion.RoundingName(suggestion.Value)),
                "PaddingMode" => SyntaxFactory.ParseExpression("global::StaticCnn.PaddingMode." + FixSuggestion.PaddingModeName(suggestion.Value)),
                _ => SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(suggestion.Value)),
            };
            value = value.WithAdditionalAnnotations(Simplifier.Annotation);
            AttributeArgumentSyntax? existing = arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == suggestion.Argument);
            arguments = existing is not null
                ? arguments.Replace(existing, existing.WithExpression(value))
                : arguments.Add(SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals(suggestion.Argument), null, value));
        }
        else
        {
            SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var constructor = model?.GetSymbolInfo(attribute, cancellationToken).Symbol as IMethodSymbol;
            int ordinal = constructor is null ? -1 : constructor.Parameters.IndexOf(constructor.Parameters.FirstOrDefault(p => p.Name == suggestion.Argument)!);
            LiteralExpressionSyntax value = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(suggestion.Value));
            AttributeArgumentSyntax? existing = null;
            for (int i = 0; i < arguments.Count; i++)
            {
                AttributeArgumentSyntax argument = arguments[i];
                if (argument.NameColon?.Name.Identifier.ValueText == suggestion.Argument
                    || (argument.NameColon is null && argument.NameEquals is null && i == ordinal))
                {
                    existing = argument;
                }
            }

            if (existing is not null)
            {
                arguments = arguments.Replace(existing, existing.WithExpression(value.WithTriviaFrom(existing.Expression)));
            }
            else
            {
                // A named argument, before any "Property = value" (which must come last).
                AttributeArgumentSyntax added = SyntaxFactory.AttributeArgument(null, SyntaxFactory.NameColon(suggestion.Argument), value);
                int at = arguments.TakeWhile(a => a.NameEquals is null).Count();
                arguments = arguments.Insert(at, added);
            }
        }

        AttributeSyntax changed = attribute.WithArgumentList(list.WithArguments(arguments));
        return document.WithSyntaxRoot(root.ReplaceNode(attribute, changed));
    }

    /// <summary>Removes the attribute, or its whole [ ] list when it is the only one in it.</summary>
    private static SyntaxNode Remove(SyntaxNode root, AttributeSyntax attribute)
    {
        if (attribute.Parent is AttributeListSyntax { Attributes.Count: 1 } list)
        {
            return root.RemoveNode(list, SyntaxRemoveOptions.KeepLeadingTrivia | SyntaxRemoveOptions.KeepUnbalancedDirectives)!;
        }

        return root.RemoveNode(attribute, SyntaxRemoveOptions.KeepNoTrivia)!;
    }

    /// <summary>"Sigmoid" for [Sigmoid], [SigmoidAttribute] or [StaticCnn.Sigmoid].</summary>
    private static string LayerName(AttributeSyntax attribute)
    {
        string name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }
}

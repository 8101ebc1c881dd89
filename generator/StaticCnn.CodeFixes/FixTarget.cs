using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StaticCnn.CodeFixes;

/// <summary>
/// The attribute a fix changes: the one the diagnostic is on, or, for an error about a block's layer (property
/// "inner"), the block's own attribute, which the analyzer gives as the diagnostic's additional location (the block
/// may be in another document).
/// </summary>
internal static class FixTarget
{
    public static async Task<(Document Document, AttributeSyntax? Attribute)> FindAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        Location location = diagnostic.Properties.ContainsKey("inner") && diagnostic.AdditionalLocations.Count > 0
            ? diagnostic.AdditionalLocations[0]
            : diagnostic.Location;
        Document target = (location.SourceTree is { } tree ? document.Project.Solution.GetDocument(tree) : null) ?? document;
        SyntaxNode? root = await target.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        AttributeSyntax? attribute = root?.FindNode(location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
        return (target, attribute);
    }
}

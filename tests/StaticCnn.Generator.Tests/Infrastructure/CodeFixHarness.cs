using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>
/// Applies code fixes as the IDE would: the source in a document of an <see cref="AdhocWorkspace"/> project, the
/// analyzer's diagnostics (from a build with the generator) mapped onto it, each registered action's operations
/// applied to the workspace, and the changed text read back.
/// </summary>
internal static class CodeFixHarness
{
    /// <summary>Every fix the provider offers for the first <paramref name="id"/> diagnostic of <paramref name="source"/>: title and fixed text.</summary>
    public static IReadOnlyList<(string Title, string Fixed)> Fixes(CodeFixProvider provider, string source, string id)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Diagnostic diagnostic = run.AnalyzerDiagnostics.First(d => d.Id == id);
        Assert.Contains(id, provider.FixableDiagnosticIds);

        var results = new List<(string, string)>();
        foreach (CodeAction action in Actions(provider, source, diagnostic, out Document document))
        {
            ImmutableArray<CodeActionOperation> operations = action.GetOperationsAsync(CancellationToken.None).GetAwaiter().GetResult();
            ApplyChangesOperation apply = Assert.IsType<ApplyChangesOperation>(Assert.Single(operations));
            string text = apply.ChangedSolution.GetDocument(document.Id)!.GetTextAsync().GetAwaiter().GetResult().ToString();
            results.Add((action.Title, text));
        }

        return results;
    }

    private static List<CodeAction> Actions(CodeFixProvider provider, string source, Diagnostic diagnostic, out Document document)
    {
        var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Tests", "Tests", LanguageNames.CSharp,
                compilationOptions: GeneratorHarness.CompilationOptions,
                parseOptions: GeneratorHarness.ParseOptions,
                metadataReferences: Net100.References.All.Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))));
        DocumentId documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Source0.cs", SourceText.From(source), filePath: "Source0.cs");
        Assert.True(workspace.TryApplyChanges(solution));
        document = workspace.CurrentSolution.GetDocument(documentId)!;

        SyntaxTree tree = document.GetSyntaxTreeAsync().GetAwaiter().GetResult()!;
        Diagnostic mapped = Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, diagnostic.Location.SourceSpan),
            diagnostic.AdditionalLocations.Select(l => Location.Create(tree, l.SourceSpan)), diagnostic.Properties,
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, mapped, (action, _) => actions.Add(action), CancellationToken.None);
        provider.RegisterCodeFixesAsync(context).GetAwaiter().GetResult();
        return actions;
    }
}

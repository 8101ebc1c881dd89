using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using StaticCnn.CodeFixes;
using StaticCnn.Generator.Diagnostics;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Docs;

/// <summary>
/// docs/diagnostics/SCNNxxxx.md and its README index are generated from the real analyzer: each page shows a
/// wrong declaration, the exact message the analyzer reports for it, the code fixes offered, and the fixed
/// declaration, which this test compiles without that diagnostic or any error. A page whose text differs from
/// what the analyzer says today fails the test; STATICCNN_UPDATE_BASELINES=1 rewrites the pages.
/// </summary>
public sealed class DiagnosticDocsTests
{
    private static readonly CodeFixProvider[] Providers = { new ShapeCodeFixProvider(), new PartialCodeFixProvider(), new ShortcutCodeFixProvider() };

    private static string DocsFolder => Path.Combine(RepositoryPaths.Root, "docs", "diagnostics");

    public static TheoryData<string> Ids => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Fact]
    public void EveryRuleHasADocCase() =>
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id), DiagnosticDocCases.All.Select(c => c.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void PageShowsTheRealMessage(string id)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.All.Single(d => d.Id == id);
        DiagnosticDocCase docCase = DiagnosticDocCases.All.Single(c => c.Id == id);

        GeneratorRun wrong = GeneratorHarness.Run(docCase.Wrong);
        Diagnostic reported = wrong.AnalyzerDiagnostics.FirstOrDefault(d => d.Id == id)
            ?? throw new Xunit.Sdk.XunitException($"The wrong declaration of {id} does not report it:\n{GeneratorHarness.Describe(wrong.AllDiagnostics)}");
        DiagnosticAssert.AssertNoCascade(wrong);

        GeneratorRun fixedRun = GeneratorHarness.Run(docCase.Fixed);
        Assert.True(!fixedRun.AllDiagnostics.Any(d => d.Id == id || d.Severity >= DiagnosticSeverity.Warning),
            $"The fixed declaration of {id} still reports:\n{GeneratorHarness.Describe(fixedRun.AllDiagnostics)}");

        List<string> fixes = Providers
            .Where(p => p.FixableDiagnosticIds.Contains(id))
            .SelectMany(p => CodeFixHarness.Fixes(p, docCase.Wrong, id).Select(f => f.Title))
            .ToList();

        VerifyPage($"{id}.md", Page(descriptor, docCase, reported, fixes));
    }

    [Fact]
    public void IndexListsEveryRule()
    {
        var text = new StringBuilder();
        text.Append("# StaticCnn diagnostics\n\n");
        text.Append("Every rule the StaticCnn analyzer checks while you type (and at build time). Errors are the shape and declaration rules of\n");
        text.Append("the contract and cannot be suppressed; warnings and infos flag valid networks that are probably not what was meant, and\n");
        text.Append("can be configured like any other diagnostic. Ids SCNN0040 to SCNN0049 are the baked-weights rules ([Network(..., Weights = \"file.safetensors\")]).\n");
        text.Append("Each page shows a wrong declaration, the message it gets, the code fixes offered and the declaration fixed; the pages\n");
        text.Append("are generated from the analyzer by `DiagnosticDocsTests`, which fails when one is out of date.\n\n");
        text.Append("| Id | Severity | Title |\n| --- | --- | --- |\n");
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All.Concat(WeightsDiagnostics.All))
        {
            text.Append($"| [{descriptor.Id}]({descriptor.Id}.md) | {descriptor.DefaultSeverity} | {descriptor.Title} |\n");
        }

        text.Append("\n## Configuring the warnings and infos\n\n");
        text.Append("In `.editorconfig`:\n\n```ini\n[*.cs]\ndotnet_diagnostic.SCNN0018.severity = none       # allow two activations in a row\ndotnet_diagnostic.SCNN0020.severity = warning    # make the dominant-Dense info a warning\n```\n\n");
        text.Append("Or around one declaration:\n\n```csharp\n#pragma warning disable SCNN0018\n[Network(1, 28, 28)]\n[Conv2D(8, 3)]\n[ReLU]\n[Sigmoid]\n[Dense(10)]\npublic partial class Digits;\n#pragma warning restore SCNN0018\n```\n");
        VerifyPage("README.md", text.ToString());
    }

    internal static string Page(DiagnosticDescriptor descriptor, DiagnosticDocCase docCase, Diagnostic reported, List<string> fixes)
    {
        string severity = descriptor.DefaultSeverity switch
        {
            DiagnosticSeverity.Error => "Error (cannot be suppressed)",
            DiagnosticSeverity.Warning => "Warning (configurable)",
            _ => "Info (configurable)",
        };
        var text = new StringBuilder();
        text.Append($"# {descriptor.Id}: {descriptor.Title}\n\n");
        text.Append($"| Severity | Category | Code fix |\n| --- | --- | --- |\n| {severity} | {descriptor.Category} | {(fixes.Count > 0 ? "yes" : "no")} |\n\n");
        text.Append(descriptor.Description.ToString(CultureInfo.InvariantCulture)).Append("\n\n");
        text.Append("## Wrong\n\n```csharp\n").Append(docCase.Wrong).Append("```\n\n");
        text.Append($"The analyzer reports, on `{GeneratorHarness.SourceText(reported).Replace("\n", " ")}`:\n\n");
        text.Append($"```text\n{descriptor.DefaultSeverity.ToString().ToLowerInvariant()} {descriptor.Id}: {reported.GetMessage(CultureInfo.InvariantCulture)}\n```\n\n");
        if (fixes.Count > 0)
        {
            text.Append("Code fixes offered (Ctrl+. in the editor):\n\n");
            foreach (string fix in fixes)
            {
                text.Append($"- {fix}\n");
            }

            text.Append('\n');
        }

        text.Append("## Fixed\n\n```csharp\n").Append(docCase.Fixed).Append("```\n");
        if (descriptor.DefaultSeverity != DiagnosticSeverity.Error)
        {
            text.Append($"\n## Suppressing it\n\nIf the declaration is what you meant, in `.editorconfig`:\n\n```ini\n[*.cs]\ndotnet_diagnostic.{descriptor.Id}.severity = none\n```\n\n");
            text.Append($"or `#pragma warning disable {descriptor.Id}` before the attribute.\n");
        }

        text.Append($"\n[All diagnostics](README.md)\n");
        return text.ToString();
    }

    internal static void VerifyPage(string fileName, string expected)
    {
        string path = Path.Combine(DocsFolder, fileName);
        if (Baseline.Updating)
        {
            Directory.CreateDirectory(DocsFolder);
            File.WriteAllText(path, expected);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests with {Baseline.UpdateVariable}=1 to generate it.");
        string actual = Baseline.Normalise(File.ReadAllText(path));
        Assert.True(actual == expected,
            $"{path} is stale: the analyzer's message, the code fixes or the catalog changed. Rerun with {Baseline.UpdateVariable}=1 and review the diff.");
    }
}

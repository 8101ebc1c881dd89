using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// What a hover shows: the generated class carries the layer table (output shape, parameters, multiply-adds,
/// activation memory) in its remarks, the same table as Summary, and every generated member is documented.
/// </summary>
public sealed class HoverDocumentationTests
{
    public static TheoryData<string> Names => new(Declarations.Valid.Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryGeneratedMemberIsDocumented(string name)
    {
        CSharpParseOptions parse = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        CSharpCompilation compilation = GeneratorHarness.Compile(Declarations.Source(name));
        compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees[0], compilation.SyntaxTrees[0].WithRootAndOptions(compilation.SyntaxTrees[0].GetRoot(), parse));
        CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> _);

        Diagnostic[] undocumented = output.GetDiagnostics()
            .Where(d => d.Id is "CS1591" or "CS1570" or "CS1572" or "CS1573" or "CS1574" && d.Location.SourceTree!.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal))
            .ToArray();
        Assert.True(undocumented.Length == 0, GeneratorHarness.Describe(undocumented));
    }

    [Fact]
    public void RemarksHoldTheSummaryTable()
    {
        string text = GeneratorHarness.Run(Declarations.LeNet5).SingleGeneratedText;

        string[] remarks = text.Split('\n')
            .Select(l => l.Trim())
            .SkipWhile(l => l != "/// <code>").Skip(1)
            .TakeWhile(l => l != "/// </code>")
            .Select(l => l.Substring("/// ".Length).Replace("&gt;", ">").Replace("&lt;", "<").Replace("&amp;", "&"))
            .ToArray();
        string summaryLiteral = text.Split('\n').Single(l => l.Contains("public const string SummaryText = "));
        string summary = System.Text.RegularExpressions.Regex.Unescape(summaryLiteral.Substring(summaryLiteral.IndexOf('"') + 1).TrimEnd().TrimEnd(';').TrimEnd('"'));

        Assert.Equal(summary.TrimEnd('\n').Split('\n'), remarks);
        Assert.Contains(remarks, l => l.Contains("Params") && l.Contains("MACs") && l.Contains("Activations (bytes)"));
        Assert.Contains("Multiply-adds per sample: 416,520 forward", remarks);
        Assert.Contains(remarks, l => l.StartsWith(" 4  Conv2D(16, 5x5, s1)", System.StringComparison.Ordinal) && l.EndsWith("2,416  240,000                6,400", System.StringComparison.Ordinal));
    }

    [Fact]
    public void RoundedLayersSayHowTheyRound()
    {
        string text = GeneratorHarness.Run(Declarations.Rounding).SingleGeneratedText;

        Assert.Contains("Conv2D(4, 4x4, s2, p1, floor)", text);
        Assert.Contains("MaxPool2D(3x3, s2, p1, ceil)", text);
        Assert.Contains("height floor((17 + 2*1 - 4) / 2) + 1 = 8, width floor((15 + 2*1 - 4) / 2) + 1 = 7", text);
    }
}

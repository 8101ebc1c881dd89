using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>The named pipeline steps cache on value-equal models: unrelated edits regenerate nothing.</summary>
public sealed class IncrementalityTests
{
    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        (GeneratorRunResult second, _) = RunTwice(Declarations.LeNet5, text => text + "\ninternal static class Unrelated { }\n");

        Assert.All(Reasons(second, NetworkGenerator.Steps.Spec), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(second, NetworkGenerator.Steps.Shapes), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(second, NetworkGenerator.Steps.Source), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void EditInsideTheNetworkFileThatKeepsTheSpecIsUnchanged()
    {
        (GeneratorRunResult second, _) = RunTwice(Declarations.LeNet5, text => text.Replace("// input shape, C x H x W", "// the input"));

        Assert.All(Reasons(second, NetworkGenerator.Steps.Spec), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(second, NetworkGenerator.Steps.Source), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void ChangedStrideRegenerates()
    {
        (GeneratorRunResult second, string text) = RunTwice(Declarations.Cs231nConv, text => text.Replace("stride: 1, padding: 2", "stride: 3, padding: 0"));

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, NetworkGenerator.Steps.Spec)));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, NetworkGenerator.Steps.Source)));
        Assert.Contains("public const int OutputLength = 1000;", text);
    }

    private static (GeneratorRunResult Second, string Text) RunTwice(string source, System.Func<string, string> edit)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(source);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        SyntaxTree edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edit(tree.GetText().ToString())));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));

        GeneratorRunResult second = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(second.Exception);
        return (second, second.GeneratedSources.Single().SourceText.ToString());
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
}

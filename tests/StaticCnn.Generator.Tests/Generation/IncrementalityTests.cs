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

    [Fact]
    public void CommentEditChangesNoOutput()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Declarations.LeNet5);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        (GeneratorRunResult second, string after) = RunTwice(Declarations.LeNet5, text => text.Replace("// optional: implied before the first Dense", "/* a comment\n   over two lines */"));

        Assert.Equal(before, after);
        Assert.All(Reasons(second, NetworkGenerator.Steps.Shapes), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(second, NetworkGenerator.Steps.Source), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void ChangedRoundingRegenerates()
    {
        (GeneratorRunResult second, string text) = RunTwice(Declarations.Rounding, text => text.Replace("Rounding = ShapeRounding.Ceil", "Rounding = ShapeRounding.Floor"));

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, NetworkGenerator.Steps.Spec)));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, NetworkGenerator.Steps.Source)));
        Assert.Contains("MaxPool2D(3x3, s2, p1, floor)", text);
    }

    [Fact]
    public void TwoNetworksAreIndependent()
    {
        const string source = """
            using StaticCnn;

            namespace Samples;

            [Network(3, 32, 32)]
            [Conv2D(10, 5, stride: 1, padding: 2)]
            public partial class First;

            [Network(1, 28, 28)]
            [Conv2D(4, 4, stride: 2)]
            [Dense(10)]
            public partial class Second;
            """;
        CSharpCompilation compilation = GeneratorHarness.Compile(source);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        string first = Text(driver, "Samples.First.g.cs");

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        SyntaxTree edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(source.Replace("[Conv2D(4, 4, stride: 2)]", "[Conv2D(4, 4, stride: 3)]")));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, edited));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        // One network's source is recomputed, the other's is not; the first network's file is the same text.
        IncrementalStepRunReason[] sources = Reasons(result, NetworkGenerator.Steps.Source);
        Assert.Equal(2, sources.Length);
        Assert.Single(sources, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(sources, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Single(Reasons(result, NetworkGenerator.Steps.Shapes), r => r == IncrementalStepRunReason.Modified);
        Assert.Equal(first, Text(driver, "Samples.First.g.cs"));
        Assert.Contains("public const int OutputLength = 10;", Text(driver, "Samples.Second.g.cs"));
    }

    [Fact]
    public void EditInAnotherFileLeavesEveryStepCached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Declarations.LeNet5, "namespace Other; internal static class Helper { }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("namespace Other; internal static class Helper { public static int X => 1; }"))));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        Assert.All(Reasons(result, NetworkGenerator.Steps.Spec), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(result, NetworkGenerator.Steps.Shapes), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(result, NetworkGenerator.Steps.Source), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    private static string Text(GeneratorDriver driver, string hint) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hint).SourceText.ToString();

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

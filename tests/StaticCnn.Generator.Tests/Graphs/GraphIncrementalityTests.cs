using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Graphs;

/// <summary>
/// A block's layers are part of the spec of every network that uses it: editing a block, even in another file,
/// regenerates exactly the networks that use it; the others stay cached.
/// </summary>
public sealed class GraphIncrementalityTests
{
    private const string Networks = """
        using StaticCnn;

        namespace Samples;

        [Network(8, 16, 16)]
        [Residual(typeof(Body), Filters = 8)]
        [Dense(4)]
        public partial class UsesBody;

        [Network(8, 16, 16)]
        [Conv2D(8, 3, padding: 1)]
        [Dense(4)]
        public partial class Plain;
        """;

    private const string Block = """
        using StaticCnn;

        namespace Samples;

        [Block]
        [Conv2D(Block.Filters, 3, padding: 1)] [ReLU]
        public partial class Body;
        """;

    [Fact]
    public void EditingABlockInAnotherFileRegeneratesOnlyTheNetworksThatUseIt()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Networks, Block);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        string plainBefore = Text(driver, "Samples.Plain.g.cs");

        SyntaxTree block = compilation.SyntaxTrees.Last();
        SyntaxTree edited = block.WithChangedText(SourceText.From(Block.Replace("[ReLU]", "[ReLU] [Conv2D(Block.Filters, 1)]")));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(block, edited));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        IncrementalStepRunReason[] sources = Reasons(result, NetworkGenerator.Steps.Source);
        Assert.Equal(2, sources.Length);
        Assert.Single(sources, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(sources, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Contains("Conv2D(8, 1x1, s1)", Text(driver, "Samples.UsesBody.g.cs"));
        Assert.Equal(plainBefore, Text(driver, "Samples.Plain.g.cs"));
    }

    [Fact]
    public void AnEditThatKeepsTheBlocksLayersRegeneratesNothing()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Networks, Block);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        SyntaxTree block = compilation.SyntaxTrees.Last();
        SyntaxTree edited = block.WithChangedText(SourceText.From(Block.Replace("[Block]", "/// <summary>A comment.</summary>\n[Block]")));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(block, edited));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        Assert.All(Reasons(result, NetworkGenerator.Steps.Shapes), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(result, NetworkGenerator.Steps.Source), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    private static string Text(GeneratorDriver driver, string hint) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hint).SourceText.ToString();

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
}

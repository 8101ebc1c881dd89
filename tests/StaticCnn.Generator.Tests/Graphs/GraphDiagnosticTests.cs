using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.CodeFixes;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Graphs;

/// <summary>
/// Residual and concatenating declarations: each graph error (SCNN0030 to SCNN0034) and each error of a block's layer
/// is one diagnostic on the [Residual] or [Concat] the user wrote, naming the block's layer and its arithmetic, with
/// no cascade; the projection code fix gives a declaration that compiles.
/// </summary>
public sealed class GraphDiagnosticTests
{
    private const string BasicBlock = """
        [Block]
        [Conv2D(Block.Filters, 3, stride: Block.Stride, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
        [Conv2D(Block.Filters, 3, PaddingMode = PaddingMode.Same)] [BatchNorm]
        public partial class BasicBlock;
        """;

    private static string Source(string network, string blocks = BasicBlock) => $$"""
        using StaticCnn;

        namespace Samples;

        {{network}}
        public partial class Net;

        {{blocks}}
        """;

    [Fact]
    public void AWellFormedResNetCompilesClean()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 32, 32)]
            [Conv2D(16, 3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
            [Residual(typeof(BasicBlock), Filters = 16)] [ReLU]
            [Residual(typeof(BasicBlock), Filters = 32, Stride = 2, Shortcut = typeof(Projection))] [ReLU]
            [GlobalAvgPool2D]
            [Dense(10)]
            """, BasicBlock + "\n[Block] [Conv2D(Block.Filters, 1, stride: Block.Stride, PaddingMode = PaddingMode.Same)] public partial class Projection;"));

        DiagnosticAssert.Clean(run);
    }

    [Fact]
    public void Scnn0030IdentityShortcutOfTheWrongShapeNamesBothShapesAndTheProjection()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(16, 32, 32)]
            [Residual(typeof(BasicBlock), Filters = 32, Stride = 2)]
            [Dense(10)]
            """));

        string message = DiagnosticAssert.SingleError(run, "SCNN0030", "Residual(typeof(BasicBlock), Filters = 32, Stride = 2)");
        Assert.Contains("Residual #1 adds tensors of different shapes: block 'BasicBlock' turns the input 16x32x32 into 32x16x16", message);
        Assert.Contains("Conv2D #1 16x32x32 -> 32x16x16", message);
        Assert.Contains("the identity shortcut passes the input 16x32x32 unchanged", message);
        Assert.Contains("[Conv2D(32, 1, stride: 2, PaddingMode = PaddingMode.Same)] (16x32x32 -> 32x16x16)", message);
    }

    [Fact]
    public void Scnn0030ProjectionOfTheWrongShape()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(16, 32, 32)]
            [Residual(typeof(BasicBlock), Filters = 32, Stride = 2, Shortcut = typeof(Narrow))]
            [Dense(10)]
            """, BasicBlock + "\n[Block] [Conv2D(16, 1, stride: 2, PaddingMode = PaddingMode.Same)] public partial class Narrow;"));

        string message = DiagnosticAssert.SingleError(run, "SCNN0030", "Residual(typeof(BasicBlock), Filters = 32, Stride = 2, Shortcut = typeof(Narrow))");
        Assert.Contains("but the shortcut 'Narrow' gives 16x16x16", message);
    }

    [Fact]
    public void TheProjectionFixAddsABlockAndCompiles()
    {
        string source = Source("""
            [Network(16, 32, 32)]
            [Residual(typeof(BasicBlock), Filters = 32, Stride = 2)]
            [Dense(10)]
            """);
        (string title, string text) = Assert.Single(CodeFixHarness.Fixes(new ShortcutCodeFixProvider(), source, "SCNN0030"));

        Assert.Equal("Add a projection shortcut: Conv2D(32, 1x1, stride 2) (32x16x16)", title);
        Assert.Contains("[Residual(typeof(BasicBlock), Filters = 32, Stride = 2, Shortcut = typeof(Projection32Stride2))]", text);
        Assert.Contains("[Block]\n[Conv2D(32, 1, stride: 2, PaddingMode = PaddingMode.Same)]\npublic partial class Projection32Stride2;", text.Replace("\r\n", "\n"));
        DiagnosticAssert.Clean(GeneratorHarness.Run(text));
    }

    [Fact]
    public void TheProjectionFixPicksAFreeName()
    {
        string source = Source("""
            [Network(16, 8, 8)]
            [Residual(typeof(BasicBlock), Filters = 24)]
            [Dense(10)]
            """, BasicBlock + "\npublic class Projection24 { }");
        (_, string text) = Assert.Single(CodeFixHarness.Fixes(new ShortcutCodeFixProvider(), source, "SCNN0030"));

        Assert.Contains("Shortcut = typeof(Projection242)", text);
        DiagnosticAssert.Clean(GeneratorHarness.Run(text));
    }

    [Fact]
    public void ABlockLayerThatDoesNotFitIsReportedOnTheUseNamingTheBlocksLayer()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 7, 7)]
            [Residual(typeof(Odd))]
            [Dense(2)]
            """, "[Block] [Conv2D(3, 3, stride: 3)] [ReLU] public partial class Odd;"));

        string message = DiagnosticAssert.SingleError(run, "SCNN0006", "Residual(typeof(Odd))");
        Assert.StartsWith("Residual #1 › Odd › Conv2D #1: (7 + 2*0 - 3) / 3 + 1 = 2.33 is not a whole number", message);
    }

    [Fact]
    public void ABlockLayerErrorPointsAtTheBlocksAttributeAndItsFixChangesTheBlock()
    {
        string source = Source("""
            [Network(3, 7, 7)]
            [Residual(typeof(Odd))]
            [Dense(2)]
            """, "[Block] [Conv2D(3, 3, stride: 3)] [ReLU] public partial class Odd;");
        GeneratorRun run = GeneratorHarness.Run(source);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal("stride: 3", GeneratorHarness.SourceText(Microsoft.CodeAnalysis.Diagnostic.Create(diagnostic.Descriptor, Assert.Single(diagnostic.AdditionalLocations))));

        IReadOnlyList<(string Title, string Fixed)> fixes = CodeFixHarness.Fixes(new ShapeCodeFixProvider(), source, "SCNN0006");
        (string _, string text) = Assert.Single(fixes, f => f.Title.StartsWith("Use stride 2", System.StringComparison.Ordinal));
        Assert.Contains("[Block] [Conv2D(3, 3, stride: 2)] [ReLU] public partial class Odd;", text);
        Assert.Contains("[Residual(typeof(Odd))]", text);

        // The block now fits its input; strided, it no longer matches the identity shortcut, which is the next error.
        Assert.Equal(["SCNN0030"], GeneratorHarness.Run(text).AnalyzerDiagnostics.Select(d => d.Id));
    }

    [Fact]
    public void AWrongShortcutInsideABlockIsFixedInTheBlock()
    {
        string source = Source("""
            [Network(16, 16, 16)]
            [Concat(typeof(Stage), typeof(Half), Filters = 16)]
            [Dense(2)]
            """, BasicBlock + "\n[Block] [ReLU] [Residual(typeof(BasicBlock), Filters = Block.Filters, Stride = 2)] public partial class Stage;\n[Block] [MaxPool2D(2)] public partial class Half;");
        GeneratorRun run = GeneratorHarness.Run(source);
        string message = DiagnosticAssert.SingleError(run, "SCNN0030", "Concat(typeof(Stage), typeof(Half), Filters = 16)");
        Assert.StartsWith("Concat #1 › Stage › Residual #2 adds tensors of different shapes", message);

        (string _, string text) = Assert.Single(CodeFixHarness.Fixes(new ShortcutCodeFixProvider(), source, "SCNN0030"));
        Assert.Contains("[Residual(typeof(BasicBlock), Filters = Block.Filters, Stride = 2, Shortcut = typeof(Projection16Stride2))]", text);
        GeneratorRun after = GeneratorHarness.Run(text);
        Assert.True(after.AllDiagnostics.IsEmpty, text + "\n" + GeneratorHarness.Describe(after.AllDiagnostics));
    }

    [Fact]
    public void Scnn0031ConcatOfDifferentSizes()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 16, 16)]
            [Concat(typeof(Same), typeof(Half))]
            [Dense(2)]
            """, "[Block] [Conv2D(4, 1)] public partial class Same;\n[Block] [MaxPool2D(2)] public partial class Half;"));

        string message = DiagnosticAssert.SingleError(run, "SCNN0031", "Concat(typeof(Same), typeof(Half))");
        Assert.Contains("branch 1 (Same) 4x16x16, branch 2 (Half) 3x8x8", message);
    }

    [Fact]
    public void Scnn0032TypeWithoutBlock()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 16, 16)]
            [Residual(typeof(Plain))]
            [Dense(2)]
            """, "public class Plain { }"));

        Assert.Contains("uses 'Plain', which is not marked [Block]", DiagnosticAssert.SingleError(run, "SCNN0032", "Residual(typeof(Plain))"));
    }

    [Fact]
    public void Scnn0033RecursiveBlocksShowTheChain()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 16, 16)]
            [Residual(typeof(A))]
            [Dense(2)]
            """, "[Block] [ReLU] [Residual(typeof(B))] public partial class A;\n[Block] [Residual(typeof(A))] public partial class B;"));

        Assert.Contains("A › B › A", DiagnosticAssert.SingleError(run, "SCNN0033", "Residual(typeof(A))"));
    }

    [Fact]
    public void Scnn0034MarkerWithoutValue()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 16, 16)]
            [Residual(typeof(BasicBlock))]
            [Dense(2)]
            """));

        string message = DiagnosticAssert.SingleError(run, "SCNN0034", "Residual(typeof(BasicBlock))");
        Assert.Contains("Conv2D #1 uses Block.Filters (filters)", message);
        Assert.Contains("Filters = ...", message);
    }

    [Fact]
    public void Scnn0034MarkerOnANetworksOwnLayer()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 16, 16)]
            [Conv2D(Block.Filters, 3)]
            [Dense(2)]
            """, ""));

        Assert.Contains("uses Block.Filters for filters", DiagnosticAssert.SingleError(run, "SCNN0034", "Block.Filters"));
    }

    [Fact]
    public void AMissingBlockTypeIsTheCompilersErrorAlone()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 16, 16)]
            [Residual(typeof(Missing))]
            [Dense(2)]
            """, ""));

        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.Equal(["CS0246"], run.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
    }

    [Fact]
    public void ABlockAloneReportsNothing()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("[Network(3, 8, 8)] [ReLU]", BasicBlock));

        DiagnosticAssert.Clean(run);
    }

    [Fact]
    public void LayerNumbersAfterABlockAreTheAttributesPositions()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("""
            [Network(3, 16, 16)]
            [Residual(typeof(Id))]
            [Conv2D(0, 3)]
            """, "[Block] [ReLU] [Conv2D(3, 1)] public partial class Id;"));

        Assert.StartsWith("Conv2D #2 (input 3x16x16): filters must be positive", DiagnosticAssert.SingleError(run, "SCNN0005", "0"));
    }
}

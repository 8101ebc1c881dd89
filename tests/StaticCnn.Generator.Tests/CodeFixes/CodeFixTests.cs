using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.CodeFixes;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.CodeFixes;

/// <summary>
/// Each code fix, applied in a workspace, gives a declaration that compiles with zero errors and without the
/// diagnostic it fixed; every does-not-fit error gets one fix per nearby value that fits.
/// </summary>
public sealed class CodeFixTests
{
    private static string Network(string input, params string[] layers) => $$"""
        using StaticCnn;

        namespace Samples;

        [Network({{input}})]
        {{string.Join("\n", layers.Select(l => $"[{l}]"))}}
        public partial class Net;
        """;

    /// <summary>Applies every fix for the diagnostic and checks each result builds cleanly; returns title -> fixed text.</summary>
    private static Dictionary<string, string> ApplyAll(Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider provider, string source, string id)
    {
        IReadOnlyList<(string Title, string Fixed)> fixes = CodeFixHarness.Fixes(provider, source, id);
        Assert.NotEmpty(fixes);
        foreach ((string title, string text) in fixes)
        {
            GeneratorRun run = GeneratorHarness.Run(text);
            Assert.True(!run.AllDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error || d.Id == id),
                $"After '{title}':\n{text}\n{GeneratorHarness.Describe(run.AllDiagnostics)}");
        }

        return fixes.ToDictionary(f => f.Title, f => f.Fixed);
    }

    [Fact]
    public void StrideThatDoesNotFitGetsOneFixPerStridePaddingAndRounding()
    {
        // The message's example: (32 + 2*0 - 5) / 2 + 1 = 14.5.
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("3, 32, 32", "Conv2D(16, 5, stride: 2)"), "SCNN0006");

        // No padding fits: 2P is even, so it never makes 27 divisible by 2.
        Assert.Equal(
            new[] { "Use stride 1 (output 28x28)", "Use stride 3 (output 10x10)", "Use Rounding = ShapeRounding.Floor (output 14x14)" },
            fixes.Keys);
        Assert.Contains("[Conv2D(16, 5, stride: 3)]", fixes["Use stride 3 (output 10x10)"]);
        Assert.Contains("[Conv2D(16, 5, stride: 2, Rounding = ShapeRounding.Floor)]", fixes["Use Rounding = ShapeRounding.Floor (output 14x14)"]);
    }

    [Fact]
    public void PositionalArgumentsAreReplacedInPlace()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("1, 7, 7", "Conv2D(1, 3, 3, 0)"), "SCNN0006");

        Assert.Contains("[Conv2D(1, 3, 2, 0)]", fixes["Use stride 2 (output 3x3)"]);
        Assert.Contains("[Conv2D(1, 3, 3, 1)]", fixes["Use padding 1 (output 3x3)"]);
    }

    [Fact]
    public void ImpliedPoolingStrideGetsANamedArgumentBeforeNamedProperties()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(),
            Network("2, 11, 11", "MaxPool2D(2, Rounding = ShapeRounding.Exact)"), "SCNN0006");

        Assert.Contains("[MaxPool2D(2, stride: 1, Rounding = ShapeRounding.Exact)]", fixes["Use stride 1 (output 10x10)"]);
        Assert.Contains("[MaxPool2D(2, Rounding = ShapeRounding.Floor)]", fixes["Use Rounding = ShapeRounding.Floor (output 5x5)"]);
    }

    [Fact]
    public void WindowLargerThanItsInputGetsPaddingAndKernelFixes()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("1, 4, 4", "Conv2D(2, kernelSize: 6)"), "SCNN0007");

        Assert.Equal(new[] { "Use padding 1 (output 1x1)", "Use kernel size 4 (output 1x1)" }, fixes.Keys);
        Assert.Contains("[Conv2D(2, kernelSize: 4)]", fixes["Use kernel size 4 (output 1x1)"]);
    }

    [Fact]
    public void PoolingPaddingTooLargeIsCappedAtHalfTheWindow()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("1, 8, 8", "MaxPool2D(2, padding: 2)"), "SCNN0008");

        Assert.Contains("[MaxPool2D(2, padding: 1)]", Assert.Single(fixes, f => f.Key == "Use padding 1").Value);
    }

    [Fact]
    public void CeilOnAConvolutionBecomesFloor()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("1, 8, 8", "Conv2D(2, 3, Rounding = ShapeRounding.Ceil)"), "SCNN0015");

        Assert.Contains("[Conv2D(2, 3, Rounding = ShapeRounding.Floor)]", Assert.Single(fixes).Value);
    }

    [Fact]
    public void PaddingCoveringTheKernelGetsTheLargestPaddingThatFits()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("1, 8, 8", "Conv2D(2, 3, padding: 3)"), "SCNN0017");

        Assert.Contains("[Conv2D(2, 3, padding: 2)]", Assert.Single(fixes, f => f.Key == "Use padding 2 (output 10x10)").Value);
    }

    [Fact]
    public void SecondActivationCanBeRemoved()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("1, 8, 8", "Conv2D(2, 3)", "ReLU", "Sigmoid", "Dense(2)"), "SCNN0018");

        string text = Assert.Single(fixes, f => f.Key == "Remove [Sigmoid]").Value;
        Assert.DoesNotContain("Sigmoid", text);
        Assert.True(text.Replace("\r\n", "\n").Contains("[ReLU]\n[Dense(2)]"), System.Text.Json.JsonSerializer.Serialize(text));
    }

    [Fact]
    public void StrideSkippingInputGetsTheLargestStrideThatReadsEveryCell()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("1, 10, 10", "MaxPool2D(2, stride: 4, Rounding = ShapeRounding.Floor)"), "SCNN0019");

        Assert.Contains("[MaxPool2D(2, stride: 2, Rounding = ShapeRounding.Floor)]", Assert.Single(fixes, f => f.Key == "Use stride 2 (output 5x5)").Value);
    }

    [Fact]
    public void GroupsThatDoNotDivideGetTheNearestDivisors()
    {
        // 6 channels and 16 filters: Groups = 4 divides 16 but not 6; 2 divides both (3 does not divide 16).
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(), Network("6, 8, 8", "Conv2D(16, 3, Groups = 4)", "Dense(2)"), "SCNN0022");

        Assert.Contains("[Conv2D(16, 3, Groups = 2)]", Assert.Single(fixes, f => f.Key.StartsWith("Use Groups = 2", System.StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void BatchNormFeaturesBecomeTheInputsCount()
    {
        Dictionary<string, string> fixes = ApplyAll(new ShapeCodeFixProvider(),
            Network("3, 8, 8", "Conv2D(16, 3, padding: 1, Bias = false)", "BatchNorm(32, Epsilon = 1e-3f)", "ReLU", "Dense(2)"), "SCNN0027");

        Assert.Contains("[BatchNorm(16, Epsilon = 1e-3f)]", Assert.Single(fixes, f => f.Key == "Use BatchNorm(16), its input's count").Value);
    }

    [Fact]
    public void MakeTheClassPartial()
    {
        const string source = """
            using StaticCnn;

            namespace Samples;

            [Network(1, 4, 4)]
            [Dense(2)]
            public sealed class Net;
            """;

        Dictionary<string, string> fixes = ApplyAll(new PartialCodeFixProvider(), source, "SCNN0001");

        Assert.Contains("public sealed partial class Net;", Assert.Single(fixes, f => f.Key == "Make 'Net' partial").Value);
    }

    [Fact]
    public void MakeTheClassWithoutModifiersPartialKeepsItsIndentation()
    {
        const string source = """
            using StaticCnn;

            namespace Samples
            {
                [Network(1, 4, 4)]
                [Dense(2)]
                class Net { }
            }
            """;

        Dictionary<string, string> fixes = ApplyAll(new PartialCodeFixProvider(), source, "SCNN0001");

        Assert.Contains("\n    partial class Net { }", Assert.Single(fixes).Value.Replace("\r\n", "\n"));
    }

    [Fact]
    public void MakeTheContainingTypesPartial()
    {
        const string source = """
            using StaticCnn;

            namespace Samples;

            public static class Outer
            {
                public class Middle
                {
                    [Network(1, 4, 4)]
                    [Dense(2)]
                    public partial class Net;
                }
            }
            """;

        IReadOnlyList<(string Title, string Fixed)> fixes = CodeFixHarness.Fixes(new PartialCodeFixProvider(), source, "SCNN0012");
        (string title, string text) = Assert.Single(fixes.Distinct());

        Assert.Equal("Make 'Middle' and 'Outer' partial", title);
        Assert.Contains("public static partial class Outer", text);
        Assert.Contains("public partial class Middle", text);
        GeneratorRun run = GeneratorHarness.Run(text);
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }
}

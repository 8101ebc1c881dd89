using System.Linq;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Diagnostics;

/// <summary>SCNN errors about shapes and counts, each located on the attribute or argument that is wrong.</summary>
public sealed class ShapeDiagnosticTests
{
    private static GeneratorRun Network(string input, params string[] layers) =>
        GeneratorHarness.Run($$"""
            using StaticCnn;

            namespace Samples;

            [Network({{input}})]
            {{string.Join("\n", System.Array.ConvertAll(layers, l => $"[{l}]"))}}
            public partial class Net;
            """);

    [Fact]
    public void Scnn0005NonPositiveFilters()
    {
        GeneratorRun run = Network("1, 7, 7", "ReLU", "Conv2D(filters: 0, kernelSize: 3)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0005", "filters: 0");
        Assert.Equal("Conv2D #2 (input 1x7x7): filters must be positive, but is 0.", message);
    }

    [Theory]
    [InlineData("Conv2D(4, 3, -1)", "-1", "Conv2D #1 (input 1x7x7): stride must be positive, but is -1.")]
    [InlineData("Conv2D(4, 3, padding: -2)", "padding: -2", "Conv2D #1 (input 1x7x7): padding must be 0 or more, but is -2.")]
    [InlineData("MaxPool2D(0)", "0", "MaxPool2D #1 (input 1x7x7): size must be positive, but is 0.")]
    [InlineData("AvgPool2D(3, stride: -1)", "stride: -1", "AvgPool2D #1 (input 1x7x7): stride must be positive (or 0, meaning the window size), but is -1.")]
    [InlineData("Dense(units: 0)", "units: 0", "Dense #1 (input 1x7x7): units must be positive, but is 0.")]
    public void Scnn0005NonPositiveArguments(string layer, string location, string expected)
    {
        GeneratorRun run = Network("1, 7, 7", layer);

        Assert.Equal(expected, DiagnosticAssert.SingleError(run, "SCNN0005", location));
    }

    [Fact]
    public void Scnn0005NonPositiveInputShape()
    {
        GeneratorRun run = Network("channels: 1, height: 0, width: 7", "ReLU");

        Assert.Equal("Network 'Net': input height must be positive, but is 0.", DiagnosticAssert.SingleError(run, "SCNN0005", "height: 0"));
    }

    [Fact]
    public void Scnn0006StrideDoesNotFit()
    {
        GeneratorRun run = Network("1, 7, 7", "Conv2D(filters: 1, kernelSize: 3, stride: 3)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0006", "stride: 3");
        Assert.StartsWith(
            "Conv2D #1: (7 + 2*0 - 3) / 3 + 1 = 2.33 is not a whole number; the 3x3 filter with stride 3 does not fit the 7x7 input.",
            message);
    }

    [Fact]
    public void Scnn0006PositionalStrideIsLocatedOnTheArgument()
    {
        GeneratorRun run = Network("2, 11, 11", "ReLU", "MaxPool2D(2)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0006", "MaxPool2D(2)");
        Assert.StartsWith("MaxPool2D #2: (11 + 2*0 - 2) / 2 + 1 = 5.5 is not a whole number; the 2x2 window with stride 2 does not fit the 11x11 input.", message);
    }

    [Fact]
    public void Scnn0006InOneDimensionOnly()
    {
        GeneratorRun run = Network("1, 7, 8", "Conv2D(1, 3, 2)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0006", "2");
        Assert.StartsWith("Conv2D #1: (8 + 2*0 - 3) / 2 + 1 = 3.5 is not a whole number in width;", message);
    }

    [Fact]
    public void Scnn0007FilterLargerThanInput()
    {
        GeneratorRun run = Network("1, 5, 5", "Conv2D(2, kernelSize: 7)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0007", "kernelSize: 7");
        Assert.StartsWith(
            "Conv2D #1: the 7x7 filter is larger than the 5x5 input padded by 0 (5x5); (5 + 2*0 - 7) / 1 + 1 = -1 is less than 1.",
            message);
    }

    [Fact]
    public void Scnn0008PoolPaddingMoreThanHalfTheWindow()
    {
        GeneratorRun run = Network("1, 8, 8", "MaxPool2D(2, padding: 2)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0008", "padding: 2");
        Assert.Equal("MaxPool2D #1 (input 1x8x8): padding 2 is more than half the 2x2 window; it can be at most 1.", message);
    }

    [Fact]
    public void Scnn0009SpatialLayerAfterFlatten()
    {
        GeneratorRun run = Network("1, 4, 4", "Flatten", "Conv2D(2, 1)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0009", "Conv2D(2, 1)");
        Assert.Equal(
            "Conv2D #2 needs a C x H x W input, but Flatten #1 made the data flat (16); convolution and pooling layers must come before Flatten and Dense.",
            message);
    }

    [Fact]
    public void Scnn0010ActivationCountOverflowsInt()
    {
        GeneratorRun run = Network("1, 1000, 1000", "Conv2D(4096, 1)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0010", "Conv2D(4096, 1)");
        Assert.Equal("Conv2D #1: its output 4096x1000x1000 has 4,096,000,000 values, more than int can count (2,147,483,647).", message);
    }

    [Fact]
    public void Scnn0010ParameterCountOverflowsInt()
    {
        GeneratorRun run = Network("1, 1000, 1000", "Flatten", "Dense(5000)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0010", "Dense(5000)");
        Assert.Equal("Dense #2: (inputs + 1) * units = (1000000 + 1) * 5000 = 5,000,005,000 parameters, more than int can count (2,147,483,647).", message);
    }

    [Fact]
    public void Scnn0010InputOverflowsInt()
    {
        GeneratorRun run = Network("1, 50000, 50000", "ReLU");

        string message = DiagnosticAssert.SingleError(run, "SCNN0010", "Network(1, 50000, 50000)");
        Assert.Equal("Network 'Net': the input 1x50000x50000 has 2,500,000,000 values, more than int can count (2,147,483,647).", message);
    }

    /// <summary>Found by the fuzz test: 2147483647*2147483647*11 wrapped around a long and passed as negative.</summary>
    [Fact]
    public void Scnn0010InputBeyondALongIsStillCounted()
    {
        GeneratorRun run = Network("int.MaxValue, int.MaxValue, 11", "Tanh");

        string message = DiagnosticAssert.SingleError(run, "SCNN0010", "Network(int.MaxValue, int.MaxValue, 11)");
        Assert.Equal("Network 'Net': the input 2147483647x2147483647x11 has over 9,223,372,036,854,775,807 values, more than int can count (2,147,483,647).", message);
    }

    /// <summary>
    /// Input and output fit an int, but the zero-padded grid the kernels read, 65537^2, does not (in int it wraps
    /// to 131,073 floats): the planner stops before its int index arithmetic.
    /// </summary>
    [Theory]
    [InlineData("Conv2D(1, 32769, stride: 32769, padding: 32768)")]
    [InlineData("MaxPool2D(65536, stride: 65536, padding: 32768)")]
    public void Scnn0010PaddedGridOverflowsTheWorkspace(string layer)
    {
        GeneratorRun run = Network("1, 1, 1, Rounding = ShapeRounding.Floor", layer);

        string message = DiagnosticAssert.SingleError(run, "SCNN0010", layer);
        Assert.Contains("more than one array can hold", message);
    }

    [Theory]
    [InlineData("float.NaN", "NaN")]
    [InlineData("slope: 1f / 0f", "Infinity")]
    public void Scnn0011LeakyReLUSlopeNotFinite(string argument, string printed)
    {
        GeneratorRun run = Network("1, 4, 4", "Conv2D(2, 3)", $"LeakyReLU({argument})");

        string message = DiagnosticAssert.SingleError(run, "SCNN0011", argument);
        Assert.Equal($"LeakyReLU #2 (input 2x2x2): slope must be a finite number, but is {printed}.", message);
    }

    [Fact]
    public void Scnn0006WithAStrideLargerThanTheInputStillSuggestsStridesThatFit()
    {
        GeneratorRun run = Network("1, 7, 7", "Conv2D(1, 3, stride: 20)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0006", "stride: 20");
        Assert.Contains(" Stride 2 (3x3) or 4 (2x2) fit; ", message);
        Assert.EndsWith("or Rounding = ShapeRounding.Floor drops the cells no window reaches, as PyTorch and Keras's 'valid' padding do (1x1).", message);
    }

    [Fact]
    public void Scnn0006NeverSuggestsAValueWhoseOutputOverflows()
    {
        // (40000 - 3) / 7 is not whole; stride 1 would fit but give 2x39998x39998 = 3.2 billion values.
        GeneratorRun run = Network("1, 40000, 40000", "Conv2D(2, 3, stride: 7)");

        string message = DiagnosticAssert.SingleError(run, "SCNN0006", "stride: 7");
        Assert.DoesNotContain("Stride 1 (", message);
        Assert.Contains("Stride 23 (1740x1740) fits", message);
        Assert.All(run.AnalyzerDiagnostics.Single().Properties.Where(p => p.Key.StartsWith("fix", System.StringComparison.Ordinal)), p => Assert.DoesNotContain("stride=1|", p.Value));
    }

    // The timeout fails the test if the search for fitting values walks billions of candidates again.
    [Fact(Timeout = 10_000)]
    public System.Threading.Tasks.Task Scnn0006WithTheLargestPaddingIsReportedPromptly() => System.Threading.Tasks.Task.Run(() =>
    {
        GeneratorRun run = Network("1, 4, 4", "Conv2D(1, 3, 2, int.MaxValue)");

        DiagnosticAssert.SingleError(run, "SCNN0006", "2");
    });
}

using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Shapes;

/// <summary>The worked examples of CS231n lecture 5, checked against the pure shape inference.</summary>
public sealed class ConvolutionArithmeticTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 3)]
    public void SevenBySevenInputThreeByThreeFilter(int stride, int expected)
    {
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(1, 7, 7, Specs.Conv2D(1, 3, stride)));

        Assert.Empty(shapes.Errors);
        LayerShape conv = Assert.Single(shapes.Layers);
        Assert.Equal(new Shape(1, expected, expected), conv.Output);
        Assert.Equal(stride, conv.Stride);
    }

    [Fact]
    public void StrideThreeDoesNotFitSevenBySeven()
    {
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(1, 7, 7, Specs.Conv2D(1, 3, stride: 3)));

        ShapeError error = Assert.Single(shapes.Errors);
        Assert.Equal(Rule.NotWhole, error.Rule);
        Assert.Equal(1, error.LayerIndex);
        Assert.Equal("stride", error.Argument);
        Assert.StartsWith(
            "Conv2D #1: (7 + 2*0 - 3) / 3 + 1 = 2.33 is not a whole number; the 3x3 filter with stride 3 does not fit the 7x7 input.",
            error.Message);
        Assert.Empty(shapes.Layers);
        Assert.Equal(0, shapes.ParameterCount);
    }

    [Fact]
    public void StrideAdviceNamesStridesThatReallyFit()
    {
        ShapeError error = Assert.Single(ShapeInference.Infer(Specs.Network(1, 7, 7, Specs.Conv2D(1, 3, stride: 3))).Errors);

        List<FitSuggestion> strides = error.Suggestions.Where(s => s.Argument == "stride").ToList();
        Assert.NotEmpty(strides);
        foreach (FitSuggestion suggestion in strides)
        {
            // (7 - 3) must divide by the suggested stride: 1, 2 and 4 do.
            Assert.NotEqual(3, suggestion.Value);
            Assert.Equal(0, (7 - 3) % suggestion.Value);
            int output = ((7 - 3) / suggestion.Value) + 1;
            Assert.Equal($"{output}x{output}", suggestion.Output);
            Assert.Contains($"{suggestion.Value} ({output}x{output})", error.Message);
        }

        foreach (FitSuggestion suggestion in error.Suggestions.Where(s => s.Argument == "padding"))
        {
            Assert.Equal(0, (7 + (2 * suggestion.Value) - 3) % 3);
            Assert.Contains($"padding {suggestion.Value}", error.Message);
        }
    }

    [Fact]
    public void TenFiveByFiveFiltersWithPaddingTwoKeep32By32()
    {
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(3, 32, 32, Specs.Conv2D(10, 5, stride: 1, padding: 2)));

        Assert.Empty(shapes.Errors);
        LayerShape conv = Assert.Single(shapes.Layers);
        Assert.Equal(new Shape(3, 32, 32), conv.Input);
        Assert.Equal(new Shape(10, 32, 32), conv.Output);
        Assert.Equal(5 * 5 * 3 * 10, conv.WeightCount);
        Assert.Equal(10, conv.BiasCount);
        Assert.Equal(760, conv.ParameterCount);
        Assert.Equal(760, shapes.ParameterCount);
    }

    public static IEnumerable<object[]> KernelsAndSizes() =>
        from kernel in new[] { 3, 5, 7 }
        from size in new[] { 7, 8, 15, 28, 32, 224 }
        select new object[] { kernel, size };

    [Theory]
    [MemberData(nameof(KernelsAndSizes))]
    public void PaddingHalfTheKernelKeepsTheSize(int kernel, int size)
    {
        int padding = (kernel - 1) / 2;
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(2, size, size + 1, Specs.Conv2D(4, kernel, stride: 1, padding)));

        Assert.Empty(shapes.Errors);
        Assert.Equal(new Shape(4, size, size + 1), Assert.Single(shapes.Layers).Output);
    }
}

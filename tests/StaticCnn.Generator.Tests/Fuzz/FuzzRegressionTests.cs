using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Fuzz;

/// <summary>Declarations the fuzz test once failed on, compiled, run and compared with the reference every time.</summary>
public sealed class FuzzRegressionTests
{
    /// <summary>
    /// A stride-1 convolution whose input-gradient GEMM ran its last 3-vector block of 120 columns past a
    /// 128-float row into the next channel's row (input gradient [120] was 0).
    /// </summary>
    [Theory]
    [InlineData(3, 10, 12, 6, 6)]
    [InlineData(2, 10, 12, 1, 5)]
    [InlineData(2, 10, 12, 1, 6)]
    public void ConvolutionInputGradientRowsDoNotOverlap(int c, int h, int w, int filters, int kernel)
    {
        var declaration = new FuzzDeclaration(FuzzShape.Plain, c, h, w, null, new[] { new FuzzLayer("Conv2D", filters, kernel, 1, 0, null, 0f) });

        GeneratorFuzzTests.RunOne(declaration, declaration.Source(0));
    }

    /// <summary>A 1x1 max pooling without padding declared a comparison variable it never used (warning CS0168).</summary>
    [Fact]
    public void OneByOneMaxPoolingCompilesWithoutWarnings()
    {
        var declaration = new FuzzDeclaration(FuzzShape.Plain, 1, 8, 4, null, new[] { new FuzzLayer("ReLU", 0, 0, 0, 0, null, 0f), new FuzzLayer("MaxPool2D", 1, 0, 0, 0, null, 0f) });

        DiagnosticAssert.Clean(GeneratorHarness.Run(declaration.Source(0)));
        GeneratorFuzzTests.RunOne(declaration, declaration.Source(0));
    }
}

using StaticCnn.Generator.Shapes;
using Xunit;

namespace StaticCnn.Generator.Tests.Shapes;

/// <summary>out = (N + 2P - F) / S + 1 and the searches for values that fit.</summary>
public sealed class OutputSizeTests
{
    [Theory]
    [InlineData(7, 3, 1, 0, 5L)]
    [InlineData(7, 3, 2, 0, 3L)]
    [InlineData(7, 3, 3, 0, null)]
    [InlineData(32, 5, 1, 2, 32L)]
    [InlineData(28, 2, 2, 0, 14L)]
    [InlineData(5, 7, 1, 0, null)]
    [InlineData(5, 7, 1, 1, 1L)]
    [InlineData(7, 3, 0, 0, null)]
    [InlineData(7, 3, -1, 0, null)]
    public void Exact(long n, long f, long s, long p, long? expected) =>
        Assert.Equal(expected, OutputSize.Exact(n, f, s, p));

    [Fact]
    public void ExactDoesNotOverflowOnTheLargestInts() =>
        Assert.Equal(3L * int.MaxValue, OutputSize.Exact(int.MaxValue, 1, 1, int.MaxValue));

    [Fact]
    public void RealAndArithmeticForMessages()
    {
        Assert.Equal(7.0 / 3.0, OutputSize.Real(7, 3, 3, 0), 12);
        Assert.Equal("(7 + 2*0 - 3) / 3 + 1", OutputSize.Arithmetic(7, 3, 3, 0));
        Assert.Equal("(32 + 2*2 - 5) / 1 + 1", OutputSize.Arithmetic(32, 5, 1, 2));
    }

    [Fact]
    public void StridesThatFitAreTheNearestFirstThenSorted() =>
        Assert.Equal(new[] { (2, 3L, 3L), (4, 2L, 2L) }, OutputSize.StridesThatFit(7, 7, 3, 3, 0, max: 2));

    [Fact]
    public void StridesThatFitMustFitBothDimensions()
    {
        // 7 - 3 = 4 and 9 - 3 = 6 are both divisible by 1 and 2 only.
        Assert.Equal(new[] { (1, 5L, 7L), (2, 3L, 4L) }, OutputSize.StridesThatFit(7, 9, 3, 3, 0, max: 5));
    }

    [Fact]
    public void PaddingsThatFit() =>
        Assert.Equal(new[] { (1, 3L, 3L) }, OutputSize.PaddingsThatFit(7, 7, 3, 3, 0, maxPadding: 2, max: 1));

    [Fact]
    public void KernelsThatFitAreLargestFirst() =>
        Assert.Equal(new[] { (5, 1L, 1L), (4, 2L, 2L) }, OutputSize.KernelsThatFit(5, 5, 7, 1, 0, max: 2));

    [Fact]
    public void StridesThatFitAreFoundWhenTheDeclaredStrideIsLargerThanTheInput() =>
        Assert.Equal(new[] { (2, 3L, 3L), (4, 2L, 2L) }, OutputSize.StridesThatFit(7, 7, 3, 20, 0, max: 2));

    [Fact]
    public void SearchesStayShortForTheLargestDeclaredValues()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.Empty(OutputSize.PaddingsThatFit(4, 4, 3, 2, int.MaxValue, maxPadding: 2, max: 1));
        Assert.Equal(new[] { (3, 2L, 2L) }, OutputSize.StridesThatFit(4, 4, 1, int.MaxValue, 0, max: 1));
        Assert.Empty(OutputSize.KernelsThatFit(4, 5, int.MaxValue, int.MaxValue, 1_000_000_000, max: 1));

        // Each used to walk up to two billion candidates (seconds to minutes in the IDE, per keystroke).
        Assert.True(clock.ElapsedMilliseconds < 2_000, $"took {clock.ElapsedMilliseconds} ms");
    }
}

using System.Threading.Tasks;
using StaticCnn.Generator.Model;
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
        Assert.Equal("2.33", OutputSize.Real(7, 3, 3, 0));
        Assert.Equal("14.5", OutputSize.Real(32, 5, 2, 0));
        Assert.Equal("28", OutputSize.Real(32, 5, 1, 0));
        Assert.Equal("0.33", OutputSize.Real(3, 5, 3, 0));
        Assert.Equal("(7 + 2*0 - 3) / 3 + 1", OutputSize.Arithmetic(7, 3, 3, 0));
        Assert.Equal("(32 + 2*2 - 5) / 1 + 1", OutputSize.Arithmetic(32, 5, 1, 2));
    }

    [Theory]
    [InlineData(7, 3, 1_000_000, 0, "1.000004")]
    [InlineData(int.MaxValue, 1, int.MaxValue, 0, "1.9999999995")]
    [InlineData(8, 3, 1_000_000_000, 0, "1.00000001")]
    [InlineData(4, 2, 3, 0, "1.67")]
    public void AQuotientThatIsNotWholeIsNeverShownAsWhole(long n, long f, long s, long p, string expected) =>
        Assert.Equal(expected, OutputSize.Real(n, f, s, p));

    [Theory]
    [InlineData(32, 5, 2, 0, 1 /* Floor */, 14L)]
    [InlineData(32, 5, 2, 0, 2 /* Ceil */, 15L)]
    [InlineData(32, 5, 2, 0, 0 /* Exact */, null)]
    [InlineData(5, 2, 2, 0, 2 /* Ceil */, 3L)]
    [InlineData(5, 2, 2, 1, 2 /* Ceil */, 3L)] // ceil(2.5) + 1 = 4, but window 4 would start in the right padding
    [InlineData(6, 3, 2, 1, 2 /* Ceil */, 4L)]
    [InlineData(3, 5, 1, 0, 1 /* Floor */, null)]
    [InlineData(28, 2, 2, 0, 2 /* Ceil */, 14L)]
    public void RoundedFollowsPyTorch(long n, long f, long s, long p, int rounding, long? expected) =>
        Assert.Equal(expected, OutputSize.Rounded(n, f, s, p, (StaticCnn.Generator.Model.ShapeRounding)rounding));

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

    // Each search used to walk up to two billion candidates (seconds to minutes in the IDE, per keystroke); the
    // timeout fails the test if one does again.
    [Fact(Timeout = 2_000)]
    public Task SearchesStayShortForTheLargestDeclaredValues() => Task.Run(() =>
    {
        Assert.Empty(OutputSize.PaddingsThatFit(4, 4, 3, 2, int.MaxValue, maxPadding: 2, max: 1));
        Assert.Equal(new[] { (3, 2L, 2L) }, OutputSize.StridesThatFit(4, 4, 1, int.MaxValue, 0, max: 1));
        Assert.Empty(OutputSize.KernelsThatFit(4, 5, int.MaxValue, int.MaxValue, 1_000_000_000, max: 1));
    });
}

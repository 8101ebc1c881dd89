using System.Collections.Generic;
using StaticCnn.Generator.Planning;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// <see cref="ColumnMap.Compact"/> decides when an implicit convolution's register block may run over compact
/// output columns. Checked against the definition, by enumerating every block: all its vectors' columns must be
/// output pixels whose padded-input addresses are the block base plus the constant per-vector offset the
/// generated code uses, and the blocks must tile the output exactly (no read past the last row).
/// </summary>
public sealed class ColumnMapTests
{
    public static IEnumerable<object[]> Shapes()
    {
        foreach (int height in new[] { 1, 3, 4, 8, 10, 16, 28, 32 })
        {
            foreach (int width in new[] { 1, 2, 4, 5, 8, 10, 12, 16, 24, 28, 32, 48 })
            {
                yield return new object[] { height, width };
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CompactBlocksReadExactlyTheirOutputPixels(int height, int width)
    {
        foreach (int padding in new[] { 1, 2, 4 })
        {
            var map = new ColumnMap(height, width, width + padding);
            foreach (int lanes in new[] { 1, 4, 8, 16 })
            {
                for (int vectors = 1; vectors <= 4; vectors++)
                {
                    if (map.Compact(vectors, lanes))
                    {
                        AssertBlocksTile(map, vectors, lanes);
                    }
                }
            }
        }
    }

    [Fact]
    public void TheVggAndCifarShapesRunCompactWhereTheyShould()
    {
        // 16x16 output, AVX2 6x2 block: 16 floats, one row per block.
        Assert.True(new ColumnMap(16, 16, 18).Compact(2, 8));

        // 8x8 output, AVX-512 vectors of 16 would straddle two rows: never compact.
        Assert.False(new ColumnMap(8, 8, 10).Compact(3, 16));

        // 32x32, 3 vectors of 8 = 24 floats: blocks would straddle rows at varying offsets.
        Assert.False(new ColumnMap(32, 32, 34).Compact(3, 8));

        // 8x8, 3 vectors of 8 = 3 rows per block, but 8 rows are not whole blocks of 3: it would read past the end.
        Assert.False(new ColumnMap(8, 8, 10).Compact(3, 8));
    }

    private static void AssertBlocksTile(ColumnMap map, int vectors, int lanes)
    {
        int block = vectors * lanes;
        int total = map.Height * map.Width;
        Assert.True(total % block == 0, $"{map} {vectors}x{lanes}: {total} columns are not whole blocks");
        for (int j = 0; j < total; j += block)
        {
            // What the generated code computes: the block's base and each vector's constant offset.
            int width = map.Width;
            int baseAddress = j + (j / width * (map.PaddedWidth - width));
            for (int v = 0; v < vectors; v++)
            {
                int offset = (v * lanes / width * map.PaddedWidth) + (v * lanes % width);
                for (int lane = 0; lane < lanes; lane++)
                {
                    int column = j + (v * lanes) + lane;
                    int oy = column / map.Width, ox = column % map.Width;
                    Assert.Equal((oy * map.PaddedWidth) + ox, baseAddress + offset + lane);
                }
            }
        }
    }
}

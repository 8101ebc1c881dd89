using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Planning;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// The planning rules behind direct stores and filters in lanes, against their definitions: blocks that cover each
/// output row (the last moved back to end at the row's end) write every output pixel and nothing else, and
/// pixel-row blocks lie inside one output row and fit the registers they are planned for.
/// </summary>
public sealed class FiltersInLanesPlanTests
{
    public static IEnumerable<object[]> Maps() =>
        from height in new[] { 1, 5, 10, 28 }
        from width in new[] { 1, 4, 7, 10, 12, 20, 28, 30, 33 }
        from padding in new[] { 0, 2, 4 }
        select new object[] { height, width, width + padding };

    [Theory]
    [MemberData(nameof(Maps))]
    public void OverlappingBlocksCoverEachRowExactlyWithinThePaddedRow(int height, int width, int paddedWidth)
    {
        var map = new ColumnMap(height, width, paddedWidth);
        foreach (int lanes in new[] { 1, 4, 8, 16 })
        {
            for (int vectors = 1; vectors <= 4; vectors++)
            {
                int floats = vectors * lanes;
                if (!map.Overlaps(vectors, lanes))
                {
                    // Not taken: a block wider than the row, or more columns than the padded row has.
                    Assert.True(width < floats || (width + floats - 1) / floats * floats > paddedWidth);
                    continue;
                }

                // What the generated code computes per row: perRow blocks at ox = min(i * floats, width - floats).
                int perRow = (width + floats - 1) / floats;
                var covered = new bool[width];
                for (int i = 0; i < perRow; i++)
                {
                    int ox = System.Math.Min(i * floats, width - floats);
                    Assert.InRange(ox, 0, width - floats);
                    for (int c = ox; c < ox + floats; c++)
                    {
                        covered[c] = true;
                    }
                }

                Assert.All(covered, Assert.True);
                Assert.True(perRow * floats <= paddedWidth, $"{map} {vectors}x{lanes}: {perRow * floats} columns per row");
            }
        }
    }

    [Fact]
    public void LeNetConv1RunsDirectAtEveryNarrowWidth()
    {
        // 28-wide output on rows of 32: the 6x2 block of 8-lane vectors covers each row with blocks at 0 and 12.
        var map = new ColumnMap(28, 28, 32);
        Assert.False(map.Compact(2, 8));
        Assert.True(map.Overlaps(2, 8));
        Assert.True(map.Overlaps(2, 4));
        Assert.True(map.Overlaps(2, 1));

        // The AVX-512 6x4 block (64 floats) is wider than the row: padded rows and the compaction pass.
        Assert.False(map.Overlaps(4, 16));
    }

    [Theory]
    [InlineData(10, 10, 16)]
    [InlineData(7, 7, 8)]
    [InlineData(7, 7, 24)]
    [InlineData(13, 13, 32)]
    [InlineData(6, 30, 16)]
    public void PixelRowBlocksStayInOneRowAndFitTheirRegisters(int height, int width, int filters)
    {
        foreach ((int lanes, int registers) in new[] { (8, 16), (8, 32), (16, 32) })
        {
            RegisterBlock block = Blocking.ForPixelRows(height, width, filters, lanes, registers);
            Assert.Equal(0, width % block.Rows);
            Assert.True((block.Rows * block.Vectors) + block.Vectors + 1 <= registers, $"{block} for {registers} registers");
            Assert.True(block.Vectors * lanes <= ((filters + lanes - 1) / lanes * lanes), $"{block}: more vectors than the filters fill");
        }
    }

    [Fact]
    public void LeNetConv2GetsItsMeasuredBlocks()
    {
        // 16 filters over 10x10: 5 pixels x 2 vectors with 16 registers, 10 x 2 with 32, 10 x 1 at 16 lanes.
        Assert.Equal(new RegisterBlock(5, 2), Blocking.ForPixelRows(10, 10, 16, 8, 16));
        Assert.Equal(new RegisterBlock(10, 2), Blocking.ForPixelRows(10, 10, 16, 8, 32));
        Assert.Equal(new RegisterBlock(10, 1), Blocking.ForPixelRows(10, 10, 16, 16, 32));
    }
}

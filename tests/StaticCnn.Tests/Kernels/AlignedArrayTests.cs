using System;
using System.Runtime.InteropServices;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// <see cref="Memory.AllocateAligned"/>, which makes every array of a network's storage. Alone (not beside other test classes,
/// whose allocations on other threads come between a spacer and its array): alignment is best effort.
/// </summary>
[Collection(nameof(AlignedArrayTests))]
public sealed class AlignedArrayTests
{
    private static long Misalignment(float[] array)
    {
        GCHandle handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            return (long)handle.AddrOfPinnedObject() % 64;
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void ArraysAreZeroedOfTheLengthAskedAndOftenOnACacheLine()
    {
        // This process has made and dropped thousands of networks: their arrays left holes in the pinned heap, where an
        // array may land away from its spacer, correct but misaligned (about half of them in a full run, all of them
        // in a fresh process). Without the spacers one in eight would land aligned by chance: 40 arrays, at least 12.
        int aligned = 0;
        int[] lengths = [1, 7, 16, 100, 4_097, 30_000, 250_000, 1_000_003, 3, 65_536];
        for (int repeat = 0; repeat < 4; repeat++)
        {
            foreach (int length in lengths)
            {
                float[] array = Memory.AllocateAligned(length);
                Assert.Equal(length, array.Length);
                Assert.True(Array.TrueForAll(array, v => v == 0f));
                aligned += Misalignment(array) == 0 ? 1 : 0;
            }
        }

        Assert.True(aligned >= 12, $"{aligned} of 40 arrays began on a 64-byte boundary.");
    }
}

/// <summary>The collection <see cref="AlignedArrayTests"/> runs in, by itself.</summary>
[CollectionDefinition(nameof(AlignedArrayTests), DisableParallelization = true)]
public sealed class AlignedArrayCollection;

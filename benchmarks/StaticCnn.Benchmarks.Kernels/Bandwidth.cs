using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// The memory bandwidth one core gets streaming a working set of a given size: a vectorised copy of
/// <c>bytes / 2</c> into another <c>bytes / 2</c>, counted as bytes read plus bytes written per second (best
/// of many rounds). At a layer's own working-set size this is the cache level it actually runs from; at 256 MiB
/// it is DRAM. A memory-bound kernel cannot beat it: it has to read its input and weights and write its output.
/// </summary>
public static class Bandwidth
{
    /// <summary>GB/s (10^9 bytes read + written per second) over a working set of <paramref name="bytes"/>.</summary>
    public static double Measure(long bytes)
    {
        int floats = (int)Math.Max(64, bytes / 8);
        float[] source = new float[floats], destination = new float[floats];
        source.AsSpan().Fill(1f);
        long moved = 8L * floats;
        int repeats = (int)Math.Clamp(200_000_000 / moved, 1, 100_000);
        double best = 0;
        for (int round = 0; round < 30; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < repeats; r++)
            {
                Copy(source, destination);
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, moved * (double)repeats / seconds / 1e9);
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Copy(float[] source, float[] destination)
    {
        ref float s = ref source[0];
        ref float d = ref destination[0];
        int n = source.Length, i = 0;
        for (; i + 32 <= n; i += 32)
        {
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref s, (nuint)i), ref d, (nuint)i);
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref s, (nuint)(i + 8)), ref d, (nuint)(i + 8));
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref s, (nuint)(i + 16)), ref d, (nuint)(i + 16));
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref s, (nuint)(i + 24)), ref d, (nuint)(i + 24));
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
        }
    }
}

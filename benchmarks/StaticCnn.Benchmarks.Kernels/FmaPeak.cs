using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// The FMA throughput of one core: 12 independent accumulator chains (enough to cover the FMA latency on two
/// ports) of fused multiply-adds, so the loop does nothing but FMAs. GFLOP/s counts 2 per lane per FMA.
/// </summary>
public static class FmaPeak
{
    /// <summary>FMAs per <see cref="Loop256"/>/<see cref="Loop512"/> iteration.</summary>
    public const int FmasPerIteration = 12;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SimdWidth, double> Measured = new();

    /// <summary>The peak at <paramref name="width"/>, measured once per process (NaN where the width is not supported).</summary>
    public static double Cached(SimdWidth width) =>
        Measured.GetOrAdd(width, w => SimdSupport.IsSupported(w) ? Measure(w) : double.NaN);

    public static double Measure(SimdWidth width)
    {
        const int iterations = 200_000;
        double best = 0;
        for (int round = 0; round < 40; round++)
        {
            long start = Stopwatch.GetTimestamp();
            float sink = width == SimdWidth.Vector512 ? Loop512(iterations) : Loop256(iterations);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            int lanes = width == SimdWidth.Vector512 ? 16 : 8;
            double gflops = 2.0 * lanes * FmasPerIteration * iterations / seconds / 1e9;
            if (gflops > best && sink != 1.2345f)
            {
                best = gflops;
            }
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Loop256(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), a = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector256<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Loop512(int iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector512<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}

using System;
using System.Diagnostics;
using StaticCnn;

namespace TinyMl;

/// <summary>Median and best time per call over several rounds, and the bytes a call allocates.</summary>
internal readonly record struct LatencyResult(double MedianMicroseconds, double BestMicroseconds, int Rounds, int CallsPerRound, double AllocatedBytesPerCall);

/// <summary>
/// A sample's latency figure (Stopwatch over rounds of calls after a warm-up, the median round reported). The figures
/// in docs/benchmarks.md come from BenchmarkDotNet (benchmarks/), not from this.
/// </summary>
internal static class Latency
{
    public static LatencyResult Measure(INetwork network, float[] input, float[] output, int iterations)
    {
        const int Rounds = 10;
        int perRound = Math.Max(1, iterations / Rounds);
        // Warm-up, at least half a second: tiered JIT runs the kernels unoptimised first and recompiles them in the
        // background (later when the machine is busy).
        long warmStart = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmStart).TotalMilliseconds < 500)
        {
            network.Forward(input, output);
        }

        double[] microseconds = new double[Rounds];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < Rounds; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++)
            {
                network.Forward(input, output);
            }

            microseconds[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / perRound;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Array.Sort(microseconds);
        return new LatencyResult((microseconds[Rounds / 2 - 1] + microseconds[Rounds / 2]) / 2, microseconds[0], Rounds, perRound, (double)allocated / (Rounds * perRound));
    }
}

using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// A quick look for kernel work: best-round time of one forward pass per network and width, and its GFLOP/s
/// against the measured FMA peak. Direction only; the BenchmarkDotNet classes are the measurement.
/// </summary>
internal static class Probe
{
    public static void Run(string[] names)
    {
        string[] selected = names.Length > 0 ? names : Catalog.All.ToArray();
        double peak256 = FmaPeak.Measure(SimdWidth.Vector256);
        double peak512 = Vector512Supported() ? FmaPeak.Measure(SimdWidth.Vector512) : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FMA peak, 1 thread: Vector256 {peak256:F1} GFLOP/s, Vector512 {peak512:F1} GFLOP/s"));
        if (selected.Any(n => Array.IndexOf(Catalog.Depthwise, n) >= 0))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Copy bandwidth, 1 thread (read + write): 32 KiB {Bandwidth.Measure(32 << 10):F1} GB/s, 256 KiB {Bandwidth.Measure(256 << 10):F1} GB/s, 4 MiB {Bandwidth.Measure(4 << 20):F1} GB/s, 256 MiB {Bandwidth.Measure(256 << 20):F1} GB/s"));
        }
        foreach (string name in selected)
        {
            foreach (SimdWidth width in SimdSupport.SupportedWidths().Where(w => w >= SimdWidth.Vector256))
            {
                INetwork net = Catalog.Create(name);
                net.VectorWidth = width;
                float[] input = Catalog.Inputs(net.InputLength, 1);
                float[] output = new float[net.OutputLength];
                double us = Best(() => net.Forward(input, output));
                double gflops = Catalog.ForwardFlops(net) / us / 1e3;
                float[] outputGradient = Catalog.Inputs(net.OutputLength, 3);
                net.Forward(input, output);
                double backwardUs = Best(() => net.Backward(outputGradient, Span<float>.Empty));
                double peak = width == SimdWidth.Vector512 ? peak512 : peak256;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-12} {width,-9} forward {us,9:F2} us  {gflops,6:F1} GFLOP/s  {100 * gflops / peak,5:F1}% of peak, backward {backwardUs,9:F2} us"));
            }

            if (Array.IndexOf(Catalog.Depthwise, name) >= 0)
            {
                INetwork layer = Catalog.Create(name);
                float[] x = Catalog.Inputs(layer.InputLength, 1);
                float[] y = new float[layer.OutputLength];
                long bytes = Catalog.ForwardBytes(layer);
                double gbytes = bytes / Best(() => layer.Forward(x, y)) / 1e3;
                double copy = Bandwidth.Measure(bytes);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-12} default   forward {gbytes,6:F1} GB/s over {bytes / 1024.0,7:F1} KiB; copy at that size {copy,6:F1} GB/s ({100 * gbytes / copy:F0}%)"));
            }

            if (Array.IndexOf(Catalog.Networks, name) < 0)
            {
                if (Array.IndexOf(Catalog.DataDependent, name) >= 0)
                {
                    InterleavedRows(name);
                }

                continue;
            }

            INetwork batched = Catalog.Create(name);
            batched.BatchCapacity = 64;
            float[] inputs = Catalog.Inputs(64 * batched.InputLength, 2);
            float[] outputs = new float[64 * batched.OutputLength];
            double perSample = Best(() => batched.Forward(inputs, outputs, 64)) / 64;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-12} default   forward, batch 64: {perSample,9:F2} us per sample"));
            InterleavedRows(name);
            foreach (int workers in new[] { 1, 2 })
            {
                var step = new TrainingBenchmarks { Network = name, Workers = workers };
                step.Setup();
                double ms = Best(step.Step) / 1000;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-12} default   training step, batch 32, {workers} worker(s): {ms,8:F2} ms"));
            }
        }
    }

    /// <summary>Data-dependent costs (a mispredicted branch per window, say) show as a gap between these two rows.</summary>
    private static void InterleavedRows(string name)
    {
        foreach (bool distinct in new[] { false, true })
        {
            double interleaved = InterleavedForwardBackward(name, distinct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-12} default   32 x (Forward + Backward), one workspace, {(distinct ? "32 samples" : "one sample")}: {interleaved,8:F2} ms"));
        }
    }

    /// <summary>
    /// 32 samples' Forward then Backward on one instance, in ms: what a training step's passes cost when they
    /// alternate over different samples, without the batched API's one workspace per slot.
    /// </summary>
    /// <param name="distinct">False: the same sample 32 times, which a branch predictor learns.</param>
    private static double InterleavedForwardBackward(string name, bool distinct)
    {
        INetwork net = Catalog.Create(name);
        float[] inputs = Catalog.Inputs(32 * net.InputLength, 3);
        float[] output = new float[net.OutputLength];
        float[] outputGradient = Catalog.Inputs(net.OutputLength, 5);
        return Best(() =>
        {
            net.ZeroGradients();
            for (int s = 0; s < 32; s++)
            {
                net.Forward(inputs.AsSpan((distinct ? s : 0) * net.InputLength, net.InputLength), output);
                net.Backward(outputGradient, Span<float>.Empty);
            }
        }) / 1000;
    }

    private static bool Vector512Supported() => SimdSupport.IsSupported(SimdWidth.Vector512);

    /// <summary>After a warm-up, the fastest of 60 short rounds: the mean time of one call in µs.</summary>
    internal static double Best(Action action)
    {
        // Long enough for tiered compilation to finish promoting every method (call counting starts after 100 ms).
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 400)
        {
            action();
        }

        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (clock.ElapsedMilliseconds < 20)
        {
            action();
            calls++;
        }

        // Rounds of about 2 ms; the fastest round is the least disturbed by other processes on a shared machine.
        int perRound = Math.Max(1, calls / 10);
        double best = double.MaxValue;
        for (int r = 0; r < 60; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++)
            {
                action();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / perRound);
        }

        return best;
    }
}

using System;
using System.Diagnostics;
using System.Globalization;
using StaticCnn.Benchmarks.Kernels;
using StaticCnn.Tests.Onnx;

namespace StaticCnn.Benchmarks;

/// <summary>
/// A quick look at one network against ONNX Runtime in one process, their rounds alternating so that the machine's
/// slow spells hit both: <c>dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks -- ort-alternate DsCnn [batch] [rounds]</c>.
/// The same set-up as <see cref="OnnxRuntimeComparison"/> (frozen weights, one thread, ONNX Runtime's benchmark
/// configuration); prints each side's median time per call and the median of the per-round ratios. Not a substitute
/// for the BenchmarkDotNet figures in docs/benchmarks.md: a check between them.
/// </summary>
public static class OnnxAlternating
{
    public static void Run(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "DsCnn";
        int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        INetwork network = Catalog.Create(name);
        BenchmarkNetworks.RandomizeBiases(network, seed: 2);
        using var onnx = new OnnxRuntimeRunner(OnnxExporter.ToBytes(network), batch);
        float[] inputs = Catalog.Inputs(network.InputLength * batch, seed: 3);
        float[] outputs = new float[network.OutputLength * batch];
        inputs.CopyTo(onnx.Input);
        network.BatchCapacity = batch;
        network.BatchWorkers = 1;
        network.FreezeParameters();

        void Ours()
        {
            if (batch == 1)
            {
                network.Forward(inputs, outputs);
            }
            else
            {
                network.Forward(inputs, outputs, batch);
            }
        }

        // Calls per round: about 20 ms of ONNX Runtime's time.
        long start = Stopwatch.GetTimestamp();
        int warm = 0;
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 1000)
        {
            onnx.Run();
            Ours();
            warm++;
        }

        int perRound = Math.Max(1, (int)(warm * 20 / Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        double[] theirs = new double[rounds], ours = new double[rounds], ratios = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound && Environment.GetEnvironmentVariable("SKIP_ORT") is null; i++)
            {
                onnx.Run();
            }

            long t1 = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++)
            {
                Ours();
            }

            long t2 = Stopwatch.GetTimestamp();
            theirs[r] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds / perRound;
            ours[r] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds / perRound;
            ratios[r] = theirs[r] / ours[r];
        }

        Console.WriteLine(FormattableString.Invariant(
            $"{name}, batch {batch}, {rounds} rounds of {perRound} calls: ONNX Runtime {Median(theirs):F1} us, StaticCnn {Median(ours):F1} us, ONNX Runtime / StaticCnn {Median(ratios):F2} (median of the rounds' ratios)"));
    }

    private static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}

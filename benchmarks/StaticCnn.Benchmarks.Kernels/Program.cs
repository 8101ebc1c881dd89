using System;
using BenchmarkDotNet.Running;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// Runs the kernel benchmarks: <c>dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks.Kernels -- --filter '*'</c>
/// (any BenchmarkDotNet argument works, e.g. <c>--job short</c>). <c>-- probe [names]</c> instead prints a quick
/// direction-only table (median of short timed loops, no statistics) for iterating on kernels.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "probe")
        {
            Probe.Run(args.AsSpan(1).ToArray());
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

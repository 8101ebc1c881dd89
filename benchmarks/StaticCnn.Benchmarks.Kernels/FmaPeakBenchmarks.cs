using BenchmarkDotNet.Attributes;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// The FMA peak of one core: <see cref="FmaPeak.FmasPerIteration"/> independent FMA chains per iteration.
/// GFLOP/s = 2 * lanes * FMAs / time: with 100,000 iterations, 2.4 MFLOP (Vector256) or 4.8 MFLOP (Vector512)
/// per operation.
/// </summary>
public class FmaPeakBenchmarks
{
    private const int Iterations = 100_000;

    [Benchmark(Description = "FMA loop, Vector256 (2.4 MFLOP)")]
    public float Vector256() => FmaPeak.Loop256(Iterations);

    [Benchmark(Description = "FMA loop, Vector512 (4.8 MFLOP)")]
    public float Vector512() => FmaPeak.Loop512(Iterations);
}

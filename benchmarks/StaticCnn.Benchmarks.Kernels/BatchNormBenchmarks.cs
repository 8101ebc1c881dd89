using BenchmarkDotNet.Attributes;
using System;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// What BatchNorm costs at inference: the same depthwise-separable network with its BatchNorms folded into the
/// convolutions (BatchNorm before ReLU, the usual order), with BatchNorms that cannot fold (after the ReLU: a
/// normalisation pass per layer), and without BatchNorm (the floor). Batch 1 and batch 64, one thread.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FlopsConfig))]
public class BatchNormBenchmarks
{
    public const int Batch = 64;

    private INetwork _network = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private float[] _inputs = null!;
    private float[] _outputs = null!;

    [Params("BlocksFolded", "BlocksUnfolded", "BlocksPlain")]
    public string Network { get; set; } = "BlocksFolded";

    [Params(SimdWidth.Vector256)]
    public SimdWidth Width { get; set; } = SimdWidth.Vector256;

    [GlobalSetup]
    public void Setup()
    {
        _network = Catalog.Create(Network);
        _network.VectorWidth = Width;
        _network.BatchCapacity = 16;

        // Non-trivial running statistics, as after training (a fresh BatchNorm's are mean 0, variance 1).
        float[] buffers = Catalog.Inputs(_network.BufferCount, 7);
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = 0.5f + MathF.Abs(buffers[i]);
        }

        buffers.AsSpan().CopyTo(_network.Buffers);
        _input = Catalog.Inputs(_network.InputLength, 1);
        _output = new float[_network.OutputLength];
        _inputs = Catalog.Inputs(Batch * _network.InputLength, 2);
        _outputs = new float[Batch * _network.OutputLength];
    }

    [Benchmark(Description = "Forward, batch 1")]
    public void Forward() => _network.Forward(_input, _output);

    [Benchmark(Description = "Forward, batch 64 (per sample)", OperationsPerInvoke = Batch)]
    public void ForwardBatched() => _network.Forward(_inputs, _outputs, Batch);
}

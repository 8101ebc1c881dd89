using BenchmarkDotNet.Attributes;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// Inference: one sample through <c>Forward(input, output)</c>, and 64 samples through the batched
/// <c>Forward(inputs, outputs, 64)</c> (layer by layer in chunks of 16 slots, one thread), per network and SIMD width.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FlopsConfig))]
public class InferenceBenchmarks
{
    public const int Batch = 64;

    private INetwork _network = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private float[] _inputs = null!;
    private float[] _outputs = null!;

    [Params("LeNet5", "SeedNet", "CifarNet", "SmallVgg")]
    public string Network { get; set; } = "LeNet5";

    [Params(SimdWidth.Vector256, SimdWidth.Vector512)]
    public SimdWidth Width { get; set; } = SimdWidth.Vector256;

    [GlobalSetup]
    public void Setup()
    {
        _network = Catalog.Create(Network);
        _network.VectorWidth = SimdSupport.IsSupported(Width) ? Width : SimdSupport.Widest;
        _network.BatchCapacity = 16;
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

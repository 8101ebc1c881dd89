using BenchmarkDotNet.Attributes;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// Single convolution layers (with their ReLU) of the networks above, batch 1, with their GFLOP/s and the share
/// of the FMA peak measured in the same process (<see cref="FlopsConfig"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FlopsConfig))]
public class LayerBenchmarks
{
    private INetwork _network = null!;
    private float[] _input = null!;
    private float[] _output = null!;

    [Params("LeNetConv1", "VggConv1", "VggConv32", "VggConv64", "VggConv128", "CifarConv20")]
    public string Network { get; set; } = "VggConv32";

    [Params(SimdWidth.Vector256, SimdWidth.Vector512)]
    public SimdWidth Width { get; set; } = SimdWidth.Vector256;

    [GlobalSetup]
    public void Setup()
    {
        _network = Catalog.Create(Network);
        _network.VectorWidth = SimdSupport.IsSupported(Width) ? Width : SimdSupport.Widest;
        _input = Catalog.Inputs(_network.InputLength, 1);
        _output = new float[_network.OutputLength];
    }

    [Benchmark(Description = "Forward, batch 1")]
    public void Forward() => _network.Forward(_input, _output);
}

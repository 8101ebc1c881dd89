using BenchmarkDotNet.Attributes;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// MobileNetV1-0.25's depthwise layers alone, batch 1. A depthwise convolution does 9 multiply-adds per output
/// and reads each input about once: it is bound by memory, not by the FMA units, so the figure that matters is
/// GB/s against the copy bandwidth at the same working-set size (<see cref="BandwidthConfig"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BandwidthConfig))]
public class DepthwiseBenchmarks
{
    private INetwork _network = null!;
    private float[] _input = null!;
    private float[] _output = null!;

    [Params("Dw8x48", "Dw8x48Twice", "Dw16x48s2", "Dw32x24", "Dw64x12", "Dw64x12Twice", "Dw128x6", "Dw128x6Twice", "Pass8x48")]
    public string Network { get; set; } = "Dw8x48";

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

using System;
using BenchmarkDotNet.Attributes;
using StaticCnn.Benchmarks.Kernels;
using StaticCnn.Reference;

namespace StaticCnn.Benchmarks;

/// <summary>
/// One sample through the generated code against the naive double-precision reference the tests check it with
/// (plain loops written from the definitions). The reference is the baseline: the ratio is the generator's gain
/// over straightforward code.
/// </summary>
[MemoryDiagnoser]
public class ReferenceBenchmarks
{
    private INetwork _network = null!;
    private ReferenceNetwork _reference = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private float[] _outputGradient = null!;
    private float[] _inputGradient = null!;
    private double[] _outputGradientWide = null!;

    [Params("LeNet5", "SeedNet")]
    public string Network { get; set; } = "LeNet5";

    [GlobalSetup]
    public void Setup()
    {
        (_network, _reference) = Network switch
        {
            "LeNet5" => ((INetwork)new LeNet5(), new ReferenceNetwork(1, 28, 28,
                new RefConv2D(6, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2), new RefConv2D(16, 5), new RefReLU(),
                new RefMaxPool2D(2), new RefFlatten(), new RefDense(120), new RefReLU(), new RefDense(84), new RefReLU(),
                new RefDense(10))),
            "SeedNet" => (new SeedNet(), new ReferenceNetwork(3, 32, 32,
                new RefConv2D(10, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2), new RefConv2D(6, 1), new RefReLU(),
                new RefConv2D(8, 4, 2, 1), new RefReLU(), new RefAvgPool2D(2), new RefFlatten(), new RefDense(10))),
            _ => throw new ArgumentOutOfRangeException(nameof(Network), Network, "Unknown network."),
        };

        var random = new DeterministicRandom(1);
        _input = new float[_network.InputLength];
        for (int i = 0; i < _input.Length; i++)
        {
            _input[i] = random.NextSingle(-1f, 1f);
        }

        _output = new float[_network.OutputLength];
        _outputGradient = new float[_network.OutputLength];
        _outputGradientWide = new double[_network.OutputLength];
        for (int i = 0; i < _outputGradient.Length; i++)
        {
            _outputGradient[i] = random.NextSingle(-1f, 1f);
            _outputGradientWide[i] = _outputGradient[i];
        }

        _inputGradient = new float[_network.InputLength];
    }

    [Benchmark(Baseline = true, Description = "naive reference: Forward")]
    public double ReferenceForward() => _reference.Forward(_network.Parameters, _input)[0];

    [Benchmark(Description = "generated: Forward")]
    public float GeneratedForward()
    {
        _network.Forward(_input, _output);
        return _output[0];
    }

    [Benchmark(Description = "naive reference: Forward + Backward")]
    public double ReferenceForwardBackward()
    {
        _reference.Forward(_network.Parameters, _input);
        return _reference.Backward(_outputGradientWide).Input[0];
    }

    [Benchmark(Description = "generated: Forward + Backward")]
    public float GeneratedForwardBackward()
    {
        _network.Forward(_input, _output);
        _network.Backward(_outputGradient, _inputGradient);
        return _inputGradient[0];
    }
}

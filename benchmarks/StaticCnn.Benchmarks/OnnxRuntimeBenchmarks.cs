using System;
using BenchmarkDotNet.Attributes;
using StaticCnn.Benchmarks.Kernels;
using StaticCnn.Tests.Onnx;

namespace StaticCnn.Benchmarks;

/// <summary>
/// Inference on the same network with the same weights: the generated code against ONNX Runtime 1.31.1 running the
/// model <see cref="OnnxExporter"/> writes, in its fastest single-thread configuration (one intra-op thread, every
/// graph optimisation, input and output bound once through an IoBinding over preallocated arrays, so a run
/// allocates nothing). ONNX Runtime is the baseline of each row pair.
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimeBenchmarks : OnnxRuntimeComparison
{
    /// <summary>The networks of the first speed bars (sequential).</summary>
    [Params("LeNet5", "SeedNet", "CifarNet", "SmallVgg")]
    public override string Network { get; set; } = "LeNet5";
}

/// <summary>
/// The four MLPerf Tiny reference models (samples/TinyMl/Models: ResNet-8 with residual connections, DS-CNN and
/// MobileNetV1-0.25 with depthwise-separable blocks, the fully connected autoencoder; BatchNorm folded at inference)
/// against ONNX Runtime, as <see cref="OnnxRuntimeBenchmarks"/> does for the first networks:
/// <c>dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks -- --filter '*TinyMlOnnxRuntimeBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TinyMlOnnxRuntimeBenchmarks : OnnxRuntimeComparison
{
    /// <summary>Catalog.TinyMl.</summary>
    [Params("ResNet8", "DsCnn", "MobileNetV1", "FcAutoencoder")]
    public override string Network { get; set; } = "ResNet8";
}

/// <summary>The comparison itself: one network, one batch size, the generated code against ONNX Runtime.</summary>
public abstract class OnnxRuntimeComparison
{
    private INetwork _network = null!;
    private OnnxRuntimeRunner _onnx = null!;
    private float[] _inputs = null!;
    private float[] _outputs = null!;

    /// <summary>The network's name in <see cref="Catalog"/>.</summary>
    public abstract string Network { get; set; }

    [Params(1, 64)]
    public int Batch { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _network = Catalog.Create(Network);
        BenchmarkNetworks.RandomizeBiases(_network, seed: 2);
        _onnx = new OnnxRuntimeRunner(OnnxExporter.ToBytes(_network), Batch);
        _inputs = Catalog.Inputs(_network.InputLength * Batch, seed: 3);
        _outputs = new float[_network.OutputLength * Batch];
        _inputs.CopyTo(_onnx.Input);
        _network.BatchCapacity = Batch;
        _network.BatchWorkers = 1;

        // Weights held constant, as ONNX Runtime's session holds its initializers: the derived weights are made once.
        _network.FreezeParameters();
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    [Benchmark(Baseline = true, Description = "ONNX Runtime")]
    public float OnnxRuntime()
    {
        _onnx.Run();
        return _onnx.Output[0];
    }

    [Benchmark(Description = "StaticCnn")]
    public float StaticCnn()
    {
        if (Batch == 1)
        {
            _network.Forward(_inputs, _outputs);
        }
        else
        {
            // The batched inference call: samples one after another, chunked by BatchCapacity, one thread.
            _network.Forward(_inputs, _outputs, Batch);
        }

        return _outputs[0];
    }
}

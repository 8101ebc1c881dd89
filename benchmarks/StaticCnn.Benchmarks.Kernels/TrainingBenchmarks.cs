using System;
using BenchmarkDotNet.Attributes;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// One SGD training step at batch 32: zero the gradients, ForwardBatch, softmax cross-entropy gradient of the
/// logits, BackwardBatch (no input gradients), and p -= lr * g / 32; on 1 and 2 worker threads.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    public const int Batch = 32;

    private INetwork _network = null!;
    private float[] _inputs = null!;
    private float[] _outputs = null!;
    private float[] _outputGradients = null!;
    private int[] _labels = null!;

    [Params("LeNet5", "SeedNet", "CifarNet", "SmallVgg")]
    public string Network { get; set; } = "LeNet5";

    [Params(1, 2)]
    public int Workers { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _network = Catalog.Create(Network);
        _network.BatchCapacity = Batch;
        _network.BatchWorkers = Workers;
        _inputs = Catalog.Inputs(Batch * _network.InputLength, 3);
        _outputs = new float[Batch * _network.OutputLength];
        _outputGradients = new float[Batch * _network.OutputLength];
        _labels = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _labels[i] = i % _network.OutputLength;
        }
    }

    [Benchmark(Description = "Training step, batch 32")]
    public void Step()
    {
        INetwork net = _network;
        net.ZeroGradients();
        net.ForwardBatch(_inputs, _outputs, Batch);
        SoftmaxCrossEntropyGradient(_outputs, _labels, _outputGradients, net.OutputLength);
        net.BackwardBatch(_outputGradients, Span<float>.Empty, Batch);
        Span<float> p = net.Parameters;
        ReadOnlySpan<float> g = net.Gradients;
        const float rate = 0.01f / Batch;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] -= rate * g[i];
        }
    }

    /// <summary>dLoss/dLogits of the mean softmax cross-entropy: softmax(logits) - onehot(label), per sample.</summary>
    private static void SoftmaxCrossEntropyGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradients, int classes)
    {
        for (int s = 0; s < labels.Length; s++)
        {
            ReadOnlySpan<float> z = logits.Slice(s * classes, classes);
            Span<float> d = gradients.Slice(s * classes, classes);
            float max = float.NegativeInfinity;
            foreach (float v in z)
            {
                max = Math.Max(max, v);
            }

            float sum = 0;
            for (int i = 0; i < classes; i++)
            {
                d[i] = MathF.Exp(z[i] - max);
                sum += d[i];
            }

            for (int i = 0; i < classes; i++)
            {
                d[i] /= sum;
            }

            d[labels[s]] -= 1f;
        }
    }
}

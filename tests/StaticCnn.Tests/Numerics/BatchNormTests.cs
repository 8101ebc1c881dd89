using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using StaticCnn.Reference;
using StaticCnn.Tests.Networks;
using Xunit;
using TinyMl;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// Networks with BatchNorm and Dropout: the generated code in training mode (whole-batch statistics, running statistics
/// updated, hash dropout masks) and in evaluation mode against PyTorch's batch fixtures and the naive reference, at every
/// SIMD width and worker count; the statistics, outputs and buffers are the same bit for bit whatever the worker count.
/// </summary>
public sealed class BatchNormTests
{
    private static readonly Dictionary<string, (Func<INetwork> Create, string Case)> Networks = new()
    {
        ["mobilenetish"] = (() => new MobileNetish(), "MobileNetish"),
        ["dscnnish"] = (() => new DsCnnish(), "DsCnnish"),
        ["dense_batchnorm"] = (() => new DenseBatchNorm(), "DenseBatchNorm"),
        ["folding"] = (() => new FoldingNet(), "FoldingNet"),
        ["depthwise"] = (() => new DepthwiseKernelNet(), "DepthwiseKernelNet"),
        ["resnet8"] = (() => new ResNet8(), "ResNet8"),
        ["inverted_residual"] = (() => new InvertedResidualNet(), "InvertedResidualNet"),
        ["inception"] = (() => new InceptionNet(), "InceptionNet"),
        ["dscnn"] = (() => new DsCnn(), "DsCnn"),
        ["mobilenet_v1"] = (() => new MobileNetV1(), "MobileNetV1"),
        ["fc_autoencoder"] = (() => new FcAutoencoder(), "FcAutoencoder"),
    };

    public static IEnumerable<object[]> FixtureCases() =>
        from fixture in PyTorchFixture.BatchNames.Concat(PyTorchFixture.GraphBatchNames).Concat(PyTorchFixture.TinyMlBatchNames)
        from width in SimdSupport.SupportedWidths()
        from workers in new[] { 1, 2 }
        select new object[] { fixture, width, workers };

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void BatchMatchesPyTorch(string fixtureName, SimdWidth width, int workers)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(fixtureName);
        INetwork net = Networks[fixtureName[..fixtureName.LastIndexOf('_')]].Create();
        net.VectorWidth = width;
        net.BatchCapacity = fixture.Samples;
        net.BatchWorkers = workers;
        fixture.Parameters.CopyTo(net.Parameters);
        fixture.Buffers.CopyTo(net.Buffers);
        net.TrainingSeed = fixture.DropoutSeed ?? 0;
        net.Training = fixture.Training;
        float[] logits = new float[fixture.Logits.Length];
        float[] inputGradients = new float[fixture.X.Length];

        net.ZeroGradients();
        net.ForwardBatch(fixture.X, logits, fixture.Samples);
        net.BackwardBatch(fixture.OutputGradient, inputGradients, fixture.Samples);

        string what = $"{fixtureName}/{width}/{workers} workers";
        double relative = fixture.RelativeTolerance;
        Tolerance.AssertClose(fixture.Logits, logits, what + " logits", relative);
        Tolerance.AssertClose(fixture.BuffersAfter, net.Buffers, what + " buffers after", relative);
        Tolerance.AssertClose(fixture.ParameterGradients, net.Gradients, what + " parameter gradients", relative);
        Tolerance.AssertClose(fixture.InputGradient, inputGradients, what + " input gradients", relative);
    }

    [Theory]
    [MemberData(nameof(WidthCases))]
    public void OutputsAndBuffersAreTheSameBitForBitWhateverTheWorkerCount(string name, SimdWidth width)
    {
        float[] Run(int workers, out float[] buffers, out float[] gradients)
        {
            INetwork net = Networks[name].Create();
            net.VectorWidth = width;
            net.BatchCapacity = 6;
            net.BatchWorkers = workers;
            Samples.Uniform(net.ParameterCount, seed: 1, -0.5f, 0.5f).CopyTo(net.Parameters);
            net.Training = true;
            net.TrainingSeed = 3;
            float[] outputs = new float[6 * net.OutputLength];
            net.ForwardBatch(Samples.Uniform(6 * net.InputLength, seed: 2), outputs, 6);
            net.ZeroGradients();
            net.BackwardBatch(Samples.Uniform(6 * net.OutputLength, seed: 4), Span<float>.Empty, 6);
            buffers = net.Buffers.ToArray();
            gradients = net.Gradients.ToArray();
            return outputs;
        }

        float[] one = Run(1, out float[] oneBuffers, out float[] oneGradients);
        foreach (int workers in new[] { 2, 3 })
        {
            float[] many = Run(workers, out float[] manyBuffers, out float[] manyGradients);
            Assert.Equal(one, many);
            Assert.Equal(oneBuffers, manyBuffers);
            Tolerance.AssertClose(oneGradients, manyGradients, $"{name}/{width}: gradients with {workers} workers");
        }
    }

    public static IEnumerable<object[]> WidthCases() =>
        from name in Networks.Keys
        from width in SimdSupport.SupportedWidths()
        select new object[] { name, width };

    /// <summary>
    /// <see cref="WidthCases"/> without MobileNetV1 and the autoencoder: with uniform(-0.5, 0.5) parameters, three steps
    /// of batch statistics through 27 (9) BatchNorms move float32 gradients by up to 1e-3 of their scale and put ReLU
    /// inputs within rounding of their kink, so a 1e-4 comparison with the double reference measures the conditioning,
    /// not the code. Both are checked in training mode against PyTorch instead (<see cref="BatchMatchesPyTorch"/>: a
    /// fixture whose ReLU inputs keep off the kink, compared within twice PyTorch's own float32 deviation).
    /// </summary>
    public static IEnumerable<object[]> WellConditionedWidthCases() =>
        WidthCases().Where(c => (string)c[0] is not ("mobilenet_v1" or "fc_autoencoder"));

    [Theory]
    [MemberData(nameof(WellConditionedWidthCases))]
    public void TrainingBatchMatchesTheReferenceOverSeveralSteps(string name, SimdWidth width)
    {
        INetwork net = Networks[name].Create();
        NetworkCase network = NetworkCase.All.Single(n => n.Name == Networks[name].Case);
        ReferenceNetwork reference = network.Reference();
        net.VectorWidth = width;
        net.BatchCapacity = 5;
        Samples.Uniform(net.ParameterCount, seed: 11, -0.5f, 0.5f).CopyTo(net.Parameters);
        net.Training = true;
        net.TrainingSeed = 9;
        double[] buffers = Samples.Widen(net.Buffers);
        for (int step = 1; step <= 3; step++)
        {
            float[] inputs = Samples.Uniform(5 * net.InputLength, seed: 20 + step);
            float[] gradients = Samples.Uniform(5 * net.OutputLength, seed: 30 + step);
            float[] outputs = new float[5 * net.OutputLength];
            float[] inputGradients = new float[5 * net.InputLength];
            net.ZeroGradients();
            net.ForwardBatch(inputs, outputs, 5);
            net.BackwardBatch(gradients, inputGradients, 5);

            long trainingStep = step;
            double[][] expected = reference.ForwardBatch(Samples.Widen(net.Parameters), buffers, Split(inputs, 5),
                training: true, Mask(reference, 9, trainingStep));
            ReferenceBatchGradients expectedGradients = reference.BackwardBatch(Split(gradients, 5));
            string what = $"{name}/{width} step {step}";
            Tolerance.AssertClose(expected.SelectMany(v => v).ToArray(), outputs, what + " outputs");
            Tolerance.AssertClose(buffers, net.Buffers, what + " buffers");
            Tolerance.AssertClose(expectedGradients.Parameters, net.Gradients, what + " parameter gradients");
            Tolerance.AssertClose(expectedGradients.Inputs.SelectMany(v => v).ToArray(), inputGradients, what + " input gradients");
        }
    }

    [Theory]
    [MemberData(nameof(WidthCases))]
    public void EvaluationUsesTheRunningStatisticsPerSampleAndBatched(string name, SimdWidth width)
    {
        INetwork net = Networks[name].Create();
        NetworkCase network = NetworkCase.All.Single(n => n.Name == Networks[name].Case);
        ReferenceNetwork reference = network.Reference();
        net.VectorWidth = width;
        Samples.Uniform(net.ParameterCount, seed: 12, -0.5f, 0.5f).CopyTo(net.Parameters);
        RandomBuffers(net);
        reference.Buffers = Samples.Widen(net.Buffers);
        float[] input = Samples.Uniform(net.InputLength, seed: 13);
        float[] outputGradient = Samples.Uniform(net.OutputLength, seed: 14);
        float[] output = new float[net.OutputLength];
        float[] inputGradient = new float[net.InputLength];
        float[] before = net.Buffers.ToArray();

        net.ZeroGradients();
        net.Forward(input, output);
        net.Backward(outputGradient, inputGradient);

        double[] expected = reference.Forward(net.Parameters, input);
        ReferenceGradients gradients = reference.Backward(Samples.Widen(outputGradient));
        Tolerance.AssertClose(expected, output, $"{name}/{width} output");
        Tolerance.AssertClose(gradients.Parameters, net.Gradients, $"{name}/{width} parameter gradients");
        Tolerance.AssertClose(gradients.Input, inputGradient, $"{name}/{width} input gradient");
        Assert.Equal(before, net.Buffers.ToArray());

        // Batched inference evaluates too, whatever Training says.
        net.Training = true;
        float[] batched = new float[3 * net.OutputLength];
        float[] inputs = [.. input, .. Samples.Uniform(net.InputLength, seed: 15), .. input];
        net.Forward(inputs, batched, 3);
        Tolerance.AssertClose(expected, batched.AsSpan(0, net.OutputLength), $"{name}/{width} batched inference");
        Assert.Equal(batched.AsSpan(0, net.OutputLength).ToArray(), batched.AsSpan(2 * net.OutputLength, net.OutputLength).ToArray());
        Assert.Equal(before, net.Buffers.ToArray());
    }

    /// <summary>
    /// Evaluation runs the inference plan, whose folded scales and shifts are cached: every change to a BatchNorm's weight,
    /// bias or running statistics (written through the spans, or moved by a training step) is seen by the next Forward.
    /// </summary>
    [Theory]
    [MemberData(nameof(WidthCases))]
    public void EvaluationFollowsEveryChangeToTheWeightsAndRunningStatistics(string name, SimdWidth width)
    {
        INetwork net = Networks[name].Create();
        ReferenceNetwork reference = NetworkCase.All.Single(n => n.Name == Networks[name].Case).Reference();
        net.VectorWidth = width;
        net.BatchCapacity = 4;
        net.BatchWorkers = 2;
        Samples.Uniform(net.ParameterCount, seed: 40, -0.5f, 0.5f).CopyTo(net.Parameters);
        RandomBuffers(net);
        float[] input = Samples.Uniform(net.InputLength, seed: 41);
        float[] output = new float[net.OutputLength];
        float[] batched = new float[2 * net.OutputLength];

        void Check(string what)
        {
            net.Forward(input, output);
            net.Forward([.. input, .. input], batched, 2);
            reference.Buffers = Samples.Widen(net.Buffers);
            double[] expected = reference.Forward(net.Parameters, input);
            Tolerance.AssertClose(expected, output, $"{name}/{width} {what}: Forward");
            Tolerance.AssertClose(expected, batched.AsSpan(net.OutputLength), $"{name}/{width} {what}: batched Forward");
        }

        Check("first");
        foreach (LayerInfo layer in net.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            net.Buffers[layer.Tensor(TensorRole.RunningVariance)!.Offset] *= 3f;
            net.Buffers[layer.Tensor(TensorRole.RunningMean)!.Offset + 1] += 0.5f;
            net.Parameters[layer.Tensor(TensorRole.Scale)!.Offset] += 0.25f;
            net.Parameters[layer.Tensor(TensorRole.Shift)!.Offset + 1] -= 0.25f;
        }

        Check("after writing the spans");
        float[] before = net.Buffers.ToArray();
        net.Training = true;
        net.ForwardBatch(Samples.Uniform(4 * net.InputLength, seed: 42), new float[4 * net.OutputLength], 4);
        net.Training = false;
        Assert.NotEqual(before, net.Buffers.ToArray());
        Check("after a training step");
    }

    [Fact]
    public void TheSummaryCountsTheBuffers()
    {
        // Per BatchNorm: running_mean and running_var per channel and one num_batches_tracked.
        int[] channels = [.. MobileNetish.Layers.Where(l => l.Kind == LayerKind.BatchNorm).Select(l => l.Output.Channels)];
        int expected = channels.Sum(c => (2 * c) + 1);
        Assert.Equal(expected, ((INetwork)new MobileNetish()).BufferCount);
        Assert.Contains($"Buffers (BatchNorm running statistics, not learned): {expected} floats", MobileNetish.Summary);
        Assert.DoesNotContain("Buffers", LeNet5.Summary);
    }

    [Fact]
    public void ATrainingModeBatchNorm1dNeedsTwoSamples()
    {
        var net = new DenseBatchNorm { Training = true };
        float[] output = new float[DenseBatchNorm.OutputLength];
        var error = Assert.Throws<InvalidOperationException>(() => net.Forward(new float[DenseBatchNorm.InputLength], output));
        Assert.Contains("at least 2", error.Message);
        Assert.Contains("BatchNorm #3", error.Message);
    }

    [Fact]
    public void InitializeParametersResetsTheBatchNormState()
    {
        INetwork net = new MobileNetish();
        net.Buffers.Fill(7f);
        net.Parameters.Fill(3f);
        net.InitializeParameters(1);
        foreach (LayerInfo layer in net.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            int c = layer.Output.Channels;
            Assert.All(net.Parameters.Slice(layer.Tensor(TensorRole.Scale)!.Offset, c).ToArray(), v => Assert.Equal(1f, v));
            Assert.All(net.Parameters.Slice(layer.Tensor(TensorRole.Shift)!.Offset, c).ToArray(), v => Assert.Equal(0f, v));
            Assert.All(net.Buffers.Slice(layer.Tensor(TensorRole.RunningMean)!.Offset, c).ToArray(), v => Assert.Equal(0f, v));
            Assert.All(net.Buffers.Slice(layer.Tensor(TensorRole.RunningVariance)!.Offset, c).ToArray(), v => Assert.Equal(1f, v));
            Assert.Equal(0f, net.Buffers[layer.Tensor(TensorRole.BatchesTracked)!.Offset]);
        }
    }

    private static void RandomBuffers(INetwork net)
    {
        var random = new Random(3);
        foreach (LayerInfo layer in net.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            int c = layer.Output.Channels;
            for (int i = 0; i < c; i++)
            {
                net.Buffers[layer.Tensor(TensorRole.RunningMean)!.Offset + i] = (float)(random.NextDouble() - 0.5);
                net.Buffers[layer.Tensor(TensorRole.RunningVariance)!.Offset + i] = (float)(0.5 + (1.5 * random.NextDouble()));
            }

            net.Buffers[layer.Tensor(TensorRole.BatchesTracked)!.Offset] = 3;
        }
    }

    private static double[][] Split(float[] values, int count)
    {
        int length = values.Length / count;
        return Enumerable.Range(0, count).Select(i => Samples.Widen(values.AsSpan(i * length, length))).ToArray();
    }

    /// <summary>The product's dropout mask for the reference: layer numbers from 1, as the generated code's.</summary>
    private static Func<int, int, int, bool> Mask(ReferenceNetwork reference, int seed, long step) =>
        (layer, sample, element) => Dropout.Keeps(Dropout.Key(seed, step, layer + 1, sample), element, (float)((RefDropout)reference.Layers[layer]).P);
}

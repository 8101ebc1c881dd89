using System;
using System.Linq;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>
/// The trainer on a network with BatchNorm and Dropout: it trains through the master network's batched calls in training
/// mode (whole-batch statistics, seeded masks), evaluates in evaluation mode with the running statistics, learns the
/// teacher task, and gives the same weights and statistics for a seed, and up to rounding for any worker count.
/// </summary>
public sealed class BatchNormTrainingTests
{
    private static (float[] Parameters, float[] Buffers, double Accuracy) Train(int workers, int epochs = 2, bool adam = true)
    {
        ImageDataset train = TeacherData.Create(600, seed: 10);
        ImageDataset test = TeacherData.Create(300, seed: 11);
        using var trainer = new Trainer(
            () => new TinyBatchNormNet(), new SoftmaxCrossEntropyLoss(),
            adam ? new Adam(TinyBatchNormNet.ParameterCount, 0.01f) : new Sgd(TinyBatchNormNet.ParameterCount, 0.05f),
            new TrainerOptions { BatchSize = 32, Workers = workers, Seed = 4 });
        trainer.Network.InitializeParameters(1);
        trainer.Fit(train, epochs);
        double accuracy = trainer.Evaluate(test).Accuracy;
        Assert.False(trainer.Network.Training);
        return (trainer.Network.Parameters.ToArray(), trainer.Network.Buffers.ToArray(), accuracy);
    }

    [Fact]
    public void LearnsTheTeacherTaskWithBatchNormAndDropout()
    {
        (_, float[] buffers, double accuracy) = Train(workers: 2, epochs: 6);
        Assert.True(accuracy >= 0.9, $"accuracy after training {accuracy}");

        // Two BatchNorms; every training batch counted: 600 samples in batches of 32 is 19 batches an epoch.
        INetwork net = new TinyBatchNormNet();
        foreach (LayerInfo layer in net.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
        {
            Assert.Equal(6 * 19, buffers[layer.Tensor(TensorRole.BatchesTracked)!.Offset]);
            Assert.Contains(buffers.AsSpan(layer.Tensor(TensorRole.RunningMean)!.Offset, layer.Output.Channels).ToArray(), m => m != 0f);
        }
    }

    /// <summary>
    /// The two shapes of network train through the same trainer: the MobileNet-style and the DS-CNN-style test
    /// networks (BatchNorm after every convolution, depthwise blocks, 'same' padding, Dropout) learn to tell apart
    /// textures under noise as strong as they are, to at least 90 % held-out accuracy.
    /// </summary>
    [Theory]
    [InlineData("MobileNetish")]
    [InlineData("DsCnnish")]
    public void TheMobileNetAndDsCnnShapesLearn(string name)
    {
        Func<INetwork> create = name == "MobileNetish" ? () => new Networks.MobileNetish() : () => new Networks.DsCnnish();
        INetwork probe = create();
        TensorShape shape = probe.InputShape;
        int classes = Math.Min(probe.OutputLength, 4);
        ImageDataset train = PatternData(shape, classes, probe.OutputLength, 512, seed: 20);
        ImageDataset test = PatternData(shape, classes, probe.OutputLength, 256, seed: 21);
        using var trainer = new Trainer(create, new SoftmaxCrossEntropyLoss(), new Adam(probe.ParameterCount, 0.003f),
            new TrainerOptions { BatchSize = 32, Workers = 2, Seed = 5 });
        double before = trainer.Evaluate(test).Accuracy;
        trainer.Fit(train, epochs: 6);
        double after = trainer.Evaluate(test).Accuracy;
        Assert.True(after >= 0.9, $"{name}: held-out accuracy {before:F3} before training, {after:F3} after");
    }

    /// <summary>
    /// Noise in [-1, 1) plus one of <paramref name="classes"/> textures (the label), 0.8 sin(2 pi (fy y / H + fx x / W))
    /// with (fy, fx) = (2, 0), (6, 0), (0, 2), (3, 3): what a convolution and a global average pool can tell apart.
    /// The network's other outputs are classes that never occur.
    /// </summary>
    private static ImageDataset PatternData(TensorShape shape, int classes, int outputs, int count, int seed)
    {
        (int Fy, int Fx)[] frequencies = [(2, 0), (6, 0), (0, 2), (3, 3)];
        var patterns = new float[classes][];
        for (int c = 0; c < classes; c++)
        {
            patterns[c] = new float[shape.Length];
            for (int i = 0; i < shape.Length; i++)
            {
                int y = i / shape.Width % shape.Height, x = i % shape.Width;
                double phase = 2 * Math.PI * ((frequencies[c].Fy * y / (double)shape.Height) + (frequencies[c].Fx * x / (double)shape.Width));
                patterns[c][i] = (float)(0.8 * Math.Sin(phase));
            }
        }

        var random = new DeterministicRandom(seed, 2);
        var images = new float[count * shape.Length];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = random.NextInt32(classes);
            labels[n] = label;
            for (int i = 0; i < shape.Length; i++)
            {
                images[(n * shape.Length) + i] = random.NextSingle(-1f, 1f) + patterns[label][i];
            }
        }

        return new ImageDataset(images, labels, shape, classCount: outputs);
    }

    [Fact]
    public void SameSeedGivesBitwiseIdenticalWeightsAndStatistics()
    {
        (float[] parameters, float[] buffers, _) = Train(workers: 2);
        (float[] again, float[] againBuffers, _) = Train(workers: 2);
        Assert.Equal(parameters, again);
        Assert.Equal(buffers, againBuffers);
    }

    /// <remarks>
    /// With SGD: a bias right before a BatchNorm has a zero gradient in exact arithmetic (the BatchNorm removes the mean),
    /// so its computed gradient is rounding noise, which Adam would scale up to steps of the full learning rate.
    /// </remarks>
    [Fact]
    public void WorkerCountsAgreeUpToRounding()
    {
        (float[] one, float[] oneBuffers, _) = Train(workers: 1, adam: false);
        (float[] three, float[] threeBuffers, _) = Train(workers: 3, adam: false);
        double scale = Math.Sqrt(one.Sum(v => (double)v * v) / one.Length);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(Math.Abs(one[i] - three[i]) <= 1e-3 * scale, $"parameter {i}: {one[i]} vs {three[i]}");
        }

        for (int i = 0; i < oneBuffers.Length; i++)
        {
            Assert.True(Math.Abs(oneBuffers[i] - threeBuffers[i]) <= 1e-3 * Math.Max(1, Math.Abs(oneBuffers[i])), $"buffer {i}: {oneBuffers[i]} vs {threeBuffers[i]}");
        }
    }
}

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

using System;
using System.Linq;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Tests.Networks;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>
/// Real data: the Fashion-MNIST files of Debian's dataset-fashion-mnist package (CI installs it), read and trained on.
/// </summary>
public sealed class FashionMnistTrainingTests
{
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test, PixelNormalization Normalization)> Data = new(() =>
    {
        Assert.True(
            MnistFiles.Exists(FashionMnist.DefaultDirectory),
            $"Fashion-MNIST is not in {FashionMnist.DefaultDirectory}; install it with 'sudo apt-get install dataset-fashion-mnist'.");
        return FashionMnist.Load();
    });

    [Fact]
    public void TheFilesHaveFashionMnistsPublishedShapeAndStatistics()
    {
        var (train, test, normalization) = Data.Value;

        // Xiao et al. 2017: 60,000 training and 10,000 test images of 28x28, 6,000 and 1,000 per class.
        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(new TensorShape(1, 28, 28), train.SampleShape);
        for (int c = 0; c < 10; c++)
        {
            int label = c;
            Assert.Equal(6_000, train.Labels.ToArray().Count(l => l == label));
            Assert.Equal(1_000, test.Labels.ToArray().Count(l => l == label));
        }

        // The widely quoted normalisation constants of the training set: mean 0.2860, standard deviation 0.3530.
        Assert.Equal(0.2860, normalization.Mean, 5e-4);
        Assert.Equal(0.3530, normalization.StandardDeviation, 5e-4);
        Assert.Equal("Ankle boot", train.ClassNames[9]);
    }

    [Fact]
    public void LeNet5LearnsFashionMnistFromTwoThousandImages()
    {
        var (fullTrain, fullTest, _) = Data.Value;
        ImageDataset train = fullTrain.Slice(0, 2_000);
        ImageDataset test = fullTest.Slice(0, 1_000);
        using var trainer = new Trainer(
            () => new LeNet5(), new SoftmaxCrossEntropyLoss(), new Adam(LeNet5.ParameterCount, 2e-3f),
            new TrainerOptions { BatchSize = 32, Workers = 2, Seed = 1 });
        trainer.Network.InitializeParameters(1);
        Assert.True(trainer.Evaluate(test).Accuracy < 0.3, "an untrained network should be near chance (0.1)");

        trainer.Fit(train, epochs: 2);
        EvaluationResult result = trainer.Evaluate(test);

        // Two epochs over 2,000 images: a LeNet reaches well above 0.70 on held-out images (about 0.75-0.80).
        Assert.True(result.Accuracy >= 0.70, $"test accuracy {result.Accuracy:0.0000} after 2 epochs on 2,000 images");
        Assert.Equal(1_000, result.Count);
        Assert.True(result.PerClassAccuracy().Count(a => a > 0.5) >= 7, string.Join(", ", result.PerClassAccuracy()));
    }
}

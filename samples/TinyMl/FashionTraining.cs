using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using StaticCnn;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Metrics;
using StaticCnn.Optimizers;
using StaticCnn.Training;

namespace TinyMl;

/// <summary>
/// <c>--train</c>: the MLPerf Tiny networks trained on Fashion-MNIST, the data set this machine has. ResNet-8 itself on
/// images padded to 32x32 and repeated over 3 channels; DS-CNN's layers on 28x28 (<see cref="FashionDsCnn"/>), both
/// through the library's <see cref="Trainer"/>; the autoencoder's layers (<see cref="FashionAutoencoder"/>) trained with
/// mean squared error on the images of one class only, then scoring every test image by its reconstruction error:
/// the ROC AUC of that score for "not the trained class" is the anomaly detector's quality.
/// </summary>
internal static class FashionTraining
{
    public static int Run(string model, string dataDirectory, int epochs, int seed, int normalClass, string outputDirectory)
    {
        if (!MnistFiles.Exists(dataDirectory))
        {
            Console.Error.WriteLine($"Fashion-MNIST was not found in {dataDirectory}: install it with 'sudo apt-get install dataset-fashion-mnist' or pass --data DIR.");
            return 1;
        }

        (ImageDataset train, ImageDataset test, PixelNormalization normalization) = FashionMnist.Load(dataDirectory);
        Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images, normalised (x - {normalization.Mean:0.0000}) / {normalization.StandardDeviation:0.0000}");
        INetwork trained = model == "autoencoder"
            ? Autoencoder(train, test, epochs, seed, normalClass)
            : Classifier(model, train, test, normalization, epochs, seed);

        // The weights with the normalisation they were trained under (safetensors metadata), for SafeTensors.Load or
        // for baking into a binary with [Network(..., Weights = "...")].
        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, $"{model}-fashion-mnist.safetensors");
        SafeTensors.Save(trained, path, new Dictionary<string, string>
        {
            ["network"] = trained.GetType().Name,
            ["normalization_mean"] = normalization.Mean.ToString("R", CultureInfo.InvariantCulture),
            ["normalization_std"] = normalization.StandardDeviation.ToString("R", CultureInfo.InvariantCulture),
            ["epochs"] = epochs.ToString(CultureInfo.InvariantCulture),
        });
        Console.WriteLine($"weights: {path}");
        return 0;
    }

    private static INetwork Classifier(string model, ImageDataset train, ImageDataset test, PixelNormalization normalization, int epochs, int seed)
    {
        Func<INetwork> create;
        if (model == "resnet8")
        {
            // 28x28 -> 32x32 with 2 background pixels on every side, the gray channel repeated as R, G and B.
            float background = normalization.Apply(0);
            train = PadToRgb32(train, background);
            test = PadToRgb32(test, background);
            create = () => new ResNet8();
        }
        else
        {
            create = () => new FashionDsCnn();
        }

        const int Batch = 64;
        const float LearningRate = 0.002f;
        long steps = (long)epochs * ((train.Count + Batch - 1) / Batch);
        long warmup = Math.Min(steps / 4, (train.Count + Batch - 1) / Batch);
        var schedule = LearningRateSchedule.Warmup(warmup, LearningRateSchedule.Cosine(LearningRate, steps - warmup), startFactor: 0.05f);
        var optimizer = new AdamW(create().ParameterCount, LearningRate, weightDecay: 1e-4f);
        var options = new TrainerOptions { BatchSize = Batch, Workers = Environment.ProcessorCount, Seed = seed, Schedule = schedule };
        using var trainer = new Trainer(create, new SoftmaxCrossEntropyLoss(), optimizer, options);
        trainer.Network.InitializeParameters(seed);
        Console.WriteLine($"{trainer.Network.GetType().Name} on {train.SampleShape}: {optimizer.Description}, batch {Batch}, {schedule.Description}, {options.Workers} workers");
        TrainingHistory history = trainer.Fit(train, epochs, progress: null);
        foreach (EpochSummary e in history.Epochs)
        {
            Console.WriteLine($"epoch {e.Epoch,2}/{epochs}  loss {e.TrainLoss:0.0000}  acc {e.TrainAccuracy:0.0000}  {e.TrainingTime.TotalSeconds:0.0} s  {e.ImagesPerSecond:N0} img/s");
        }

        EvaluationResult result = trainer.Evaluate(test);
        Console.WriteLine($"test accuracy {result.Accuracy:0.0000} (loss {result.MeanLoss:0.0000}); {history.Epochs.Average(e => e.TrainingTime.TotalSeconds):0.0} s per epoch");
        return trainer.Network;
    }

    private static ImageDataset PadToRgb32(ImageDataset data, float background)
    {
        var shape = new TensorShape(3, 32, 32);
        float[] images = new float[data.Count * shape.Length];
        images.AsSpan().Fill(background);
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<float> image = data.Sample(i);
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 28; y++)
                {
                    image.Slice(y * 28, 28).CopyTo(images.AsSpan((i * shape.Length) + (c * 1024) + ((y + 2) * 32) + 2, 28));
                }
            }
        }

        return new ImageDataset(images, data.Labels.ToArray(), shape, data.ClassCount, data.ClassNames);
    }

    private static INetwork Autoencoder(ImageDataset train, ImageDataset test, int epochs, int seed, int normalClass)
    {
        int[] normal = Enumerable.Range(0, train.Count).Where(i => train.Label(i) == normalClass).ToArray();
        const int Batch = 128;
        INetwork network = new FashionAutoencoder { BatchCapacity = Batch, BatchWorkers = Environment.ProcessorCount, Training = true, TrainingSeed = seed };
        network.InitializeParameters(seed);
        var optimizer = new Adam(network.ParameterCount, 1e-3f);
        var loss = new MeanSquaredErrorLoss();
        int n = network.InputLength;
        float[] inputs = new float[Batch * n], outputs = new float[Batch * n], gradients = new float[Batch * n];
        var random = new Random(seed);
        Console.WriteLine($"{nameof(FashionAutoencoder)} trained on the {normal.Length:N0} training images of class {normalClass} ('{train.ClassNames[normalClass]}'): {optimizer.Description}, batch {Batch}, {loss.Name}");
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            random.Shuffle(normal);
            double total = 0;
            for (int at = 0; at < normal.Length; at += Batch)
            {
                int count = Math.Min(Batch, normal.Length - at);
                for (int s = 0; s < count; s++)
                {
                    train.Sample(normal[at + s]).CopyTo(inputs.AsSpan(s * n, n));
                }

                network.ZeroGradients();
                network.ForwardBatch(inputs.AsSpan(0, count * n), outputs.AsSpan(0, count * n), count);
                for (int s = 0; s < count; s++)
                {
                    // The batch mean: each sample's gradient scaled by 1 / count.
                    Span<float> gradient = gradients.AsSpan(s * n, n);
                    total += loss.Compute(outputs.AsSpan(s * n, n), inputs.AsSpan(s * n, n), gradient);
                    foreach (ref float g in gradient)
                    {
                        g /= count;
                    }
                }

                network.BackwardBatch(gradients.AsSpan(0, count * n), Span<float>.Empty, count);
                optimizer.Step(network.Parameters, network.Gradients);
            }

            Console.WriteLine($"epoch {epoch,2}/{epochs}  reconstruction loss {total / normal.Length:0.0000}  {Stopwatch.GetElapsedTime(start).TotalSeconds:0.00} s");
        }

        // Score every test image by its reconstruction error; the anomalies are the other nine classes.
        network.Training = false;
        float[] scores = new float[test.Count];
        bool[] anomalous = new bool[test.Count];
        float[] reconstruction = new float[n];
        for (int i = 0; i < test.Count; i++)
        {
            network.Forward(test.Sample(i), reconstruction);
            scores[i] = loss.Compute(reconstruction, test.Sample(i), Span<float>.Empty);
            anomalous[i] = test.Label(i) != normalClass;
        }

        double auc = RocAuc.Compute(scores, anomalous);
        double normalScore = scores.Where((_, i) => !anomalous[i]).Average(), otherScore = scores.Where((_, i) => anomalous[i]).Average();
        Console.WriteLine($"test: mean reconstruction error {normalScore:0.0000} on class {normalClass}, {otherScore:0.0000} on the others; ROC AUC {auc:0.0000}");
        for (int c = 0; c < test.ClassCount; c++)
        {
            if (c == normalClass)
            {
                continue;
            }

            int[] pair = Enumerable.Range(0, test.Count).Where(i => test.Label(i) == c || test.Label(i) == normalClass).ToArray();
            double pairAuc = RocAuc.Compute(pair.Select(i => scores[i]).ToArray(), pair.Select(i => anomalous[i]).ToArray());
            Console.WriteLine($"  '{test.ClassNames[c]}' as the anomaly: AUC {pairAuc:0.0000}");
        }

        return network;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>
/// The trainer: bitwise determinism, worker-count independence up to rounding, gradients against a plain loop over
/// one network, learning, early stopping, evaluation and zero allocation per step.
/// </summary>
public sealed class TrainerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SameSeedAndWorkerCountGiveBitwiseIdenticalWeights(int workers)
    {
        ImageDataset data = TeacherData.Create(300, seed: 1);
        float[] first = TrainTwoEpochs(data, workers, seed: 5);
        float[] second = TrainTwoEpochs(data, workers, seed: 5);
        Assert.Equal(first, second);

        // A different seed shuffles differently and so ends elsewhere.
        float[] other = TrainTwoEpochs(data, workers, seed: 6);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void WorkerCountsAgreeUpToRounding()
    {
        ImageDataset data = TeacherData.Create(300, seed: 2);
        float[] one = TrainTwoEpochs(data, workers: 1, seed: 5);
        float[] four = TrainTwoEpochs(data, workers: 4, seed: 5);
        double largest = one.Max(Math.Abs);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(Math.Abs(one[i] - four[i]) <= 1e-3 * largest, $"parameter {i}: {one[i]} vs {four[i]}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void BatchGradientIsTheMeanOfPerSampleGradients(int workers)
    {
        ImageDataset data = TeacherData.Create(40, seed: 3);
        int[] batch = [3, 17, 0, 39, 22, 8, 8, 31, 12];
        using var trainer = new Trainer(() => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new Sgd(TinyConvNet.ParameterCount, 0.1f), new TrainerOptions { Workers = workers });
        trainer.Network.InitializeParameters(4);
        BatchResult result = trainer.ComputeGradients(data, batch);

        // Independently: one network, each sample's gradient on its own, summed in double, divided by the count.
        var single = new TinyConvNet();
        single.InitializeParameters(4);
        var expected = new double[TinyConvNet.ParameterCount];
        var logits = new float[3];
        var gradient = new float[3];
        double loss = 0;
        int correct = 0;
        foreach (int index in batch)
        {
            single.ZeroGradients();
            single.Forward(data.Sample(index), logits);
            loss += new SoftmaxCrossEntropyLoss().Compute(logits, data.Label(index), gradient);
            correct += StaticCnn.Losses.Logits.ArgMax(logits) == data.Label(index) ? 1 : 0;
            single.Backward(gradient, Span<float>.Empty);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += single.Gradients[i] / (double)batch.Length;
            }
        }

        Assert.Equal(batch.Length, result.Count);
        Assert.Equal(correct, result.Correct);
        Assert.Equal(loss / batch.Length, result.Loss, 1e-5);
        float[] actual = trainer.Network.Gradients.ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * scale, $"gradient {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void LearnsTheTeacherTask()
    {
        ImageDataset train = TeacherData.Create(1500, seed: 10);
        ImageDataset test = TeacherData.Create(500, seed: 11);
        using var trainer = new Trainer(
            () => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new Adam(TinyConvNet.ParameterCount, 0.01f),
            new TrainerOptions { BatchSize = 32, Workers = 2, Seed = 1 });
        trainer.Network.InitializeParameters(1);
        double before = trainer.Evaluate(test).Accuracy;
        TrainingHistory history = trainer.Fit(train, epochs: 8);
        EvaluationResult after = trainer.Evaluate(test);

        // Three balanced classes: chance is about 1/3; the brighter band is plain to see.
        Assert.True(before < 0.5, $"accuracy before training {before}");
        Assert.True(after.Accuracy >= 0.9, $"accuracy after training {after.Accuracy}");
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss / 2);
        Assert.Equal(8, trainer.EpochsCompleted);
    }

    [Fact]
    public void ParallelEvaluationCountsLikeTheSingleThreadedEvaluator()
    {
        ImageDataset data = TeacherData.Create(257, seed: 12);
        using var trainer = new Trainer(() => new TinyConvNet(), new MulticlassHingeLoss(), new Sgd(TinyConvNet.ParameterCount, 0.1f), new TrainerOptions { Workers = 3 });
        trainer.Network.InitializeParameters(9);
        EvaluationResult parallel = trainer.Evaluate(data);
        EvaluationResult single = Evaluator.Evaluate(trainer.Network, data, new MulticlassHingeLoss());
        Assert.Equal(257, parallel.Count);
        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.Equal(single.Confusion[a, p], parallel.Confusion[a, p]);
            }
        }

        Assert.Equal(single.MeanLoss, parallel.MeanLoss, 1e-9);

        // The confusion matrix by a plain loop.
        var logits = new float[3];
        var expected = new long[3, 3];
        for (int i = 0; i < data.Count; i++)
        {
            trainer.Network.Forward(data.Sample(i), logits);
            int predicted = logits[0] >= logits[1] && logits[0] >= logits[2] ? 0 : logits[1] >= logits[2] ? 1 : 2;
            expected[data.Label(i), predicted]++;
        }

        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.Equal(expected[a, p], parallel.Confusion[a, p]);
            }
        }
    }

    [Fact]
    public void EarlyStoppingStopsWhenValidationStallsAndRestoresTheBestEpoch()
    {
        ImageDataset train = TeacherData.Create(200, seed: 20);
        ImageDataset validation = TeacherData.Create(100, seed: 21);

        // Learning rate 0: the weights and so the validation loss never change, so epoch 1 stays best.
        using (var frozen = new Trainer(
            () => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new Sgd(TinyConvNet.ParameterCount, 0f),
            new TrainerOptions { EarlyStopping = new EarlyStopping(Patience: 2) }))
        {
            TrainingHistory stalled = frozen.Fit(train, epochs: 10, validation);
            Assert.Equal(3, stalled.Epochs.Count);
            Assert.True(stalled.StoppedEarly);
            Assert.Equal(1, stalled.BestEpoch);
        }

        // A learning rate so large that validation gets worse: whatever epoch was best, its weights come back.
        var snapshots = new Dictionary<int, float[]>();
        using var trainer = new Trainer(
            () => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new Sgd(TinyConvNet.ParameterCount, 3f, momentum: 0.9f),
            new TrainerOptions { EarlyStopping = new EarlyStopping(Patience: 2, EarlyStoppingMetric.Accuracy), Seed = 3 });
        TrainingHistory history = trainer.Fit(train, epochs: 12, validation, new Recorder(trainer, snapshots));
        Assert.True(history.Epochs.Count >= 3);
        int best = history.Epochs.OrderByDescending(e => e.Validation!.Accuracy).ThenBy(e => e.Epoch).First().Epoch;
        Assert.Equal(best, history.BestEpoch);
        Assert.Equal(snapshots[best], trainer.Network.Parameters.ToArray());
        Assert.Throws<ArgumentException>(() => trainer.Fit(train, 1, validation: null));
    }

    [Fact]
    public void ProgressReportsEveryIntervalAndTheEpochsEnd()
    {
        ImageDataset train = TeacherData.Create(100, seed: 30);
        using var trainer = new Trainer(
            () => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new Sgd(TinyConvNet.ParameterCount, 0.05f),
            new TrainerOptions { BatchSize = 10, ProgressInterval = 3 });
        var reports = new List<TrainingProgress>();
        trainer.Fit(train, epochs: 2, progress: new ListProgress(reports));

        // 10 batches per epoch: reports after batches 3, 6, 9, then the epoch's end.
        Assert.Equal([3, 6, 9, 10, 3, 6, 9, 10], reports.Select(r => r.Batch));
        Assert.All(reports, r => Assert.Equal(10, r.BatchCount));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2], reports.Select(r => r.Epoch));
        Assert.Equal(2, reports.Count(r => r.Completed is not null));
        Assert.Equal(100, reports[3].Samples);
        Assert.Equal(reports[3].Completed!.TrainLoss, reports[3].Loss);
    }

    [Fact]
    public void ATrainingStepAllocatesNothingAfterWarmUp()
    {
        ImageDataset data = TeacherData.Create(200, seed: 40);
        var optimizers = new Optimizer[]
        {
            new AdamW(TinyConvNet.ParameterCount),
            new Sgd(TinyConvNet.ParameterCount, 0.01f, momentum: 0.9f, nesterov: true, weightDecay: 1e-4f),
        };
        foreach (Optimizer optimizer in optimizers)
        {
            using var trainer = new Trainer(
                () => new TinyConvNet(), new SoftmaxCrossEntropyLoss(0.1f), optimizer,
                new TrainerOptions
                {
                    BatchSize = 16,
                    Schedule = LearningRateSchedule.Warmup(5, LearningRateSchedule.Cosine(0.01f, 100)),
                    Augmentation = new ImageAugmentation(1, horizontalFlip: true),
                });
            int[] batch = Enumerable.Range(0, 16).ToArray();
            for (int i = 0; i < 3; i++)
            {
                trainer.TrainBatch(data, batch);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                batch.AsSpan().Reverse();
                trainer.TrainBatch(data, batch);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{optimizer.GetType().Name}: 20 training steps allocated {allocated} bytes");
        }
    }

    [Fact]
    public void WorkerExceptionsReachTheCaller()
    {
        ImageDataset data = TeacherData.Create(20, seed: 50);
        var loss = new ThrowingLoss();
        using var trainer = new Trainer(() => new TinyConvNet(), loss, new Sgd(TinyConvNet.ParameterCount, 0.1f), new TrainerOptions { Workers = 3 });
        int[] batch = Enumerable.Range(0, 9).ToArray();

        // Workers 1 and 2 run on background threads; their exception is rethrown here, with its type.
        var e = Assert.Throws<InvalidOperationException>(() => trainer.ComputeGradients(data, batch));
        Assert.Equal("loss failed", e.Message);

        // The pool survives: the next batch runs on every worker.
        loss.Armed = false;
        Assert.Equal(9, trainer.ComputeGradients(data, batch).Count);
    }

    [Fact]
    public void TrainerRejectsMismatchedParts()
    {
        var shared = new TinyConvNet();
        Assert.Throws<ArgumentException>(() => new Trainer(() => shared, new SoftmaxCrossEntropyLoss(), new Sgd(TinyConvNet.ParameterCount, 0.1f), new TrainerOptions { Workers = 2 }));
        var e = Assert.Throws<ArgumentException>(() => new Trainer(() => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new Sgd(5, 0.1f)));
        Assert.Contains($"ParameterCount = {TinyConvNet.ParameterCount}", e.Message, StringComparison.Ordinal);

        using var trainer = new Trainer(() => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new Sgd(TinyConvNet.ParameterCount, 0.1f));
        var wrongShape = new ImageDataset(new float[20], new int[2], new TensorShape(1, 2, 5), classCount: 3);
        e = Assert.Throws<ArgumentException>(() => trainer.Evaluate(wrongShape));
        Assert.Contains("InputLength = 36", e.Message, StringComparison.Ordinal);
        var wrongClasses = new ImageDataset(new float[72], new int[2], new TensorShape(1, 6, 6), classCount: 4);
        Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(wrongClasses));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(TeacherData.Create(5, 1), [0, 5]));
    }

    [Fact]
    public void ConfusionMatrixMetricsMatchHandCounts()
    {
        var matrix = new ConfusionMatrix(3);
        (int Actual, int Predicted)[] pairs = [(0, 0), (0, 0), (0, 1), (1, 1), (2, 0), (2, 2), (2, 2), (2, 2)];
        foreach (var (a, p) in pairs)
        {
            matrix.Add(a, p);
        }

        Assert.Equal(8, matrix.Total);
        Assert.Equal(6, matrix.Correct);
        Assert.Equal(0.75, matrix.Accuracy);
        Assert.Equal([2.0 / 3, 1.0, 0.75], matrix.PerClassAccuracy());
        Assert.Equal(2.0 / 3, matrix.Precision(0)); // predicted 0 three times, right twice
        Assert.Equal(0.5, matrix.Precision(1));
        Assert.Contains("0.6667", matrix.ToText(["a", "b", "c"]), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(3, 0));
    }

    private static float[] TrainTwoEpochs(ImageDataset data, int workers, int seed)
    {
        using var trainer = new Trainer(
            () => new TinyConvNet(), new SoftmaxCrossEntropyLoss(), new AdamW(TinyConvNet.ParameterCount, 0.01f),
            new TrainerOptions
            {
                BatchSize = 16,
                Workers = workers,
                Seed = seed,
                Augmentation = new ImageAugmentation(1, horizontalFlip: true),
                Schedule = LearningRateSchedule.Warmup(3, LearningRateSchedule.Cosine(0.01f, 40)),
            });
        trainer.Network.InitializeParameters(7);
        trainer.Fit(data, epochs: 2);
        return trainer.Network.Parameters.ToArray();
    }

    private sealed class Recorder(Trainer trainer, Dictionary<int, float[]> snapshots) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Completed is not null)
            {
                snapshots[value.Epoch] = trainer.Network.Parameters.ToArray();
            }
        }
    }

    private sealed class ListProgress(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    /// <summary>Cross-entropy that, while armed, throws on every thread but the one that created it.</summary>
    private sealed class ThrowingLoss : ILoss
    {
        private readonly SoftmaxCrossEntropyLoss _inner = new();
        private readonly int _owner = Environment.CurrentManagedThreadId;

        public bool Armed { get; set; } = true;

        public string Name => "throwing";

        public float Compute(ReadOnlySpan<float> logits, int label, Span<float> logitGradient) =>
            Armed && Environment.CurrentManagedThreadId != _owner
                ? throw new InvalidOperationException("loss failed")
                : _inner.Compute(logits, label, logitGradient);
    }
}

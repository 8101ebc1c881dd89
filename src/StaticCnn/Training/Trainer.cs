using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;

namespace StaticCnn.Training;

/// <summary>
/// Trains any <see cref="INetwork"/> with mini-batch gradient descent, data-parallel over
/// <see cref="TrainerOptions.Workers"/> network instances made by a factory.
/// </summary>
/// <remarks>
/// <para>The first instance is the master, <see cref="Network"/>: it holds the parameters the optimizer updates.
/// For each mini-batch, worker w takes the contiguous share <c>[w*B/W, (w+1)*B/W)</c> of the batch, copies the
/// master parameters into its own network, and for each of its samples runs Forward, the loss, and Backward with
/// dLoss/dLogits scaled by 1/B, so its gradients sum to its share of the batch-mean gradient. The master then adds
/// workers 1..W-1's gradients to its own in that fixed order and the optimizer steps. Shuffling (one seeded
/// permutation per epoch) and augmentation (one seeded stream per epoch and sample index) do not depend on the
/// worker count, and every floating-point sum has a fixed order, so a seed and a worker count give bitwise
/// identical parameters on every run; different worker counts differ only by rounding.</para>
/// <para>After the first batch has sized everything, a step allocates nothing on the managed heap.</para>
/// <para>The per-sample loop is in one place (<c>RunSamples</c>); a batched Forward/Backward slots in there,
/// taking the worker's share of the batch as one contiguous block of inputs.</para>
/// </remarks>
public sealed class Trainer : IDisposable
{
    private readonly Worker[] _workers;
    private readonly WorkerPool _pool;
    private readonly Action<int> _gradientWork;
    private readonly Action<int> _evaluationWork;
    private readonly int _shuffleSeed;
    private readonly int _augmentationSeed;
    private int[] _batch;
    private int[] _order = [];
    private ImageDataset? _data;
    private int _batchCount;
    private float _batchScale;
    private int _augmentationEpoch;

    // Networks with BatchNorm or Dropout train through the master's batched calls (ForwardBatch/BackwardBatch over the
    // whole mini-batch, split over its own BatchWorkers): BatchNorm's statistics are the whole batch's, and Dropout's
    // masks depend on the sample's place in the batch, whatever the worker count.
    private readonly bool _batched;
    private float[] _batchInputs = [];
    private float[] _batchLogits = [];
    private float[] _batchGradients = [];

    /// <summary>Creates a trainer; <paramref name="factory"/> is called once per worker, the first network becoming <see cref="Network"/>.</summary>
    /// <exception cref="ArgumentException">The factory's networks differ in shape, or the optimizer's parameter count is not the network's.</exception>
    public Trainer(Func<INetwork> factory, ILoss loss, Optimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        Options = options ?? new TrainerOptions();
        Options.Validate();
        Loss = loss;
        Optimizer = optimizer;
        _workers = new Worker[Options.Workers];
        for (int w = 0; w < _workers.Length; w++)
        {
            INetwork network = factory() ?? throw new ArgumentException("The factory returned null.", nameof(factory));
            for (int v = 0; v < w; v++)
            {
                if (ReferenceEquals(_workers[v].Network, network))
                {
                    throw new ArgumentException("The factory returned the same network twice; every worker needs its own instance.", nameof(factory));
                }
            }

            if (w > 0 && (network.InputLength != Network.InputLength || network.OutputLength != Network.OutputLength || network.ParameterCount != Network.ParameterCount))
            {
                throw new ArgumentException("The factory returned networks of different shapes; every worker needs the same network.", nameof(factory));
            }

            _workers[w] = new Worker(network);
        }

        if (optimizer.ParameterCount != Network.ParameterCount)
        {
            throw new ArgumentException(
                $"The optimizer was made for {optimizer.ParameterCount} parameters; the network has ParameterCount = {Network.ParameterCount}.",
                nameof(optimizer));
        }

        _batch = new int[Options.BatchSize];
        _shuffleSeed = SubSeed(Options.Seed, 1);
        _augmentationSeed = SubSeed(Options.Seed, 2);
        _batched = Network.Layers.Any(l => l.Kind is LayerKind.BatchNorm or LayerKind.Dropout);
        if (_batched)
        {
            Network.TrainingSeed = SubSeed(Options.Seed, 3);
        }
        _gradientWork = GradientWork;
        _evaluationWork = EvaluationWork;
        _pool = new WorkerPool(_workers.Length);
    }

    /// <summary>The master network: its parameters are the ones trained.</summary>
    public INetwork Network => _workers[0].Network;

    /// <summary>The options this trainer was created with.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The loss being minimised.</summary>
    public ILoss Loss { get; }

    /// <summary>The optimizer updating <see cref="Network"/>'s parameters.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Epochs completed by <see cref="TrainEpoch"/> and <see cref="Fit"/>; the next epoch's shuffle uses this number.</summary>
    public int EpochsCompleted { get; private set; }

    /// <summary>
    /// Runs up to <paramref name="epochs"/> epochs, evaluating on <paramref name="validation"/> after each when given,
    /// with early stopping when <see cref="TrainerOptions.EarlyStopping"/> is set (which needs a validation set).
    /// </summary>
    public TrainingHistory Fit(ImageDataset train, int epochs, ImageDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        EarlyStopping? stopping = Options.EarlyStopping;
        if (stopping is not null)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stopping.Patience, nameof(stopping.Patience));
            ArgumentOutOfRangeException.ThrowIfNegative(stopping.MinDelta, nameof(stopping.MinDelta));
            if (validation is null)
            {
                throw new ArgumentException("Early stopping needs a validation set.", nameof(validation));
            }
        }

        var history = new List<EpochSummary>(epochs);
        float[]? best = stopping is { RestoreBest: true } ? new float[Network.ParameterCount] : null;
        float[]? bestBuffers = stopping is { RestoreBest: true } ? new float[Network.BufferCount] : null;
        double bestScore = double.PositiveInfinity;
        int bestEpoch = 0;
        int stale = 0;
        bool stoppedEarly = false;
        for (int e = 0; e < epochs; e++)
        {
            EpochSummary summary = RunEpoch(train, validation, progress, epochs, cancellationToken);
            history.Add(summary);
            if (summary.Validation is null)
            {
                bestEpoch = summary.Epoch;
                continue;
            }

            // Lower is better for the score: the loss itself, or minus the accuracy.
            double score = stopping?.Metric == EarlyStoppingMetric.Accuracy ? -summary.Validation.Accuracy : summary.Validation.MeanLoss;
            if (score < bestScore - (stopping?.MinDelta ?? 0))
            {
                bestScore = score;
                bestEpoch = summary.Epoch;
                stale = 0;
                if (best is not null)
                {
                    Network.Parameters.CopyTo(best);
                    Network.Buffers.CopyTo(bestBuffers);
                }
            }
            else if (stopping is not null && ++stale >= stopping.Patience)
            {
                stoppedEarly = e < epochs - 1;
                break;
            }
        }

        if (best is not null && bestEpoch != history[^1].Epoch)
        {
            best.AsSpan().CopyTo(Network.Parameters);
            bestBuffers.AsSpan().CopyTo(Network.Buffers);
        }

        return new TrainingHistory(history, bestEpoch, stoppedEarly);
    }

    /// <summary>
    /// Trains one epoch over <paramref name="train"/> in a seeded random order, then evaluates on
    /// <paramref name="validation"/> when given.
    /// </summary>
    public EpochSummary TrainEpoch(ImageDataset train, ImageDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunEpoch(train, validation, progress, 0, cancellationToken);

    /// <summary>
    /// One optimizer step on the samples of <paramref name="data"/> at <paramref name="indices"/>: gradients (see
    /// <see cref="ComputeGradients"/>), the schedule's learning rate, the step. Allocates nothing once warmed up.
    /// </summary>
    public BatchResult TrainBatch(ImageDataset data, ReadOnlySpan<int> indices)
    {
        BatchResult result = ComputeGradients(data, indices);
        if (Options.Schedule is not null)
        {
            Optimizer.LearningRate = Options.Schedule.At(Optimizer.StepCount);
        }

        Optimizer.Step(Network.Parameters, Network.Gradients);
        return result;
    }

    /// <summary>
    /// Leaves the mean gradient of the loss over the samples at <paramref name="indices"/> in
    /// <see cref="Network"/>'s <see cref="INetwork.Gradients"/> (reduced over the workers in a fixed order) without
    /// stepping, and returns the batch's loss and correct count.
    /// </summary>
    public BatchResult ComputeGradients(ImageDataset data, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(data);
        Evaluator.Check(Network, data);
        if (indices.IsEmpty)
        {
            throw new ArgumentException("Expected at least one sample index.", nameof(indices));
        }

        if (indices.Length > _batch.Length)
        {
            _batch = new int[indices.Length];
        }

        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Expected sample indices in [0, {data.Count}).");
            }

            _batch[i] = indices[i];
        }

        _data = data;
        _batchCount = indices.Length;
        _batchScale = 1f / indices.Length;
        _augmentationEpoch = EpochsCompleted;
        if (_batched)
        {
            try
            {
                return ComputeGradientsBatched(data, indices.Length);
            }
            finally
            {
                _data = null;
            }
        }

        try
        {
            _pool.Run(_gradientWork);
        }
        finally
        {
            _data = null;
        }

        double loss = 0;
        int correct = 0;
        Span<float> total = Network.Gradients;
        for (int w = 0; w < _workers.Length; w++)
        {
            Worker worker = _workers[w];
            loss += worker.LossSum;
            correct += worker.Correct;
            if (w > 0)
            {
                Add(total, worker.Network.Gradients);
            }
        }

        return new BatchResult(indices.Length, loss / indices.Length, correct);
    }

    /// <summary>
    /// The batched step of a network with BatchNorm or Dropout: the whole batch through the master's ForwardBatch in
    /// training mode, the loss per sample, its BackwardBatch (split over <see cref="INetwork.BatchWorkers"/>).
    /// </summary>
    private BatchResult ComputeGradientsBatched(ImageDataset data, int count)
    {
        INetwork network = Network;
        if (network.BatchCapacity < count)
        {
            network.BatchCapacity = count;
        }

        if (network.BatchWorkers != _workers.Length)
        {
            network.BatchWorkers = _workers.Length;
        }

        int inputs = network.InputLength, outputs = network.OutputLength;
        if (_batchInputs.Length < count * inputs)
        {
            _batchInputs = new float[count * inputs];
            _batchLogits = new float[count * outputs];
            _batchGradients = new float[count * outputs];
        }

        ImageAugmentation? augmentation = Options.Augmentation is { IsIdentity: false } a ? a : null;
        for (int k = 0; k < count; k++)
        {
            int index = _batch[k];
            Span<float> target = _batchInputs.AsSpan(k * inputs, inputs);
            if (augmentation is not null)
            {
                var random = new DeterministicRandom(_augmentationSeed ^ (_augmentationEpoch * -1640531535), index);
                augmentation.Apply(data.Sample(index), target, data.SampleShape, ref random);
            }
            else
            {
                data.Sample(index).CopyTo(target);
            }
        }

        network.Training = true;
        network.ZeroGradients();
        network.ForwardBatch(_batchInputs.AsSpan(0, count * inputs), _batchLogits.AsSpan(0, count * outputs), count);
        double loss = 0;
        int correct = 0;
        for (int k = 0; k < count; k++)
        {
            Span<float> logits = _batchLogits.AsSpan(k * outputs, outputs);
            Span<float> gradient = _batchGradients.AsSpan(k * outputs, outputs);
            int label = data.Label(_batch[k]);
            loss += Loss.Compute(logits, label, gradient);
            if (Logits.ArgMax(logits) == label)
            {
                correct++;
            }

            for (int i = 0; i < gradient.Length; i++)
            {
                gradient[i] *= _batchScale;
            }
        }

        network.BackwardBatch(_batchGradients.AsSpan(0, count * outputs), Span<float>.Empty, count);
        return new BatchResult(count, loss / count, correct);
    }

    /// <summary>
    /// Evaluates the master parameters (and buffers) on <paramref name="data"/> in evaluation mode with every worker
    /// (each takes a contiguous share): accuracy, confusion matrix and the mean of <see cref="Loss"/>.
    /// </summary>
    public EvaluationResult Evaluate(ImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Evaluator.Check(Network, data);
        Network.Training = false;
        foreach (Worker worker in _workers)
        {
            if (worker.Confusion?.ClassCount != data.ClassCount)
            {
                worker.Confusion = new ConfusionMatrix(data.ClassCount);
            }

            worker.Confusion.Clear();
        }

        _data = data;
        try
        {
            _pool.Run(_evaluationWork);
        }
        finally
        {
            _data = null;
        }

        var confusion = new ConfusionMatrix(data.ClassCount);
        double loss = 0;
        foreach (Worker worker in _workers)
        {
            confusion.Add(worker.Confusion!);
            loss += worker.LossSum;
        }

        return new EvaluationResult(confusion, data.Count == 0 ? 0 : loss / data.Count);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _pool.Dispose();

    private EpochSummary RunEpoch(ImageDataset train, ImageDataset? validation, IProgress<TrainingProgress>? progress, int epochCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        Evaluator.Check(Network, train);
        if (train.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(train));
        }

        if (_order.Length != train.Count)
        {
            _order = new int[train.Count];
        }

        int epoch = EpochsCompleted + 1;
        var random = new DeterministicRandom(_shuffleSeed, EpochsCompleted);
        Shuffle.Permutation(_order, ref random);
        int batchSize = Options.BatchSize;
        int batches = (train.Count + batchSize - 1) / batchSize;
        long started = Stopwatch.GetTimestamp();
        double lossSum = 0;
        long correct = 0;
        int samples = 0;
        for (int b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = b * batchSize;
            int count = Math.Min(batchSize, train.Count - start);
            BatchResult result = TrainBatch(train, _order.AsSpan(start, count));
            lossSum += result.Loss * result.Count;
            correct += result.Correct;
            samples += result.Count;
            if (progress is not null && (b + 1) % Options.ProgressInterval == 0 && b + 1 < batches)
            {
                double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                progress.Report(new TrainingProgress(
                    epoch, epochCount, b + 1, batches, samples, lossSum / samples, (double)correct / samples,
                    seconds > 0 ? samples / seconds : 0, Optimizer.LearningRate, null));
            }
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        EpochsCompleted++;
        EvaluationResult? evaluation = validation is null ? null : Evaluate(validation);
        double rate = elapsed.TotalSeconds > 0 ? samples / elapsed.TotalSeconds : 0;
        var summary = new EpochSummary(epoch, lossSum / samples, (double)correct / samples, evaluation, elapsed, rate, Optimizer.LearningRate);
        progress?.Report(new TrainingProgress(
            epoch, epochCount, batches, batches, samples, summary.TrainLoss, summary.TrainAccuracy, rate, Optimizer.LearningRate, summary));
        return summary;
    }

    private void GradientWork(int w)
    {
        Worker worker = _workers[w];
        INetwork network = worker.Network;
        if (w > 0)
        {
            Network.Parameters.CopyTo(network.Parameters);
        }

        network.ZeroGradients();
        int count = _batchCount;
        int start = (int)((long)count * w / _workers.Length);
        int end = (int)((long)count * (w + 1) / _workers.Length);
        RunSamples(worker, _data!, start, end);
    }

    /// <summary>Forward, loss and Backward for batch positions [start, end) on one worker.</summary>
    private void RunSamples(Worker worker, ImageDataset data, int start, int end)
    {
        INetwork network = worker.Network;
        ImageAugmentation? augmentation = Options.Augmentation is { IsIdentity: false } a ? a : null;
        Span<float> logits = worker.Logits;
        Span<float> logitGradient = worker.LogitGradient;
        float scale = _batchScale;
        double loss = 0;
        int correct = 0;
        for (int k = start; k < end; k++)
        {
            int index = _batch[k];
            ReadOnlySpan<float> input = data.Sample(index);
            if (augmentation is not null)
            {
                var random = new DeterministicRandom(_augmentationSeed ^ (_augmentationEpoch * -1640531535), index);
                augmentation.Apply(input, worker.Input, data.SampleShape, ref random);
                input = worker.Input;
            }

            network.Forward(input, logits);
            int label = data.Label(index);
            loss += Loss.Compute(logits, label, logitGradient);
            if (Logits.ArgMax(logits) == label)
            {
                correct++;
            }

            for (int i = 0; i < logitGradient.Length; i++)
            {
                logitGradient[i] *= scale;
            }

            network.Backward(logitGradient, Span<float>.Empty);
        }

        worker.LossSum = loss;
        worker.Correct = correct;
    }

    private void EvaluationWork(int w)
    {
        Worker worker = _workers[w];
        ImageDataset data = _data!;
        if (w > 0)
        {
            Network.Parameters.CopyTo(worker.Network.Parameters);
            Network.Buffers.CopyTo(worker.Network.Buffers);
            worker.Network.Training = false;
        }

        int start = (int)((long)data.Count * w / _workers.Length);
        int end = (int)((long)data.Count * (w + 1) / _workers.Length);
        worker.LossSum = Evaluator.Accumulate(worker.Network, data, Loss, start, end, worker.Logits, worker.Confusion!);
    }

    private static void Add(Span<float> total, ReadOnlySpan<float> addend)
    {
        ref float t = ref MemoryMarshal.GetReference(total);
        ref float a = ref MemoryMarshal.GetReference(addend);
        int n = total.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                (Vector.LoadUnsafe(ref t, (nuint)i) + Vector.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref t, i) += Unsafe.Add(ref a, i);
        }
    }

    private static int SubSeed(int seed, int purpose)
    {
        var random = new DeterministicRandom(seed, purpose);
        return (int)random.NextUInt64();
    }

    /// <summary>A network and the buffers of one worker.</summary>
    private sealed class Worker(INetwork network)
    {
        public INetwork Network { get; } = network;

        public float[] Input { get; } = new float[network.InputLength];

        public float[] Logits { get; } = new float[network.OutputLength];

        public float[] LogitGradient { get; } = new float[network.OutputLength];

        public ConfusionMatrix? Confusion { get; set; }

        public double LossSum { get; set; }

        public int Correct { get; set; }
    }
}

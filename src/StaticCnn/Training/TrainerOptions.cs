using System;
using StaticCnn.Data;
using StaticCnn.Optimizers;

namespace StaticCnn.Training;

/// <summary>How a <see cref="Trainer"/> trains. Every field has a usable default.</summary>
public sealed class TrainerOptions
{
    /// <summary>Samples per optimizer step (the last batch of an epoch may be smaller). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Data-parallel workers, each with its own network instance; worker 0 runs on the calling thread. Results are
    /// bitwise reproducible for a given seed and worker count. Default 1.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>Seeds the per-epoch shuffle and the per-sample augmentation. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Sets the optimizer's learning rate before every step; null keeps the optimizer's own rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Training-time augmentation of every sample; null for none.</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>Stop when the validation metric stops improving; null to always run every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Report progress every this many batches (and at the end of every epoch). Default 20.</summary>
    public int ProgressInterval { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Workers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Workers, 256);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ProgressInterval);
    }
}

/// <summary>Which validation number early stopping watches.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>Mean validation loss; lower is better.</summary>
    Loss,

    /// <summary>Validation accuracy; higher is better.</summary>
    Accuracy,
}

/// <summary>
/// Early stopping on a validation set: training stops once <see cref="Patience"/> epochs in a row fail to improve
/// the best <see cref="Metric"/> by more than <see cref="MinDelta"/>; with <see cref="RestoreBest"/> the network
/// gets back the parameters of its best epoch.
/// </summary>
/// <param name="Patience">Epochs without improvement to tolerate; positive.</param>
/// <param name="Metric">The number watched.</param>
/// <param name="MinDelta">Smallest change that counts as an improvement; non-negative.</param>
/// <param name="RestoreBest">Restore the best epoch's parameters when training ends.</param>
public sealed record EarlyStopping(int Patience, EarlyStoppingMetric Metric = EarlyStoppingMetric.Loss, double MinDelta = 0, bool RestoreBest = true);

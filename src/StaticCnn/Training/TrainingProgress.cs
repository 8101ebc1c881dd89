using System;
using System.Collections.Generic;

namespace StaticCnn.Training;

/// <summary>A progress report during an epoch; <see cref="Completed"/> is set on the report that ends it.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="EpochCount">Epochs requested from <see cref="Trainer.Fit"/> (0 when training epoch by epoch).</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="BatchCount">Batches in this epoch.</param>
/// <param name="Samples">Samples done in this epoch.</param>
/// <param name="Loss">Mean training loss over this epoch's samples so far.</param>
/// <param name="Accuracy">Training accuracy over this epoch's samples so far.</param>
/// <param name="ImagesPerSecond">Training throughput so far in this epoch.</param>
/// <param name="LearningRate">The learning rate of the latest step.</param>
/// <param name="Completed">The epoch's summary, on its final report; otherwise null.</param>
public readonly record struct TrainingProgress(
    int Epoch,
    int EpochCount,
    int Batch,
    int BatchCount,
    int Samples,
    double Loss,
    double Accuracy,
    double ImagesPerSecond,
    float LearningRate,
    EpochSummary? Completed);

/// <summary>One finished epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch (measured while the weights changed).</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch (measured while the weights changed).</param>
/// <param name="Validation">Evaluation on the validation set after the epoch, if one was given.</param>
/// <param name="TrainingTime">Wall time of the training steps (without validation).</param>
/// <param name="ImagesPerSecond">Training samples per second.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
public sealed record EpochSummary(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    EvaluationResult? Validation,
    TimeSpan TrainingTime,
    double ImagesPerSecond,
    float LearningRate);

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
/// <param name="Epochs">Every epoch run, in order.</param>
/// <param name="BestEpoch">1-based epoch with the best validation metric (the last epoch without validation).</param>
/// <param name="StoppedEarly">Whether early stopping ended training before the requested epochs.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochSummary> Epochs, int BestEpoch, bool StoppedEarly);

/// <summary>The result of one mini-batch.</summary>
/// <param name="Count">Samples in the batch.</param>
/// <param name="Loss">Mean loss over the batch (before the step).</param>
/// <param name="Correct">Samples whose arg-max logit was the label (before the step).</param>
public readonly record struct BatchResult(int Count, double Loss, int Correct);

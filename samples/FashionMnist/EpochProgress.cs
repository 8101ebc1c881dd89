using System;
using System.Collections.Generic;
using Spectre.Console;
using StaticCnn.Training;

namespace FashionMnist;

/// <summary>One Spectre.Console progress bar per epoch, its description showing loss, accuracy and images/s.</summary>
internal sealed class EpochBars(ProgressContext context) : IProgress<TrainingProgress>
{
    private readonly Dictionary<int, ProgressTask> _tasks = [];

    public void Report(TrainingProgress value)
    {
        if (!_tasks.TryGetValue(value.Epoch, out ProgressTask? task))
        {
            task = context.AddTask(Describe(value), maxValue: value.BatchCount);
            _tasks[value.Epoch] = task;
        }

        task.Value = value.Batch;
        task.Description = Describe(value);
    }

    private static string Describe(TrainingProgress p)
    {
        string text = $"epoch {p.Epoch}/{p.EpochCount} loss {p.Loss:0.000} acc {p.Accuracy:0.000} {p.ImagesPerSecond:N0} img/s";
        if (p.Completed is { } done)
        {
            text += $" {done.TrainingTime.TotalSeconds:0.0} s";
            if (done.Validation is not null)
            {
                text += $" [green]val {done.Validation.Accuracy:0.000}[/]";
            }
        }

        return text;
    }
}

/// <summary>For output that is not a terminal: one plain line per finished epoch.</summary>
internal sealed class EpochLines : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Completed is not { } done)
        {
            return;
        }

        string validation = done.Validation is null ? string.Empty : $"  val loss {done.Validation.MeanLoss:0.0000}  val acc {done.Validation.Accuracy:0.0000}";
        Console.WriteLine(
            $"epoch {done.Epoch,2}/{value.EpochCount}  loss {done.TrainLoss:0.0000}  acc {done.TrainAccuracy:0.0000}{validation}  {done.TrainingTime.TotalSeconds:0.0} s  {done.ImagesPerSecond:N0} img/s  lr {done.LearningRate:0.######}");
    }
}

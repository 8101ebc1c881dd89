using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FashionMnist;
using Spectre.Console;
using StaticCnn;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (Console.IsOutputRedirected)
{
    // Logs and CI: lay tables out for a wide page instead of the 80 columns Spectre assumes without a terminal.
    AnsiConsole.Profile.Width = 160;
}

CommandLine options;
try
{
    options = CommandLine.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

// ---- Data -------------------------------------------------------------------------------------------------------
ImageDataset train;
ImageDataset test;
PixelNormalization normalization;
bool synthetic = !MnistFiles.Exists(options.DataDirectory);
if (synthetic)
{
    AnsiConsole.Write(new Panel(new Markup(
        $"[yellow]Fashion-MNIST was not found in[/] {Markup.Escape(options.DataDirectory)}.\n" +
        "Install it with [bold]sudo apt-get install dataset-fashion-mnist[/] (Debian and Ubuntu put it in /usr/share/datasets/fashion-mnist),\n" +
        "or pass [bold]--data DIR[/] with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz.\n" +
        "Training on a small synthetic data set of ten shapes instead, so that everything below still runs."))
        .Header("no data set").BorderColor(Color.Yellow));
    (train, test, normalization) = SyntheticData.Create(6000, 1000, options.Seed);
}
else
{
    (train, test, normalization) = StaticCnn.Data.FashionMnist.Load(options.DataDirectory);
}

int epochs = options.Epochs ?? (synthetic ? 3 : 12);
ImageDataset? validation = null;
int held = Math.Min(options.Validation, train.Count / 5);
if (held > 0)
{
    (train, validation) = train.Split(held, options.Seed);
}

// ---- Network ----------------------------------------------------------------------------------------------------
(Func<INetwork> create, string networkName) = options.Network == "resnet"
    ? ((Func<INetwork>)(() => new FashionResNet()), nameof(FashionResNet))
    : (() => new FashionNet(), nameof(FashionNet));

// ---- Trainer ----------------------------------------------------------------------------------------------------
long stepsPerEpoch = (train.Count + options.Batch - 1) / options.Batch;
long totalSteps = stepsPerEpoch * epochs;
long warmup = Math.Min(stepsPerEpoch, totalSteps / 4);
var schedule = LearningRateSchedule.Warmup(warmup, LearningRateSchedule.Cosine(options.LearningRate, totalSteps - warmup), startFactor: 0.05f);
var optimizer = new AdamW(create().ParameterCount, options.LearningRate, weightDecay: options.WeightDecay);
var trainerOptions = new TrainerOptions
{
    BatchSize = options.Batch,
    Workers = options.Threads,
    Seed = options.Seed,
    Schedule = schedule,
    Augmentation = options.Augment ? new ImageAugmentation(2, horizontalFlip: true, fillValue: normalization.Apply(0)) : null,
    EarlyStopping = validation is null ? null : new EarlyStopping(Patience: 4, EarlyStoppingMetric.Accuracy),
    ProgressInterval = 10,
};
var loss = options.LabelSmoothing > 0 ? new SoftmaxCrossEntropyLoss(options.LabelSmoothing) : new SoftmaxCrossEntropyLoss();
using var trainer = new Trainer(create, loss, optimizer, trainerOptions);
trainer.Network.InitializeParameters(options.Seed);

AnsiConsole.Write(new Text(trainer.Network.Summary + Environment.NewLine));
var setup = new Grid().AddColumn().AddColumn();
setup.AddRow("data", Markup.Escape(synthetic ? "synthetic shapes (fallback)" : options.DataDirectory));
setup.AddRow("images", $"{train.Count:N0} train, {validation?.Count ?? 0:N0} validation, {test.Count:N0} test; normalised (x - {normalization.Mean:0.0000}) / {normalization.StandardDeviation:0.0000}");
setup.AddRow("optimizer", Markup.Escape($"{optimizer.Description}, batch {options.Batch}"));
setup.AddRow("schedule", Markup.Escape(schedule.Description));
setup.AddRow("loss", Markup.Escape(loss.Name));
setup.AddRow("workers", $"{options.Threads} (SIMD {trainer.Network.VectorWidth}), seed {options.Seed}{(options.Augment ? ", augmentation: shifts <= 2 px, flips" : string.Empty)}");
setup.AddRow("epochs", $"{epochs}{(trainerOptions.EarlyStopping is null ? string.Empty : ", early stopping after 4 epochs without a better validation accuracy")}");
AnsiConsole.Write(setup);
AnsiConsole.WriteLine();

// ---- Training ---------------------------------------------------------------------------------------------------
var clock = Stopwatch.StartNew();
TrainingHistory history;
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    history = AnsiConsole.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context => trainer.Fit(train, epochs, validation, new EpochBars(context)));
}
else
{
    history = trainer.Fit(train, epochs, validation, new EpochLines());
}

clock.Stop();

// ---- Test -------------------------------------------------------------------------------------------------------
EvaluationResult result = trainer.Evaluate(test);
var mistakes = new List<(int Index, int Label, int Predicted)>();
var logits = new float[trainer.Network.OutputLength];
for (int i = 0; i < test.Count; i++)
{
    trainer.Network.Forward(test.Sample(i), logits);
    int predicted = Logits.ArgMax(logits);
    if (predicted != test.Label(i))
    {
        mistakes.Add((i, test.Label(i), predicted));
    }
}

var times = new Table().Title("training time per epoch").AddColumns("epoch", "seconds", "images/s", "train loss", "train acc", "val acc");
foreach (EpochSummary e in history.Epochs)
{
    times.AddRow(
        e.Epoch.ToString(CultureInfo.InvariantCulture), $"{e.TrainingTime.TotalSeconds:0.0}", $"{e.ImagesPerSecond:N0}",
        $"{e.TrainLoss:0.0000}", $"{e.TrainAccuracy:0.0000}", e.Validation is null ? "-" : $"{e.Validation.Accuracy:0.0000}");
}

AnsiConsole.Write(times);
double meanSeconds = history.Epochs.Average(e => e.TrainingTime.TotalSeconds);
AnsiConsole.WriteLine(
    $"{history.Epochs.Count} epochs in {clock.Elapsed.TotalSeconds:0.0} s (training {meanSeconds:0.0} s/epoch, {history.Epochs.Average(e => e.ImagesPerSecond):N0} images/s on {options.Threads} workers)" +
    (history.StoppedEarly ? "; stopped early" : string.Empty) +
    (trainerOptions.EarlyStopping is { RestoreBest: true } && history.BestEpoch != history.Epochs[^1].Epoch
        ? $"; weights of epoch {history.BestEpoch}, the best on validation, restored"
        : string.Empty));

var confusion = new Table().Title("confusion matrix (rows: true class, columns: predicted)").AddColumn(new TableColumn("true \\ predicted").NoWrap());
for (int p = 0; p < test.ClassCount; p++)
{
    confusion.AddColumn(new TableColumn(p.ToString(CultureInfo.InvariantCulture)).RightAligned());
}

confusion.AddColumn(new TableColumn("accuracy").RightAligned());
for (int a = 0; a < test.ClassCount; a++)
{
    var cells = new List<string> { $"{a} {Markup.Escape(test.ClassNames[a])}" };
    for (int p = 0; p < test.ClassCount; p++)
    {
        long n = result.Confusion[a, p];
        cells.Add(a == p ? $"[green]{n}[/]" : n == 0 ? "[grey]0[/]" : n.ToString(CultureInfo.InvariantCulture));
    }

    cells.Add($"{result.Confusion.Recall(a):0.0000}");
    confusion.AddRow(cells.ToArray());
}

AnsiConsole.Write(confusion);

// ---- Output -----------------------------------------------------------------------------------------------------
Directory.CreateDirectory(options.OutputDirectory);
// Safetensors under PyTorch nn.Sequential names: PyTorch loads it with load_state_dict, and
// samples/EmbeddedInference bakes it into a NativeAOT binary. The metadata records how pixels were normalised.
string weightsPath = Path.Combine(options.OutputDirectory, (synthetic ? "synthetic" : "fashion-mnist") + (options.Network == "resnet" ? "-resnet" : "") + ".safetensors");
SafeTensors.Save(trainer.Network, weightsPath, new Dictionary<string, string>
{
    ["network"] = networkName,
    ["data"] = synthetic ? "synthetic shapes" : "Fashion-MNIST",
    ["normalization_mean"] = normalization.Mean.ToString("R", CultureInfo.InvariantCulture),
    ["normalization_std"] = normalization.StandardDeviation.ToString("R", CultureInfo.InvariantCulture),
    ["test_accuracy"] = result.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture),
});
var written = new List<string> { weightsPath };
written.AddRange(Charts.Curves(history, result.Accuracy, options.OutputDirectory));
written.Add(Charts.Filters(trainer.Network, Path.Combine(options.OutputDirectory, "filters.png")));
written.Add(Charts.Misclassified(mistakes, test, normalization, Path.Combine(options.OutputDirectory, "misclassified.png")));
AnsiConsole.WriteLine("wrote " + string.Join(", ", written));

Console.WriteLine($"test accuracy: {result.Accuracy:0.0000}");
return 0;

using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using StaticCnn;
using StaticCnn.Metrics;
using TinyMl;

// The four MLPerf Tiny reference models, declared in Models/: each one's summary, one inference on seeded random
// input, and its latency on this machine (one thread, batch 1, allocations counted). docs/tinyml.md.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const string Usage = """
    Runs the MLPerf Tiny reference models declared with StaticCnn attributes.

    usage: dotnet run -c Release --project samples/TinyMl -- [options]

      --model NAME      resnet8, dscnn, mobilenet or autoencoder (default: all four)
      --iterations N    timed inferences per model (default 2000)
      --profile         also where each model's time goes, layer by layer (INetwork.ForwardProfiled)

      --train NAME      instead: train on Fashion-MNIST and test. resnet8 (the model itself, images padded to
                        3x32x32), dscnn (DS-CNN's layers on 1x28x28) or autoencoder (the autoencoder's layers on 784
                        values, trained with mean squared error on one class; reports the ROC AUC of its
                        reconstruction error for the other nine classes as anomalies)
      --epochs N        training epochs (default 10; 30 for the autoencoder)
      --normal-class C  the autoencoder's class, 0-9 (default 0, T-shirt/top)
      --seed N          initialisation and shuffling seed (default 1)
      --data DIR        the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
      --out DIR         where the trained weights go, as NAME-fashion-mnist.safetensors (default ./out)
      --help            this text
    """;

string? only = null;
int iterations = 2000;
bool profile = false;
string? train = null;
int? epochs = null;
int normalClass = 0;
int seed = 1;
string data = "/usr/share/datasets/fashion-mnist";
string outputDirectory = "out";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model" when i + 1 < args.Length:
            only = args[++i];
            if (!TinyModels.All.Any(m => m.Key == only))
            {
                Console.Error.WriteLine($"--model expects one of {string.Join(", ", TinyModels.All.Select(m => m.Key))}; got '{only}'.");
                return 2;
            }

            break;
        case "--iterations" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations <= 0)
            {
                Console.Error.WriteLine($"--iterations expects a positive whole number; got '{args[i]}'.");
                return 2;
            }

            break;
        case "--train" when i + 1 < args.Length:
            train = args[++i];
            if (train is not ("resnet8" or "dscnn" or "autoencoder"))
            {
                Console.Error.WriteLine($"--train expects resnet8, dscnn or autoencoder; got '{train}'.");
                return 2;
            }

            break;
        case "--epochs" or "--normal-class" or "--seed" when i + 1 < args.Length:
            string option = args[i];
            if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out int value)
                || (option == "--epochs" && value == 0) || (option == "--normal-class" && value > 9))
            {
                Console.Error.WriteLine($"{option} expects {(option == "--normal-class" ? "a class from 0 to 9" : option == "--epochs" ? "a positive whole number" : "a whole number")}; got '{args[i]}'.");
                return 2;
            }

            switch (option)
            {
                case "--epochs": epochs = value; break;
                case "--normal-class": normalClass = value; break;
                default: seed = value; break;
            }

            break;
        case "--data" when i + 1 < args.Length:
            data = args[++i];
            break;
        case "--out" when i + 1 < args.Length:
            outputDirectory = args[++i];
            break;
        case "--profile":
            profile = true;
            break;
        case "--help":
            Console.WriteLine(Usage);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'.");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

Console.WriteLine($"{RuntimeDescription()}\n");
if (train is not null)
{
    return FashionTraining.Run(train, data, epochs ?? (train == "autoencoder" ? 30 : 10), seed, normalClass, outputDirectory);
}

foreach (TinyModel model in TinyModels.All.Where(m => only is null || m.Key == only))
{
    INetwork network = model.Create();
    Console.WriteLine($"== {model.Task}: {network.GetType().Name} ==");
    Console.WriteLine(network.Summary);

    // Seeded random input in [-1, 1): the weights are the constructor's (He initialisation), so the output only shows
    // that the network runs; the tests check the numbers against PyTorch.
    float[] input = new float[network.InputLength];
    var random = new DeterministicRandom(7);
    for (int i = 0; i < input.Length; i++)
    {
        input[i] = random.NextSingle(-1f, 1f);
    }

    float[] output = new float[network.OutputLength];
    network.Forward(input, output);
    Console.WriteLine(model.Describe(input, output));

    // Deployed weights do not change: frozen, inference makes its derived weights (transposed filters, Winograd
    // transforms, folded BatchNorms) once instead of comparing them with the parameters on every call.
    network.FreezeParameters();

    LatencyResult latency = Latency.Measure(network, input, output, iterations);
    Console.WriteLine(
        $"latency: {latency.MedianMicroseconds:0.0} us median, {latency.BestMicroseconds:0.0} us best of {latency.Rounds} rounds " +
        $"of {latency.CallsPerRound} calls; {latency.AllocatedBytesPerCall:0} B allocated per call; " +
        $"{network.VectorWidth}, one thread, batch 1, parameters frozen\n");
    if (profile)
    {
        Console.WriteLine(ProfileTable.Format(LayerProfile.Measure(network, input, Math.Max(iterations / 4, 50))));
    }
}

return 0;

static string RuntimeDescription() =>
    $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, " +
    $"{Environment.ProcessorCount} logical processors, " +
    $"Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, " +
    $"Stopwatch resolution {1e9 / Stopwatch.Frequency:0} ns";

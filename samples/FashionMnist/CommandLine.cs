using System;
using System.Globalization;

namespace FashionMnist;

/// <summary>The sample's options, parsed from <c>--name value</c> or <c>--name=value</c> pairs.</summary>
internal sealed record CommandLine(
    int? Epochs,
    int Batch,
    float LearningRate,
    int Seed,
    int Threads,
    string DataDirectory,
    string OutputDirectory,
    int Validation,
    bool Augment,
    bool Help,
    string Network = "conv",
    float WeightDecay = 1e-4f,
    float LabelSmoothing = 0f)
{
    public const string Usage = """
        Trains a StaticCnn network on Fashion-MNIST and writes weights and charts.

        usage: dotnet run -c Release --project samples/FashionMnist -- [options]

          --epochs N       epochs to train (default 12; 3 on the synthetic fallback data)
          --batch N        mini-batch size (default 64)
          --lr X           peak learning rate of AdamW (default 0.002; 1 warm-up epoch, then cosine decay)
          --seed N         seed of initialisation, shuffling and augmentation (default 1)
          --threads N      data-parallel workers (default: the processor count)
          --data DIR       directory with the four IDX files (default /usr/share/datasets/fashion-mnist)
          --out DIR        where weights and PNG charts go (default ./out)
          --validation N   training images held out for early stopping (default 5000; 0 for none)
          --augment        random shifts of up to 2 pixels and horizontal flips while training
          --weight-decay X AdamW's decoupled weight decay (default 0.0001)
          --label-smoothing X  the cross-entropy's label smoothing, in [0, 1) (default 0)
          --network NAME   conv (default: FashionNet, two convolutions and a hidden layer) or resnet
                           (FashionResNet: three residual stacks with BatchNorm, docs/graphs.md)
          --help           this text
        """;

    public static CommandLine Parse(string[] args)
    {
        int? epochs = null;
        int batch = 64;
        float lr = 0.002f;
        int seed = 1;
        int threads = Environment.ProcessorCount;
        string data = StaticCnn.Data.FashionMnist.DefaultDirectory;
        string output = "out";
        int validation = 5000;
        bool augment = false;
        float weightDecay = 1e-4f;
        float labelSmoothing = 0f;
        bool help = false;
        string network = "conv";
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inline = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inline = arg[(equals + 1)..];
                arg = arg[..equals];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{arg} needs a value.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--epochs": epochs = Positive(arg, Value()); break;
                case "--batch": batch = Positive(arg, Value()); break;
                case "--lr": lr = PositiveFloat(arg, Value()); break;
                case "--seed": seed = Integer(arg, Value()); break;
                case "--threads": threads = Positive(arg, Value()); break;
                case "--data": data = Value(); break;
                case "--out": output = Value(); break;
                case "--validation": validation = Math.Max(0, Integer(arg, Value())); break;
                case "--augment": augment = true; break;
                case "--weight-decay": weightDecay = NonNegativeFloat(arg, Value(), below: float.PositiveInfinity); break;
                case "--label-smoothing": labelSmoothing = NonNegativeFloat(arg, Value(), below: 1f); break;
                case "--network":
                    network = Value();
                    if (network is not ("conv" or "resnet"))
                    {
                        throw new FormatException($"--network expects conv or resnet; got '{network}'.");
                    }

                    break;
                case "--help" or "-h": help = true; break;
                default: throw new FormatException($"Unknown option '{args[i]}'.");
            }
        }

        return new CommandLine(epochs, batch, lr, seed, threads, data, output, validation, augment, help, network, weightDecay, labelSmoothing);
    }

    private static int Integer(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"{name} expects an integer; got '{text}'.");

    private static int Positive(string name, string text)
    {
        int value = Integer(name, text);
        return value > 0 ? value : throw new FormatException($"{name} expects a positive integer; got {value}.");
    }

    private static float NonNegativeFloat(string name, string text, float below) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && value >= 0 && value < below && float.IsFinite(value)
            ? value
            : throw new FormatException($"{name} expects a number in [0, {(float.IsPositiveInfinity(below) ? "infinity" : below.ToString(CultureInfo.InvariantCulture))}); got '{text}'.");

    private static float PositiveFloat(string name, string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && value > 0 && float.IsFinite(value)
            ? value
            : throw new FormatException($"{name} expects a positive number; got '{text}'.");
}

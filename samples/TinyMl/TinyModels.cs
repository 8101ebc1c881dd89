using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn;

namespace TinyMl;

/// <summary>One of the four reference models: how to make it and how to describe its output.</summary>
/// <param name="Key">The name on the command line.</param>
/// <param name="Task">The MLPerf Tiny task.</param>
/// <param name="Create">Makes an instance (He-initialised).</param>
/// <param name="Describe">A line about one output for its input.</param>
internal sealed record TinyModel(string Key, string Task, Func<INetwork> Create, Func<float[], float[], string> Describe);

/// <summary>The four MLPerf Tiny models in the benchmark's order.</summary>
internal static class TinyModels
{
    public static IReadOnlyList<TinyModel> All { get; } =
    [
        new("resnet8", "image classification (CIFAR-10)", () => new ResNet8(), (_, logits) => Classes(logits, ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])),
        new("dscnn", "keyword spotting (Speech Commands)", () => new DsCnn(), (_, logits) => Classes(logits, ["silence", "unknown", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"])),
        new("mobilenet", "visual wake words", () => new MobileNetV1(), (_, logits) => Classes(logits, ["no person", "person"])),
        new("autoencoder", "anomaly detection (ToyADMOS)", () => new FcAutoencoder(), (input, reconstruction) =>
            $"anomaly score (mean squared reconstruction error of the 640 inputs): {input.Zip(reconstruction, (x, y) => (double)(x - y) * (x - y)).Average():0.0000}"),
    ];

    private static string Classes(float[] logits, string[] names)
    {
        float max = logits.Max();
        double[] exp = logits.Select(z => Math.Exp(z - max)).ToArray();
        double sum = exp.Sum();
        int best = Array.IndexOf(logits, max);
        return $"untrained output: top class '{names[best]}' with softmax probability {exp[best] / sum:0.000} (of {logits.Length})";
    }
}

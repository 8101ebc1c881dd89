using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>
/// The losses and optimizers against what PyTorch itself computed (Fixtures/PyTorch/training.json, written by
/// make_training_fixtures.py with torch 1.13): cross-entropy with label smoothing and MultiMarginLoss with their
/// autograd gradients, and 12 steps of SGD, Adam and AdamW in eight configurations.
/// </summary>
public sealed class PyTorchTrainingParityTests
{
    private static readonly Lazy<JsonDocument> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "PyTorch", "training.json"))));

    public static IEnumerable<object[]> Optimizers() =>
        Enumerable.Range(0, Fixture.Value.RootElement.GetProperty("optimizers").GetArrayLength()).Select(i => new object[] { i });

    [Fact]
    public void LossesAndGradientsMatchPyTorch()
    {
        int cases = 0;
        foreach (JsonElement c in Fixture.Value.RootElement.GetProperty("losses").EnumerateArray())
        {
            float[] logits = Floats(c.GetProperty("logits"));
            int label = c.GetProperty("label").GetInt32();
            var gradient = new float[logits.Length];

            var crossEntropy = new SoftmaxCrossEntropyLoss(c.GetProperty("labelSmoothing").GetSingle());
            float loss = crossEntropy.Compute(logits, label, gradient);
            Close(c.GetProperty("crossEntropy").GetSingle(), loss, $"cross-entropy, case {cases}");
            Close(Floats(c.GetProperty("crossEntropyGradient")), gradient, $"cross-entropy gradient, case {cases}");

            var hinge = new MulticlassHingeLoss(c.GetProperty("margin").GetSingle(), averageOverClasses: true);
            loss = hinge.Compute(logits, label, gradient);
            Close(c.GetProperty("multiMargin").GetSingle(), loss, $"multi-margin, case {cases}");
            Close(Floats(c.GetProperty("multiMarginGradient")), gradient, $"multi-margin gradient, case {cases}");
            cases++;
        }

        Assert.True(cases >= 20);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerStepsMatchPyTorch(int index)
    {
        JsonElement c = Fixture.Value.RootElement.GetProperty("optimizers")[index];
        JsonElement o = c.GetProperty("options");
        float Option(string name, float fallback) => o.TryGetProperty(name, out JsonElement v) ? v.GetSingle() : fallback;
        float[] betas = o.TryGetProperty("betas", out JsonElement b) ? Floats(b) : [0.9f, 0.999f];
        float[] p = Floats(c.GetProperty("initial"));
        Optimizer optimizer = c.GetProperty("kind").GetString() switch
        {
            "sgd" => new Sgd(p.Length, Option("lr", 0), Option("momentum", 0), o.TryGetProperty("nesterov", out JsonElement n) && n.GetBoolean(), Option("weight_decay", 0), Option("dampening", 0)),
            "adam" => new Adam(p.Length, Option("lr", 1e-3f), betas[0], betas[1], Option("eps", 1e-8f), Option("weight_decay", 0)),
            "adamw" => new AdamW(p.Length, Option("lr", 1e-3f), betas[0], betas[1], Option("eps", 1e-8f), Option("weight_decay", 0.01f)),
            var other => throw new InvalidDataException($"unknown optimizer {other}"),
        };

        JsonElement[] gradients = [.. c.GetProperty("gradients").EnumerateArray()];
        JsonElement[] expected = [.. c.GetProperty("parameters").EnumerateArray()];
        var g = new float[p.Length];
        for (int step = 0; step < gradients.Length; step++)
        {
            // The fixture's gradient at a step is raw + 0.5 * p, on the parameters before the step.
            float[] raw = Floats(gradients[step]);
            for (int i = 0; i < p.Length; i++)
            {
                g[i] = raw[i] + (0.5f * p[i]);
            }

            optimizer.Step(p, g);
            Close(Floats(expected[step]), p, $"{optimizer.Description}, step {step + 1}");
        }
    }

    private static void Close(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual} vs PyTorch {expected}");

    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])),
                $"{what}, element {i}: {actual[i]} vs PyTorch {expected[i]}");
        }
    }

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];
}

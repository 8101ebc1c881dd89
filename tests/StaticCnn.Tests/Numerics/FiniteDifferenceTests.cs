using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// The generated gradients of every layer against central finite differences of the generated Forward itself,
/// for the loss L = sum(dY * y), accumulated in double. Each layer's weights and biases are sampled, and the
/// input gradient is checked in full.
/// </summary>
/// <remarks>
/// ReLU, LeakyReLU and max pooling have kinks: when a step of the finite difference moves a pre-activation across
/// zero or changes a pooling window's winner, the difference quotient measures a mix of two slopes. Such points are
/// detected by comparing the quotient one-sided quotients on either side of the point (they disagree only across a kink, even one sitting exactly on the point) and are
/// counted instead of compared; at most a third of the points of a network may be skipped that way. Kinks on both
/// sides at the same distance fool that test; a point whose quotient disagrees with the gradient is checked again at
/// a quarter step, and counted as a kink only when the two quotients also disagree with each other (at widths other
/// than x64's default, rounding differently, SeedNet's input [568], ResNet8's and InceptionNet's points failed so).
/// </remarks>
public sealed class FiniteDifferenceTests(ITestOutputHelper log)
{
    private const double Step = 1e-3;
    private const double Allowed = 1e-2;
    private const int SamplesPerTensor = 40;

    // SmallVgg is left out: a 1e-3 step of an early bias moves thousands of ReLU pre-activations, enough of them
    // across their kink that the one-sided slopes no longer flag it, so the quotient measures the kinks rather
    // than the gradient. Its gradients are checked exactly against the double-precision reference instead
    // (ReferenceAgreementTests), at every SIMD width. FoldingNet likewise: max pooling, two ReLUs and a ReLU6 after its
    // 5x5 convolution put kinks on both sides of most points within a 1e-3 step (conv 2's weight 155: central quotients
    // 1.10e-2, 9.77e-3, 6.45e-3, 2.95e-3 at steps 1e-2 down to 3e-4, against a gradient of 3.60e-3, with the inference
    // plan and the training plan alike). DsCnn and MobileNetV1 (MLPerf Tiny) too: a 1e-3 step of a stem weight moves the
    // pre-activations of every later ReLU, 8 (DsCnn) to 27 (MobileNetV1) layers of them, so kinks on both sides go
    // unflagged (DsCnn's stem weight 1210: quotient -4.82e-3 against -4.42e-3); their gradients are checked against the
    // double-precision reference and against PyTorch instead.
    public static IEnumerable<object[]> Networks() =>
        NetworkCase.All.Where(n => n.Name is not ("SmallVgg" or "FoldingNet" or "DsCnn" or "MobileNetV1")).Select(n => new object[] { n.Name });

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryLayersGradientsMatchFiniteDifferences(string name)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork net = network.Create();
        // The initialiser's fan-in scaling keeps activations near 1, so the float32 rounding of Forward stays far
        // below the step's effect; biases get random values so no pre-activation starts on a kink.
        net.InitializeParameters(7);
        foreach (LayerInfo layer in net.Layers.Where(l => l.BiasCount > 0))
        {
            Samples.Uniform(layer.BiasCount, seed: 100 + layer.Index, -0.2f, 0.2f).CopyTo(net.Parameters.Slice(layer.BiasOffset));
        }

        float[] input = Samples.Uniform(net.InputLength, seed: 8);
        float[] outputGradient = Samples.Uniform(net.OutputLength, seed: 9);
        float[] output = new float[net.OutputLength];
        float[] inputGradient = new float[net.InputLength];

        net.ZeroGradients();
        net.Forward(input, output);
        net.Backward(outputGradient, inputGradient);
        float[] analytic = net.Gradients.ToArray();

        double Loss()
        {
            net.Forward(input, output);
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
            {
                sum += (double)outputGradient[i] * output[i];
            }

            return sum;
        }

        // Forward's float32 rounding moves the loss a little, differently at every point; a difference quotient
        // carries up to (e+ + e-) / 2h of it. The rounding error e is measured against the double-precision
        // reference at the starting point and at sixteen inputs a step away, and its largest value doubled.
        ReferenceNetwork reference = network.Reference();
        var probe = new Random(5);
        double roundingError = 0;
        for (int trial = 0; trial <= 16; trial++)
        {
            int at = probe.Next(input.Length);
            float original = input[at];
            input[at] += trial == 0 ? 0f : (float)(probe.Next(2) == 0 ? -Step : Step);
            double exact = reference.Forward(net.Parameters, input).Select((y, i) => y * outputGradient[i]).Sum();
            roundingError = Math.Max(roundingError, Math.Abs(Loss() - exact));
            input[at] = original;
        }

        double noise = 2 * roundingError / Step;
        var random = new Random(11);
        int checkedPoints = 0, kinks = 0;
        foreach (LayerInfo layer in net.Layers.Where(l => l.ParameterCount > 0))
        {
            Check($"{name} layer {layer.Index} {layer.Kind} weight", layer.ParameterOffset, layer.WeightCount);
            Check($"{name} layer {layer.Index} {layer.Kind} bias", layer.BiasOffset, layer.BiasCount);
        }

        void Check(string what, int offset, int count)
        {
            IEnumerable<int> indices = count <= SamplesPerTensor
                ? Enumerable.Range(offset, count)
                : Enumerable.Range(0, SamplesPerTensor).Select(_ => offset + random.Next(count));
            float[] gradients = analytic.AsSpan(offset, count).ToArray();
            double scale = Math.Sqrt(gradients.Sum(g => (double)g * g) / count);
            foreach (int i in indices)
            {
                Compare(ref net.Parameters[i], analytic[i], scale, $"{what} [{i - offset}]");
            }
        }

        double inputScale = Math.Sqrt(inputGradient.Sum(g => (double)g * g) / inputGradient.Length);
        for (int i = 0; i < input.Length; i++)
        {
            Compare(ref input[i], inputGradient[i], inputScale, $"{name} input gradient [{i}]");
        }

        Assert.True(checkedPoints > 0, $"{name}: no point was checked.");
        log.WriteLine($"{name}: {checkedPoints} points checked, {kinks} on a kink skipped, noise floor {noise:E1}, input gradient rms {inputScale:E1}.");
        Assert.True(kinks * 3 <= checkedPoints + kinks,
            $"{name}: {kinks} of {checkedPoints + kinks} points sit on a kink; the check is not informative.");

        void Compare(ref float value, double backward, double scale, string what)
        {
            (double central, double forwardSlope, double backwardSlope) = Slopes(ref value, Loss);
            double allowed = Allowed * Math.Max(Math.Abs(backward), scale) + noise;
            if (Math.Abs(forwardSlope - backwardSlope) > allowed)
            {
                kinks++;
                return;
            }

            if (Math.Abs(central - backward) > allowed)
            {
                // Kinks on both sides of the point at the same distance pass the one-sided test. A quarter step
                // tells: a smooth loss gives nearly the same quotient (its noise is four times larger), a kink
                // within the step does not. A wrong gradient is two agreeing quotients that disagree with it.
                double quarter = Slopes(ref value, Loss, Step / 4).Central;
                double allowedQuarter = Allowed * Math.Max(Math.Abs(backward), scale) + (4 * noise);
                if (Math.Abs(quarter - backward) > allowedQuarter && Math.Abs(quarter - central) > allowedQuarter)
                {
                    kinks++;
                    return;
                }

                checkedPoints++;
                Assert.True(Math.Abs(quarter - backward) <= allowedQuarter,
                    $"{what}: finite differences {central:E4} (step {Step}) and {quarter:E4} (step {Step / 4}), backward {backward:E4} (allowed difference {allowed:E2}, {allowedQuarter:E2}).");
                return;
            }

            checkedPoints++;
        }
    }

    /// <summary>The central difference quotient and the two one-sided ones around the current value.</summary>
    private static (double Central, double Forward, double Backward) Slopes(ref float value, Func<double> loss, double step = Step)
    {
        float original = value;
        double middle = loss();
        value = (float)(original + step);
        double upper = value;
        double plus = loss();
        value = (float)(original - step);
        double lower = value;
        double minus = loss();
        value = original;
        return ((plus - minus) / (upper - lower), (plus - middle) / (upper - original), (middle - minus) / (original - lower));
    }
}

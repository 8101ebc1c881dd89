using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// The generated Forward and Backward against the naive double-precision reference, on every network of
/// <see cref="NetworkCase.All"/> and every SIMD width this machine runs.
/// </summary>
public sealed class ReferenceAgreementTests
{
    public static IEnumerable<object[]> Cases() =>
        from network in NetworkCase.All
        from width in SimdSupport.SupportedWidths()
        select new object[] { network.Name, width };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchTheReference(string name, SimdWidth width)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork net = network.Create();
        net.VectorWidth = width;
        ReferenceNetwork reference = network.Reference();
        Assert.Equal(reference.ParameterCount, net.ParameterCount);
        Assert.Equal(reference.InputLength, net.InputLength);
        Assert.Equal(reference.OutputLength, net.OutputLength);

        // Random parameters (not the initialiser's), so biases are non-zero too.
        Samples.Uniform(net.ParameterCount, seed: 1, -0.5f, 0.5f).CopyTo(net.Parameters);
        for (int sample = 0; sample < 2; sample++)
        {
            float[] input = Samples.Uniform(net.InputLength, seed: 10 + sample);
            float[] outputGradient = Samples.Uniform(net.OutputLength, seed: 20 + sample);
            float[] output = new float[net.OutputLength];
            float[] inputGradient = new float[net.InputLength];

            net.ZeroGradients();
            net.Forward(input, output);
            net.Backward(outputGradient, inputGradient);

            double[] expected = reference.Forward(net.Parameters, input);
            ReferenceGradients gradients = reference.Backward(Samples.Widen(outputGradient));
            Tolerance.AssertClose(expected, output, $"{name}/{width} output");
            Tolerance.AssertClose(gradients.Parameters, net.Gradients, $"{name}/{width} parameter gradient");
            Tolerance.AssertClose(gradients.Input, inputGradient, $"{name}/{width} input gradient");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardAddsIntoGradientsAndSkipsAnEmptyInputGradient(string name, SimdWidth width)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork net = network.Create();
        net.VectorWidth = width;
        Samples.Uniform(net.ParameterCount, seed: 3, -0.5f, 0.5f).CopyTo(net.Parameters);
        float[] input = Samples.Uniform(net.InputLength, seed: 4);
        float[] outputGradient = Samples.Uniform(net.OutputLength, seed: 5);
        float[] output = new float[net.OutputLength];

        net.ZeroGradients();
        net.Forward(input, output);
        net.Backward(outputGradient, Span<float>.Empty);
        float[] once = net.Gradients.ToArray();
        net.Backward(outputGradient, Span<float>.Empty);
        float[] twice = net.Gradients.ToArray();

        double[] doubled = once.Select(g => 2.0 * g).ToArray();
        Tolerance.AssertClose(doubled, twice, $"{name}/{width} accumulated gradient", 1e-6);
        Assert.Contains(once, g => g != 0f);
    }
}

using System;
using System.Linq;
using StaticCnn.Kernels;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// Winograd and filters-in-lanes layers keep their transformed filters in an array every batch slot shares and
/// recompute them only when the weights (or, in lanes, the biases) change: a forward pass after any change of the
/// parameters, through every entry point, must see it.
/// </summary>
public sealed class WinogradTests
{
    [Theory]
    [InlineData("WinogradWideNet")]
    [InlineData("WinogradNarrowNet")]
    [InlineData("WinogradChunkNet")]
    [InlineData("SmallVgg")]
    [InlineData("FiltersInLanesNet")]
    [InlineData("DirectRowsNet")]
    [InlineData("LeNet5")]
    public void EveryForwardSeesWeightsChangedInPlace(string name)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork net = network.Create();
        ReferenceNetwork reference = network.Reference();
        float[] input = Samples.Uniform(net.InputLength, seed: 7);
        float[] output = new float[net.OutputLength];
        float[] batchOutputs = new float[3 * net.OutputLength];
        float[] inputs = [.. input, .. input, .. input];
        net.BatchCapacity = 3;

        for (int round = 0; round < 3; round++)
        {
            // Round 0: fresh parameters; round 1: one weight and one bias of every convolution nudged in place; round 2: new values wholesale.
            if (round == 1)
            {
                foreach (LayerInfo layer in net.Layers.Where(l => l.Kind == LayerKind.Conv2D))
                {
                    net.Parameters[layer.ParameterOffset + (layer.WeightCount / 2)] += 0.25f;
                    net.Parameters[layer.ParameterOffset + layer.WeightCount + 1] -= 0.125f;
                }
            }
            else
            {
                Samples.Uniform(net.ParameterCount, seed: 30 + round, -0.5f, 0.5f).CopyTo(net.Parameters);
            }

            double[] expected = reference.Forward(net.Parameters, input);
            net.Forward(input, output);
            Tolerance.AssertClose(expected, output, $"{name} round {round}: Forward");

            net.Forward(inputs, batchOutputs, 3);
            for (int s = 0; s < 3; s++)
            {
                Tolerance.AssertClose(expected, batchOutputs.AsSpan(s * net.OutputLength, net.OutputLength).ToArray(), $"{name} round {round}: batched inference, sample {s}");
            }

            // The training forward (layer by layer over the slots), after a change it has not seen yet.
            net.Parameters[net.Layers.Last(l => l.Kind == LayerKind.Conv2D).ParameterOffset] += 1f / 64;
            expected = reference.Forward(net.Parameters, input);
            net.ForwardBatch(inputs, batchOutputs, 3);
            Tolerance.AssertClose(expected, batchOutputs.AsSpan(0, net.OutputLength).ToArray(), $"{name} round {round}: ForwardBatch");
        }
    }

    /// <summary>
    /// Backward multiplies with the weights as they are when it runs, as the direct kernels do: in a linear network the
    /// input gradient depends on the weights alone, so weights changed after Forward must give the reference's input
    /// gradient for the new weights, per sample and batched.
    /// </summary>
    [Fact]
    public void BackwardSeesWeightsChangedAfterForward()
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == "WinogradLinearNet");
        INetwork net = network.Create();
        ReferenceNetwork reference = network.Reference();
        float[] input = Samples.Uniform(net.InputLength, seed: 8);
        float[] outputGradient = Samples.Uniform(net.OutputLength, seed: 9);
        float[] output = new float[net.OutputLength];
        float[] inputGradient = new float[net.InputLength];
        net.BatchCapacity = 2;

        Samples.Uniform(net.ParameterCount, seed: 40, -0.5f, 0.5f).CopyTo(net.Parameters);
        net.Forward(input, output);
        net.Backward(outputGradient, inputGradient);
        Samples.Uniform(net.ParameterCount, seed: 41, -0.5f, 0.5f).CopyTo(net.Parameters);
        reference.Forward(net.Parameters, input);
        double[] expected = reference.Backward(Samples.Widen(outputGradient)).Input;

        net.Forward(input, output);
        Samples.Uniform(net.ParameterCount, seed: 40, -0.5f, 0.5f).CopyTo(net.Parameters);
        net.Backward(outputGradient, inputGradient);
        Samples.Uniform(net.ParameterCount, seed: 41, -0.5f, 0.5f).CopyTo(net.Parameters);
        net.Backward(outputGradient, inputGradient);
        Tolerance.AssertClose(expected, inputGradient, "Backward after a weight change");

        // Batched: the transformed weights are those of seed 41 now; back to 40, the batched backward must see it.
        float[] inputs = [.. input, .. input];
        float[] outputs = new float[2 * net.OutputLength];
        float[] inputGradients = new float[2 * net.InputLength];
        Samples.Uniform(net.ParameterCount, seed: 40, -0.5f, 0.5f).CopyTo(net.Parameters);
        reference.Forward(net.Parameters, input);
        double[] expected40 = reference.Backward(Samples.Widen(outputGradient)).Input;
        net.ForwardBatch(inputs, outputs, 2);
        net.BackwardBatch([.. outputGradient, .. outputGradient], inputGradients, 2);
        Tolerance.AssertClose(expected40, inputGradients.AsSpan(net.InputLength).ToArray(), "BackwardBatch");
        Samples.Uniform(net.ParameterCount, seed: 41, -0.5f, 0.5f).CopyTo(net.Parameters);
        net.BackwardBatch([.. outputGradient, .. outputGradient], inputGradients, 2);
        Tolerance.AssertClose(expected, inputGradients.AsSpan(net.InputLength).ToArray(), "BackwardBatch after a weight change");
    }

    [Fact]
    public void TransformedWeightsAreComputedOncePerChange()
    {
        // Two calls with the same weights leave the transformed array as the first made it; a change rewrites it.
        float[] parameters = Samples.Uniform(2 * 3 * 9, seed: 2);
        float[] transformed = new float[2 * 3 * 9 + (16 * 7) + 16];
        int cache = 0, target = 2 * 3 * 9;
        Winograd.TransformWeights(parameters, 0, transformed, cache, target, 2, 3, 7);
        float[] first = transformed.ToArray();
        Assert.Equal(parameters, transformed.Take(parameters.Length));

        // U[xi][o][c] = (G g G^T)[xi], checked against the definition with G written out.
        double[,] g = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };
        for (int o = 0; o < 2; o++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        double sum = 0;
                        for (int r = 0; r < 3; r++)
                        {
                            for (int s = 0; s < 3; s++)
                            {
                                sum += g[i, r] * parameters[(((o * 3) + c) * 9) + (r * 3) + s] * g[j, s];
                            }
                        }

                        Assert.Equal(sum, transformed[target + ((4 * i) + j) * 7 + (o * 3) + c], 5);
                    }
                }
            }
        }

        transformed[target] = 42f;
        Winograd.TransformWeights(parameters, 0, transformed, cache, target, 2, 3, 7);
        Assert.Equal(42f, transformed[target]);
        parameters[0] += 1f;
        Winograd.TransformWeights(parameters, 0, transformed, cache, target, 2, 3, 7);
        Assert.NotEqual(42f, transformed[target]);
        Assert.NotEqual(first[target], transformed[target]);
    }
}

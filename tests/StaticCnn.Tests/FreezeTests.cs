using System;
using System.Collections.Generic;
using StaticCnn.Kernels;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests;

/// <summary>
/// <see cref="INetwork.FreezeParameters"/>: frozen inference makes its derived weights once (the MLPerf Tiny models
/// cover every kind: filters in lanes, Winograd, folded BatchNorm, depthwise, Dense) and must then give exactly the
/// floats of unfrozen inference, see the parameters as they were when frozen, and refuse whatever could change them.
/// </summary>
public sealed class FreezeTests
{
    public static TheoryData<string> Models => new() { "ResNet8", "DsCnn", "MobileNetV1", "FcAutoencoder" };

    private static INetwork Create(string name) => name switch
    {
        "ResNet8" => new TinyMl.ResNet8(),
        "DsCnn" => new TinyMl.DsCnn(),
        "MobileNetV1" => new TinyMl.MobileNetV1(),
        "FcAutoencoder" => new TinyMl.FcAutoencoder(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a TinyMl model"),
    };

    /// <summary>Seeded weights with non-trivial BatchNorm weights, biases and running statistics.</summary>
    private static INetwork Randomized(string name, int seed)
    {
        INetwork net = Create(name);
        net.InitializeParameters(seed);
        Span<float> parameters = net.Parameters;
        float[] noise = Samples.Uniform(parameters.Length, seed + 1, -0.05f, 0.05f);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += noise[i];
        }

        // Running means near zero and variances near one, so that the ReLUs after the BatchNorms stay alive and the
        // outputs depend on every statistic (means near one left every unit of these networks dead).
        Span<float> buffers = net.Buffers;
        foreach (ParameterTensor tensor in ParameterTensors.Of(net))
        {
            if (tensor.IsBuffer && tensor.Name.EndsWith("running_mean", StringComparison.Ordinal))
            {
                Samples.Uniform(tensor.Length, seed + tensor.Offset, -0.2f, 0.2f).CopyTo(buffers.Slice(tensor.Offset));
            }
            else if (tensor.IsBuffer && tensor.Name.EndsWith("running_var", StringComparison.Ordinal))
            {
                Samples.Uniform(tensor.Length, seed + tensor.Offset, 0.5f, 1.5f).CopyTo(buffers.Slice(tensor.Offset));
            }
        }

        return net;
    }

    private static float[] Run(INetwork net, float[] input)
    {
        float[] output = new float[net.OutputLength];
        net.Forward(input, output);
        return output;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FrozenInferenceGivesTheFloatsOfUnfrozenInference(string name)
    {
        // Every width before freezing, then every width again on the frozen network: the derived weights made once
        // serve all of them (their layouts do not depend on the width).
        INetwork net = Randomized(name, 7);
        float[] inputs = Samples.Uniform(net.InputLength * 3, 8);
        var expected = new Dictionary<SimdWidth, float[][]>();
        foreach (SimdWidth width in SimdSupport.SupportedWidths())
        {
            net.VectorWidth = width;
            expected[width] = new float[3][];
            for (int s = 0; s < 3; s++)
            {
                expected[width][s] = Run(net, inputs.AsSpan(s * net.InputLength, net.InputLength).ToArray());
            }
        }

        net.FreezeParameters();
        Assert.True(net.ParametersFrozen);
        net.BatchCapacity = 3;
        for (int repeat = 0; repeat < 2; repeat++)
        {
            foreach (SimdWidth width in SimdSupport.SupportedWidths())
            {
                net.VectorWidth = width;
                for (int s = 0; s < 3; s++)
                {
                    Assert.Equal(expected[width][s], Run(net, inputs.AsSpan(s * net.InputLength, net.InputLength).ToArray()));
                }

                float[] outputs = new float[net.OutputLength * 3];
                net.Forward(inputs, outputs, 3);
                for (int s = 0; s < 3; s++)
                {
                    Assert.Equal(expected[width][s], outputs.AsSpan(s * net.OutputLength, net.OutputLength).ToArray());
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FreezingMakesTheDerivedWeightsFromTheParametersAsTheyAreThen(string name)
    {
        // A Forward first, so that the derived weights exist for the old parameters; then new running statistics
        // alone (only derived weights see them: the folded BatchNorms), then new parameters, each followed by a
        // freeze: frozen inference must use them, as a fresh network given them does.
        INetwork net = Randomized(name, 11);
        float[] input = Samples.Uniform(net.InputLength, 12);
        float[] old = Run(net, input);
        INetwork changed = Randomized(name, 13);

        INetwork statisticsOnly = Randomized(name, 11);
        changed.BufferValues.CopyTo(statisticsOnly.Buffers);
        float[] expected = Run(statisticsOnly, input);
        Assert.NotEqual(old, expected);
        changed.BufferValues.CopyTo(net.Buffers);
        net.FreezeParameters();
        Assert.Equal(expected, Run(net, input));

        net.UnfreezeParameters();
        Assert.False(net.ParametersFrozen);
        changed.ParameterValues.CopyTo(net.Parameters);
        net.FreezeParameters();
        Assert.Equal(Run(changed, input), Run(net, input));

        // Unfrozen again, writes are seen by the next Forward.
        net.UnfreezeParameters();
        INetwork original = Randomized(name, 11);
        original.ParameterValues.CopyTo(net.Parameters);
        original.BufferValues.CopyTo(net.Buffers);
        Assert.Equal(old, Run(net, input));
    }

    [Fact]
    public void FrozenNetworksRefuseWhatCouldChangeTheirParameters()
    {
        INetwork net = Randomized("ResNet8", 3);
        float[] parameters = net.ParameterValues.ToArray();
        float[] buffers = net.BufferValues.ToArray();
        byte[] other = SafeTensors.ToBytes(Randomized("ResNet8", 4));
        net.FreezeParameters();

        var errors = new List<InvalidOperationException>
        {
            Assert.Throws<InvalidOperationException>(() => net.Parameters.Length),
            Assert.Throws<InvalidOperationException>(() => net.Buffers.Length),
            Assert.Throws<InvalidOperationException>(() => net.Training = true),
            Assert.Throws<InvalidOperationException>(() => net.InitializeParameters(5)),
            Assert.Throws<InvalidOperationException>(() => SafeTensors.Load(net, other)),
        };
        foreach (InvalidOperationException error in errors)
        {
            Assert.Contains("ResNet8", error.Message);
            Assert.Contains("UnfreezeParameters", error.Message);
        }

        // Nothing changed, reading and saving still work, and evaluation mode may be set again.
        Assert.Equal(parameters, net.ParameterValues.ToArray());
        Assert.Equal(buffers, net.BufferValues.ToArray());
        net.Training = false;
        INetwork copy = Create("ResNet8");
        SafeTensors.Load(copy, SafeTensors.ToBytes(net));
        Assert.Equal(parameters, copy.ParameterValues.ToArray());
        float[] input = Samples.Uniform(net.InputLength, 9);
        Assert.Equal(Run(copy, input), Run(net, input)); // the buffers' batch counts are saved as whole numbers
    }

    [Fact]
    public void FreezingInTrainingModeThrows()
    {
        INetwork net = Create("DsCnn");
        net.Training = true;
        var error = Assert.Throws<InvalidOperationException>(net.FreezeParameters);
        Assert.Contains("Training = false", error.Message);
        Assert.False(net.ParametersFrozen);
    }

    [Fact]
    public void FrozenInferenceAllocatesNothing()
    {
        foreach (string name in new[] { "ResNet8", "MobileNetV1" })
        {
            INetwork net = Randomized(name, 5);
            net.FreezeParameters();
            float[] input = Samples.Uniform(net.InputLength, 6);
            float[] output = new float[net.OutputLength];
            for (int i = 0; i < Samples.WarmUpCalls; i++)
            {
                net.Forward(input, output);
            }

            long allocated = -1;
            for (int round = 0; round < 5 && allocated != 0; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < (Samples.Tiered ? 20 : 2); i++)
                {
                    net.Forward(input, output);
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.True(allocated == 0, $"{name}: frozen Forward allocated {allocated} bytes in each of five rounds.");
        }
    }
}

using System;
using System.Linq;
using StaticCnn.Tests.Networks;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>Per-layer initialisation from <see cref="INetwork.Layers"/>.</summary>
public sealed class InitializerTests
{
    [Fact]
    public void KaimingUniformIsWhatTheGeneratedInitializerDoes()
    {
        // Two independent paths: the generator emits per-layer calls with constants it computed; the runtime walks
        // Layers. LeNet5 has ReLU gains; ActivationsNet has LeakyReLU, Sigmoid, Tanh and pooling between layer and activation.
        foreach (INetwork network in new INetwork[] { new LeNet5(), new ActivationsNet(), new OddShapesNet() })
        {
            network.InitializeParameters(31);
            float[] generated = network.Parameters.ToArray();
            network.Parameters.Clear();
            NetworkInitializer.Initialize(network, WeightInitialization.KaimingUniform, 31);
            Assert.Equal(generated, network.Parameters.ToArray());
        }
    }

    [Fact]
    public void FansAndGainsFollowPyTorch()
    {
        INetwork net = new LeNet5();
        LayerInfo[] layers = [.. net.Layers];
        Assert.Equal((25, 150), NetworkInitializer.Fans(layers[0]));   // Conv2D(6, 5x5) on 1 channel
        Assert.Equal((150, 400), NetworkInitializer.Fans(layers[3]));  // Conv2D(16, 5x5) on 6 channels
        Assert.Equal((400, 120), NetworkInitializer.Fans(layers[7]));  // Dense(120) on 400 inputs
        Assert.Equal(MathF.Sqrt(2f), NetworkInitializer.GainAfter(layers, 0), 1e-7f);
        Assert.Equal(1f, NetworkInitializer.GainAfter(layers, layers.Length - 1));

        INetwork activations = new ActivationsNet();
        LayerInfo[] a = [.. activations.Layers];
        Assert.Equal(MathF.Sqrt(2f / (1f + 0.01f)), NetworkInitializer.GainAfter(a, 0), 1e-6f); // LeakyReLU(0.1)
        Assert.Equal(5f / 3f, NetworkInitializer.GainAfter(a, Array.FindLastIndex(a, l => l.Kind == LayerKind.Dense) - 2));
        Assert.Throws<ArgumentException>(() => NetworkInitializer.Fans(a.First(l => l.Kind == LayerKind.Tanh)));
    }

    [Theory]
    [InlineData(WeightInitialization.KaimingUniform)]
    [InlineData(WeightInitialization.KaimingNormal)]
    [InlineData(WeightInitialization.XavierUniform)]
    [InlineData(WeightInitialization.XavierNormal)]
    [InlineData(WeightInitialization.PyTorchDefault)]
    public void EachSchemeHasItsVarianceAndBiases(WeightInitialization scheme)
    {
        INetwork net = new LeNet5();
        NetworkInitializer.Initialize(net, scheme, 5);
        float[] first = net.Parameters.ToArray();
        NetworkInitializer.Initialize(net, scheme, 5);
        Assert.Equal(first, net.Parameters.ToArray());

        // The 400 -> 120 Dense layer (48,000 weights) followed by ReLU: fan-in 400, fan-out 120, gain sqrt(2).
        LayerInfo dense = net.Layers[7];
        float[] weights = net.Parameters.Slice(dense.ParameterOffset, dense.WeightCount).ToArray();
        float[] biases = net.Parameters.Slice(dense.BiasOffset, dense.BiasCount).ToArray();
        double variance = weights.Average(w => (double)w * w);
        double expected = scheme switch
        {
            WeightInitialization.KaimingUniform or WeightInitialization.KaimingNormal => 2.0 / 400,
            WeightInitialization.XavierUniform or WeightInitialization.XavierNormal => 2.0 * 2.0 / (400 + 120),
            _ => 1.0 / (3 * 400), // U(-1/sqrt(400), 1/sqrt(400))
        };
        Assert.Equal(expected, variance, expected * 0.03);
        Assert.Equal(0, weights.Average(w => (double)w), Math.Sqrt(expected) * 0.03);
        if (scheme == WeightInitialization.PyTorchDefault)
        {
            Assert.Contains(biases, b => b != 0);
            Assert.All(biases, b => Assert.True(Math.Abs(b) <= 1 / 20f));
        }
        else
        {
            Assert.All(biases, b => Assert.Equal(0f, b));
        }

        if (scheme is WeightInitialization.KaimingUniform or WeightInitialization.XavierUniform)
        {
            double bound = Math.Sqrt(3 * expected);
            Assert.All(weights, w => Assert.True(Math.Abs(w) <= bound * (1 + 1e-6)));
        }
    }
}

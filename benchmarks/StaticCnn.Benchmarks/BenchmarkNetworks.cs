using System;

namespace StaticCnn.Benchmarks;

/// <summary>The benchmarked networks by name, and deterministic data for them.</summary>
public static class BenchmarkNetworks
{
    public static INetwork Create(string name) => name switch
    {
        "LeNet5" => new LeNet5(),
        "SeedNet" => new SeedNet(),
        "Cifar10Net" => new Cifar10Net(),
        "SmallVgg" => new SmallVgg(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown network."),
    };

    /// <summary>Kaiming weights (the constructor's) plus non-zero biases, so no layer is trivially zero.</summary>
    public static void RandomizeBiases(INetwork network, int seed)
    {
        var random = new DeterministicRandom(seed);
        foreach (LayerInfo layer in network.Layers)
        {
            Span<float> biases = network.Parameters.Slice(layer.BiasOffset, layer.BiasCount);
            for (int i = 0; i < biases.Length; i++)
            {
                biases[i] = random.NextSingle(-0.1f, 0.1f);
            }
        }
    }

    /// <summary>Values uniform in [-1, 1).</summary>
    public static float[] Uniform(int length, int seed)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle(-1f, 1f);
        }

        return values;
    }
}

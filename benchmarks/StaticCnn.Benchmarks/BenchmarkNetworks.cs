using System;

namespace StaticCnn.Benchmarks;

/// <summary>Parameters for the benchmarked networks (the networks themselves: <see cref="Kernels.Catalog"/>).</summary>
public static class BenchmarkNetworks
{
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
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace StaticCnn.Metrics;

/// <summary>One layer's share of an inference pass, from <see cref="LayerProfile.Measure"/>.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="MedianMicroseconds">The median over the profiled calls of the time from the previous layer's end to this one's.</param>
/// <param name="MultiplyAdds">Its multiply-adds for one sample (<see cref="LayerProfile.MultiplyAdds"/>: convolutions and dense layers only; a BatchNorm, which the summary counts, is folded away at inference).</param>
public readonly record struct LayerTime(LayerInfo Layer, double MedianMicroseconds, long MultiplyAdds)
{
    /// <summary>Floating-point operations per second over the median time (2 per multiply-add); 0 for a layer that took no measurable time.</summary>
    public double GigaflopsPerSecond => MedianMicroseconds > 0 ? 2.0 * MultiplyAdds / MedianMicroseconds / 1e3 : 0;
}

/// <summary>
/// Where a network's inference time goes, layer by layer: <see cref="INetwork.ForwardProfiled"/> called repeatedly
/// on one input (after a warm-up of at least half a second), each layer's median time. Allocates only its result.
/// </summary>
public static class LayerProfile
{
    /// <summary>Profiles <paramref name="calls"/> evaluation-mode forward passes of <paramref name="input"/> (one thread, batch 1).</summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not <see cref="INetwork.InputLength"/> long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="calls"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The network is in training mode.</exception>
    public static IReadOnlyList<LayerTime> Measure(INetwork network, ReadOnlySpan<float> input, int calls = 200)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calls);
        int layers = network.Layers.Count;
        float[] output = new float[network.OutputLength];
        long[] stamps = new long[layers + 1];
        double[][] ticks = new double[layers][];
        for (int k = 0; k < layers; k++)
        {
            ticks[k] = new double[calls];
        }

        // Warm-up, at least 50 calls and half a second: tiered JIT first runs every kernel unoptimised (10-20x slower
        // for the SIMD code) and recompiles it in the background, later on a busy machine.
        long warmStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < 50 || Stopwatch.GetElapsedTime(warmStart).TotalMilliseconds < 500; i++)
        {
            network.ForwardProfiled(input, output, stamps);
        }

        for (int i = 0; i < calls; i++)
        {
            network.ForwardProfiled(input, output, stamps);
            for (int k = 0; k < layers; k++)
            {
                ticks[k][i] = stamps[k + 1] - stamps[k];
            }
        }

        var result = new LayerTime[layers];
        for (int k = 0; k < layers; k++)
        {
            Array.Sort(ticks[k]);
            double median = (ticks[k][(calls - 1) / 2] + ticks[k][calls / 2]) / 2;
            result[k] = new LayerTime(network.Layers[k], median * 1e6 / Stopwatch.Frequency, MultiplyAdds(network.Layers[k]));
        }

        return result;
    }

    /// <summary>The multiply-adds of a convolution (grouped and depthwise too) or dense layer for one sample; 0 for any other kind.</summary>
    public static long MultiplyAdds(LayerInfo layer) => layer switch
    {
        ConvolutionInfo c => (long)layer.Output.Length * (layer.Input.Channels / c.Groups) * c.Window.KernelHeight * c.Window.KernelWidth,
        _ when layer.Kind == LayerKind.Dense => (long)layer.Input.Length * layer.Output.Length,
        _ => 0,
    };
}

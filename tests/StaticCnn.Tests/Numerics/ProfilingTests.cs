using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using StaticCnn.Metrics;
using Xunit;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// <see cref="INetwork.ForwardProfiled"/>: the same outputs as Forward bit for bit, one non-decreasing timestamp per
/// layer plus the start, nothing allocated after the first call, argument and mode checks; <see cref="LayerProfile"/>
/// reports every layer.
/// </summary>
public sealed class ProfilingTests
{
    public static IEnumerable<object[]> Networks() => NetworkCase.All.Select(n => new object[] { n.Name });

    [Theory]
    [MemberData(nameof(Networks))]
    public void ProfiledForwardIsForwardWithOneTimestampPerLayer(string name)
    {
        INetwork net = NetworkCase.All.Single(n => n.Name == name).Create();
        Samples.Uniform(net.ParameterCount, seed: 2, -0.3f, 0.3f).CopyTo(net.Parameters);
        float[] input = Samples.Uniform(net.InputLength, seed: 3);
        foreach (SimdWidth width in SimdSupport.SupportedWidths())
        {
            net.VectorWidth = width;
            float[] expected = new float[net.OutputLength], actual = new float[net.OutputLength];
            long[] stamps = new long[net.Layers.Count + 1];
            net.Forward(input, expected);
            net.ForwardProfiled(input, actual, stamps);

            Assert.Equal(expected, actual);
            Assert.True(stamps[0] > 0, $"{name}/{width}: no start timestamp");
            for (int k = 1; k < stamps.Length; k++)
            {
                Assert.True(stamps[k] >= stamps[k - 1], $"{name}/{width}: layer {k}'s timestamp {stamps[k]} is before layer {k - 1}'s {stamps[k - 1]}");
            }

            // Up to five rounds: the runtime's own one-off work (once 1,944 bytes in the emulated ARM64 check, tiered
            // compilation off) does not repeat, an allocation per call would; any round at 0 bytes proves none.
            long allocated = -1;
            for (int round = 0; round < 5 && allocated != 0; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                net.ForwardProfiled(input, actual, stamps);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.True(allocated == 0, $"{name}/{width}: ForwardProfiled allocated {allocated} bytes in each of five rounds.");
        }
    }

    [Fact]
    public void ProfiledForwardChecksItsArgumentsAndMode()
    {
        INetwork net = new TinyMl.DsCnn();
        float[] input = new float[net.InputLength], output = new float[net.OutputLength];

        ArgumentException stamps = Assert.Throws<ArgumentException>(() => net.ForwardProfiled(input, output, new long[3]));
        Assert.Contains("Layers.Count + 1", stamps.Message);
        Assert.Contains("32", stamps.Message);
        Assert.Throws<ArgumentException>(() => net.ForwardProfiled(input.AsSpan(1), output, new long[32]));

        net.Training = true;
        InvalidOperationException training = Assert.Throws<InvalidOperationException>(() => net.ForwardProfiled(input, output, new long[32]));
        Assert.Contains("set Training = false", training.Message);
    }

    [Fact]
    public void LayerProfileReportsEveryLayerWithItsArithmetic()
    {
        INetwork net = new TinyMl.DsCnn();
        IReadOnlyList<LayerTime> profile = LayerProfile.Measure(net, Samples.Uniform(net.InputLength, seed: 1), calls: 20);

        Assert.Equal(net.Layers.Select(l => l.Index), profile.Select(p => p.Layer.Index));
        Assert.All(profile, p => Assert.True(p.MedianMicroseconds >= 0));
        Assert.Equal(320_000, profile[0].MultiplyAdds);   // 64 x 25 x 5 outputs x 10 x 4 taps
        Assert.Equal(72_000, profile[4].MultiplyAdds);    // depthwise: 64 x 25 x 5 x 9
        Assert.Equal(512_000, profile[7].MultiplyAdds);   // 1x1: 64 x 25 x 5 x 64
        Assert.Equal(768, profile[^1].MultiplyAdds);      // Dense 64 -> 12
        Assert.True(profile[0].MedianMicroseconds > 0);
    }
}

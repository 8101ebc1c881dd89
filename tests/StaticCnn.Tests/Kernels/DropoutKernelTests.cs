using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Dropout's counter-based mask: the hash and key as defined, the same mask bit for bit at every width (the
/// integer vector paths against <see cref="Dropout.Keeps"/>), the kept fraction, different masks for different
/// samples, steps, layers and seeds, and the multiplication by the mask.
/// </summary>
public class DropoutKernelTests
{
    private const float Sentinel = -31.5f;

    private static readonly SimdWidth[] AllWidths = [SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512];

    [Fact]
    public void MixAndKeyFollowTheirDefinitions()
    {
        // Fixed values, so that a change of the hash (which would change every trained network's masks) shows.
        Assert.Equal(0u, Dropout.Mix(0));
        Assert.Equal(0x688990c0u, Dropout.Mix(1));
        Assert.Equal(0xd1132181u, Dropout.Mix(2));
        Assert.Equal(0xe628c683u, Dropout.Mix(0xdeadbeef));
        Assert.Equal(0x6768824au, Dropout.Mix(0xffffffff));
        Assert.Equal(0x5fb34486u, Dropout.Key(42, 7, 3, 5));
        Assert.Equal(0xe2b026bau, Dropout.Key(-1, (1L << 40) + 3, 0, 0));

        var random = new Random(1);
        for (int i = 0; i < 10000; i++)
        {
            uint x = (uint)random.NextInt64(0, 1L << 32);
            Assert.Equal(MixReference(x), Dropout.Mix(x));
        }

        for (int i = 0; i < 1000; i++)
        {
            int seed = random.Next(int.MinValue, int.MaxValue);
            long step = random.NextInt64(long.MinValue, long.MaxValue);
            int layer = random.Next(100), sample = random.Next(1000);
            uint expected = MixReference(MixReference(MixReference(MixReference(MixReference((uint)seed) ^ (uint)(ulong)step)
                ^ (uint)((ulong)step >> 32)) ^ (uint)layer) ^ (uint)sample);
            Assert.Equal(expected, Dropout.Key(seed, step, layer, sample));
        }
    }

    [Fact]
    public void KeepsComparesTheTop24BitsWithP()
    {
        var random = new Random(2);
        for (int i = 0; i < 10000; i++)
        {
            uint key = (uint)random.NextInt64(0, 1L << 32);
            int element = random.Next();
            float p = (float)random.NextDouble();
            double u = (MixReference(key + (uint)element) >> 8) / 16777216.0;
            Assert.Equal(u >= p, Dropout.Keeps(key, element, p));
        }

        Assert.True(Dropout.Keeps(123, 4, 0f));
        Assert.False(Dropout.Keeps(123, 4, 1f));
    }

    [Fact]
    public void MaskIsTheSameAtEveryWidthAndOnlyInsideItsRange()
    {
        var random = new Random(3);
        foreach (float p in new[] { 0f, 0.1f, 1f / 3f, 0.5f, 0.9f, 0.999f })
        {
            foreach (int length in new[] { 1, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000 })
            {
                uint key = Dropout.Key(random.Next(), random.Next(), random.Next(8), random.Next(64));
                float keep = 1f / (1f - p);
                float[] expected = Enumerable.Range(0, length).Select(i => Dropout.Keeps(key, i, p) ? keep : 0f).ToArray();
                foreach (SimdWidth width in AllWidths)
                {
                    float[] mask = KernelWidths.Guarded(new float[length], Sentinel);
                    Dropout.Mask(ref mask[KernelWidths.Guard], length, key, p, width);
                    Assert.True(KernelWidths.GuardsIntact(mask, Sentinel), $"{width} n={length}: wrote outside the range");
                    float[] actual = KernelWidths.Inside(mask);
                    Assert.True(expected.Zip(actual).All(e => BitConverter.SingleToInt32Bits(e.First) == BitConverter.SingleToInt32Bits(e.Second)),
                        $"{width} p={p} n={length}: the mask differs from Keeps");
                }

                float[] widest = new float[length];
                Dropout.Mask(ref widest[0], length, key, p);
                Assert.Equal(expected, widest);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            float[] mask = new float[4];
            Dropout.Mask(ref mask[0], 4, 1, 0.5f, (SimdWidth)3);
        });
    }

    [Fact]
    public void KeptFractionIsOneMinusP()
    {
        const int length = 100_000;
        float[] mask = new float[length];
        foreach (float p in new[] { 0.1f, 0.25f, 0.5f, 0.8f })
        {
            Dropout.Mask(ref mask[0], length, Dropout.Key(7, 1, 0, 0), p);
            double kept = mask.Count(v => v != 0) / (double)length;
            double sigma = Math.Sqrt(p * (1 - p) / length);
            Assert.True(Math.Abs(kept - (1 - p)) < 5 * sigma, $"p={p}: kept {kept:F4}");

            // The scaled mask keeps the expectation: its mean is 1.
            Assert.Equal(1.0, mask.Average(v => (double)v), 5 * sigma / (1 - p));
        }

        Dropout.Mask(ref mask[0], length, 99, 0f);
        Assert.All(mask, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void DifferentSamplesStepsLayersAndSeedsDrawDifferentMasks()
    {
        const int length = 4096;
        const float p = 0.5f;
        float[] Draw(int seed, long step, int layer, int sample)
        {
            float[] mask = new float[length];
            Dropout.Mask(ref mask[0], length, Dropout.Key(seed, step, layer, sample), p);
            return mask;
        }

        float[] baseline = Draw(1, 10, 2, 3);
        Assert.Equal(baseline, Draw(1, 10, 2, 3));
        var others = new Dictionary<string, float[]>
        {
            ["seed"] = Draw(2, 10, 2, 3),
            ["step"] = Draw(1, 11, 2, 3),
            ["step + 2^32"] = Draw(1, 10 + (1L << 32), 2, 3),
            ["layer"] = Draw(1, 10, 3, 3),
            ["sample"] = Draw(1, 10, 2, 4),
        };
        foreach ((string what, float[] other) in others)
        {
            // Independent masks with p = 1/2 differ in half the elements.
            double differ = baseline.Zip(other).Count(e => e.First != e.Second) / (double)length;
            Assert.True(Math.Abs(differ - 0.5) < 0.05, $"another {what}: {differ:P1} of the elements differ");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ApplyMultipliesByTheMaskInPlaceToo(SimdWidth width)
    {
        var random = new Random(4);
        foreach (int length in new[] { 1, 7, 8, 9, 15, 16, 17, 33, 100 })
        {
            float[] x = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
            x[0] = float.NaN;
            if (length > 3)
            {
                x[3] = float.PositiveInfinity;
            }

            float[] mask = new float[length];
            Dropout.Mask(ref mask[0], length, Dropout.Key(5, 6, 7, length), 0.5f);
            mask[0] = 0f; // NaN * 0 stays NaN, as in PyTorch
            float[] expected = x.Zip(mask, (a, m) => a * m).ToArray();

            float[] xs = KernelWidths.Guarded(x, float.NaN), ms = KernelWidths.Guarded(mask, float.NaN);
            float[] ys = KernelWidths.Guarded(new float[length], Sentinel);
            KernelWidths.Run(width, new ApplyCall(xs, ms, ys, length));
            Assert.True(KernelWidths.GuardsIntact(ys, Sentinel));
            float[] y = KernelWidths.Inside(ys);
            Assert.True(float.IsNaN(y[0]));
            Assert.True(expected.Zip(y).All(e => KernelWidths.Same(e.First, e.Second)), $"{width} n={length}");

            KernelWidths.Run(width, new ApplyCall(xs, ms, xs, length));
            Assert.True(expected.Zip(KernelWidths.Inside(xs)).All(e => KernelWidths.Same(e.First, e.Second)), $"{width} n={length}: in place");
        }
    }

    public static IEnumerable<object[]> Widths() => KernelWidths.Data();

    /// <summary>lowbias32 in 64-bit arithmetic, masked to 32 bits: an independent statement of the definition.</summary>
    private static uint MixReference(uint value)
    {
        ulong x = value;
        x ^= x >> 16;
        x = (x * 0x7feb352dUL) & 0xffffffffUL;
        x ^= x >> 15;
        x = (x * 0x846ca68bUL) & 0xffffffffUL;
        x ^= x >> 16;
        return (uint)x;
    }

    private sealed class ApplyCall(float[] x, float[] mask, float[] y, int length) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            const int o = KernelWidths.Guard;
            Dropout.Apply<TS, TV>(ref x[o], ref mask[o], ref y[o], length);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Softmax over the channels of C,H,W data, forward and backward, at every width, against double-precision
/// definitions: pixel counts below, at and between whole vectors (the lanes hold pixels) and flat data (pixels = 1,
/// the lanes hold channels), large inputs (the maximum must be subtracted), -infinity, NaN and +infinity inputs,
/// guards around every buffer, and in place.
/// </summary>
public class SoftmaxKernelTests
{
    private const float Sentinel = -777.25f;

    public static IEnumerable<object[]> Cases() =>
        from width in KernelWidths.All
        from channels in new[] { 1, 3, 10, 17, 100 }
        from pixels in new[] { 1, 2, 7, 8, 9, 16, 17, 33 }
        where channels * pixels <= 1700
        select new object[] { width, channels, pixels };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesItsDefinition(SimdWidth width, int channels, int pixels)
    {
        var random = new Random((channels * 100) + pixels);
        foreach (string variant in new[] { "random", "large", "special" })
        {
            float[] x = Inputs(random, channels, pixels, variant);
            float[] xs = KernelWidths.Guarded(x, float.NaN);
            float[] ys = KernelWidths.Guarded(new float[x.Length], Sentinel);
            KernelWidths.Run(width, new Call(false, xs, ys, ys, channels, pixels));
            Assert.True(KernelWidths.GuardsIntact(ys, Sentinel), $"{width} {channels}x{pixels} {variant}: wrote outside the range");
            float[] y = KernelWidths.Inside(ys);
            for (int p = 0; p < pixels; p++)
            {
                double max = double.NegativeInfinity;
                bool nan = false;
                for (int c = 0; c < channels; c++)
                {
                    nan |= float.IsNaN(x[(c * pixels) + p]);
                    max = Math.Max(max, x[(c * pixels) + p]);
                }

                double sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    sum += Math.Exp(x[(c * pixels) + p] - max);
                }

                for (int c = 0; c < channels; c++)
                {
                    int at = (c * pixels) + p;
                    double expected = nan ? double.NaN : Math.Exp(x[at] - max) / sum;

                    // exp of a float difference (its rounding grows with the distance from the maximum), and a float sum.
                    double distance = double.IsFinite(x[at] - max) ? Math.Abs(x[at] - max) : 0;
                    double tolerance = (Math.Abs(expected) * (2e-6 + (2e-7 * distance) + (6e-8 * channels))) + 1e-44;
                    Assert.True(KernelWidths.Close(expected, y[at], tolerance),
                        $"{width} {channels}x{pixels} {variant} c={c} p={p} x={x[at]:R}: expected {expected:R}, got {y[at]:R}");
                }
            }

            float[] both = KernelWidths.Guarded(x, float.NaN);
            KernelWidths.Run(width, new Call(false, both, both, both, channels, pixels));
            Assert.True(y.Zip(KernelWidths.Inside(both)).All(p => KernelWidths.Same(p.First, p.Second)), $"{width} {channels}x{pixels} {variant}: in place differs");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesItsDefinition(SimdWidth width, int channels, int pixels)
    {
        var random = new Random((channels * 31) + pixels);
        float[] x = Inputs(random, channels, pixels, "random");
        float[] y = new float[x.Length];
        KernelWidths.Run(width, new Call(false, x, y, y, channels, pixels, 0));
        float[] dy = Enumerable.Range(0, x.Length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();

        float[] ys = KernelWidths.Guarded(y, float.NaN), dys = KernelWidths.Guarded(dy, float.NaN);
        float[] dxs = KernelWidths.Guarded(new float[x.Length], Sentinel);
        KernelWidths.Run(width, new Call(true, ys, dys, dxs, channels, pixels));
        Assert.True(KernelWidths.GuardsIntact(dxs, Sentinel), $"{width} {channels}x{pixels}: wrote outside the range");
        float[] dx = KernelWidths.Inside(dxs);
        for (int p = 0; p < pixels; p++)
        {
            double dot = 0, magnitude = 0;
            for (int c = 0; c < channels; c++)
            {
                dot += (double)dy[(c * pixels) + p] * y[(c * pixels) + p];
                magnitude += Math.Abs((double)dy[(c * pixels) + p] * y[(c * pixels) + p]);
            }

            for (int c = 0; c < channels; c++)
            {
                int at = (c * pixels) + p;
                double expected = y[at] * (dy[at] - dot);
                double tolerance = (Math.Abs(y[at]) * (Math.Abs(dy[at]) + magnitude) * (1e-6 + (6e-8 * channels))) + 1e-44;
                Assert.True(KernelWidths.Close(expected, dx[at], tolerance), $"{width} {channels}x{pixels} c={c} p={p}: expected {expected:R}, got {dx[at]:R}");
            }
        }

        // In place of the output gradient.
        float[] both = KernelWidths.Guarded(dy, float.NaN);
        KernelWidths.Run(width, new Call(true, ys, both, both, channels, pixels));
        Assert.True(dx.Zip(KernelWidths.Inside(both)).All(p => KernelWidths.Same(p.First, p.Second)), $"{width} {channels}x{pixels}: in place differs");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void SpecialValuesSpoilOnlyTheirOwnPixel(SimdWidth width)
    {
        const int channels = 4, pixels = 19;
        float[] x = Enumerable.Range(0, channels * pixels).Select(i => (float)Math.Sin(i)).ToArray();
        x[(2 * pixels) + 3] = float.NaN;                      // pixel 3: NaN
        x[(1 * pixels) + 17] = float.PositiveInfinity;        // pixel 17: +infinity - +infinity is NaN
        for (int c = 0; c < channels; c++)
        {
            x[(c * pixels) + 18] = float.NegativeInfinity;    // pixel 18: nothing but -infinity
        }

        x[(0 * pixels) + 5] = float.NegativeInfinity;         // pixel 5: one -infinity gets 0
        x[(3 * pixels) + 6] = 1e30f;                          // pixel 6: one huge value takes everything
        float[] y = new float[x.Length];
        KernelWidths.Run(width, new Call(false, x, y, y, channels, pixels, 0));
        for (int p = 0; p < pixels; p++)
        {
            float[] column = Enumerable.Range(0, channels).Select(c => y[(c * pixels) + p]).ToArray();
            if (p is 3 or 17 or 18)
            {
                Assert.All(column, v => Assert.True(float.IsNaN(v), $"{width} pixel {p}: {v}"));
            }
            else
            {
                Assert.All(column, v => Assert.False(float.IsNaN(v), $"{width} pixel {p}"));
                Assert.Equal(1.0, column.Sum(v => (double)v), 1e-6);
            }
        }

        Assert.Equal(0f, y[5]);
        Assert.Equal([0f, 0f, 0f, 1f], Enumerable.Range(0, channels).Select(c => y[(c * pixels) + 6]));
    }

    public static IEnumerable<object[]> Widths() => KernelWidths.Data();

    private static float[] Inputs(Random random, int channels, int pixels, string variant)
    {
        float[] x = Enumerable.Range(0, channels * pixels).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        switch (variant)
        {
            case "large":
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] += 1000f; // e^1000 would overflow without the maximum subtracted
                }

                break;
            case "special":
                for (int i = 0; i < x.Length; i++)
                {
                    int pick = random.Next(40);
                    x[i] = pick == 0 ? float.NaN : pick == 1 ? float.NegativeInfinity : pick == 2 ? -80f : pick == 3 ? 80f : x[i];
                }

                break;
        }

        return x;
    }

    private sealed class Call(bool backward, float[] a, float[] b, float[] c, int channels, int pixels, int offset = KernelWidths.Guard) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            if (backward)
            {
                Softmax.Backward<TS, TV>(ref a[offset], ref b[offset], ref c[offset], channels, pixels);
            }
            else
            {
                Softmax.Forward<TS, TV>(ref a[offset], ref b[offset], channels, pixels);
            }
        }
    }
}

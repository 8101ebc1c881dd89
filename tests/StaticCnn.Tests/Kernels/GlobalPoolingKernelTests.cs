using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Global average and max pooling, forward and backward, at every width, against definitions written out here:
/// planes below, at and between whole vectors, values drawn from a few so that maxima tie often, NaN and the
/// infinities among them, and guards around every buffer.
/// </summary>
public class GlobalPoolingKernelTests
{
    private const float Sentinel = 4321.5f;

    public static IEnumerable<object[]> Cases() =>
        from width in KernelWidths.All
        from plane in new[] { 1, 3, 7, 8, 9, 15, 16, 17, 33, 49, 100 }
        select new object[] { width, plane };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AverageMatchesItsDefinition(SimdWidth width, int plane)
    {
        const int channels = 3;
        var random = new Random(plane);
        float[] x = Enumerable.Range(0, channels * plane).Select(_ => (float)((random.NextDouble() * 10) - 3)).ToArray();
        float[] xs = KernelWidths.Guarded(x, float.NaN), ys = KernelWidths.Guarded(new float[channels], Sentinel);
        KernelWidths.Run(width, new Call(Kernel.AverageForward, xs, ys, ys, ys, channels, plane));
        Assert.True(KernelWidths.GuardsIntact(ys, Sentinel));
        float[] y = KernelWidths.Inside(ys);
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, magnitude = 0;
            for (int i = 0; i < plane; i++)
            {
                sum += x[(c * plane) + i];
                magnitude += Math.Abs(x[(c * plane) + i]);
            }

            Assert.True(Math.Abs(y[c] - (sum / plane)) <= (magnitude / plane) * (1e-6 + (6e-8 * plane)), $"{width} plane {plane} c={c}: {y[c]:R} vs {sum / plane:R}");
        }

        float[] dy = [1.5f, -2f, 3.25f];
        float[] dys = KernelWidths.Guarded(dy, float.NaN), dxs = KernelWidths.Guarded(new float[channels * plane], Sentinel);
        KernelWidths.Run(width, new Call(Kernel.AverageBackward, dys, dxs, dxs, dxs, channels, plane));
        Assert.True(KernelWidths.GuardsIntact(dxs, Sentinel));
        float[] dx = KernelWidths.Inside(dxs);
        for (int i = 0; i < dx.Length; i++)
        {
            Assert.Equal(dy[i / plane] / (float)plane, dx[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPicksTheCellThatForwardScanPicks(SimdWidth width, int plane)
    {
        const int channels = 4;
        float[] pool = [0f, -0f, 1f, 2f, -3f, float.NaN, float.NegativeInfinity, float.PositiveInfinity];
        var random = new Random(100 + plane);
        for (int round = 0; round < 20; round++)
        {
            float[] x = new float[channels * plane];
            for (int i = 0; i < x.Length; i++)
            {
                // Rarely a special value, so that planes without NaN stay common.
                x[i] = random.Next(3 * plane) == 0 ? pool[random.Next(pool.Length)] : random.Next(-3, 4);
            }

            if (round == 0)
            {
                x[plane - 1] = float.NaN; // a NaN in the last cell
            }

            // PyTorch's scan in order: a cell wins when it is greater or NaN.
            float[] best = new float[channels];
            int[] winner = new int[channels];
            for (int c = 0; c < channels; c++)
            {
                winner[c] = c * plane;
                best[c] = x[c * plane];
                for (int i = 1; i < plane; i++)
                {
                    float v = x[(c * plane) + i];
                    if (v > best[c] || float.IsNaN(v))
                    {
                        best[c] = v;
                        winner[c] = (c * plane) + i;
                    }
                }
            }

            float[] xs = KernelWidths.Guarded(x, float.NaN), ys = KernelWidths.Guarded(new float[channels], Sentinel);
            KernelWidths.Run(width, new Call(Kernel.MaxForward, xs, ys, ys, ys, channels, plane));
            Assert.True(KernelWidths.GuardsIntact(ys, Sentinel));
            float[] y = KernelWidths.Inside(ys);
            for (int c = 0; c < channels; c++)
            {
                Assert.True(float.IsNaN(best[c]) ? float.IsNaN(y[c]) : best[c] == y[c], $"{width} plane {plane} c={c}: expected {best[c]}, got {y[c]}");
            }

            float[] dy = Enumerable.Range(0, channels).Select(c => (float)random.Next(1, 1000)).ToArray();
            float[] expected = new float[x.Length];
            for (int c = 0; c < channels; c++)
            {
                expected[winner[c]] = dy[c];
            }

            float[] dys = KernelWidths.Guarded(dy, float.NaN);
            float[] dxs = KernelWidths.Guarded(Enumerable.Repeat(float.NaN, x.Length).ToArray(), Sentinel);
            KernelWidths.Run(width, new Call(Kernel.MaxBackward, xs, ys, dys, dxs, channels, plane));
            Assert.True(KernelWidths.GuardsIntact(dxs, Sentinel));
            float[] dx = KernelWidths.Inside(dxs);
            Assert.True(expected.SequenceEqual(dx), $"{width} plane {plane}: x [{string.Join(", ", x)}]: expected [{string.Join(", ", expected)}], got [{string.Join(", ", dx)}]");
        }
    }

    public enum Kernel
    {
        AverageForward,
        AverageBackward,
        MaxForward,
        MaxBackward,
    }

    private sealed class Call(Kernel kernel, float[] a, float[] b, float[] c, float[] d, int channels, int plane) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            const int o = KernelWidths.Guard;
            switch (kernel)
            {
                case Kernel.AverageForward:
                    GlobalPooling.AverageForward<TS, TV>(ref a[o], ref b[o], channels, plane);
                    break;
                case Kernel.AverageBackward:
                    GlobalPooling.AverageBackward<TS, TV>(ref a[o], ref b[o], channels, plane);
                    break;
                case Kernel.MaxForward:
                    GlobalPooling.MaxForward<TS, TV>(ref a[o], ref b[o], channels, plane);
                    break;
                default:
                    GlobalPooling.MaxBackward<TS, TV>(ref a[o], ref b[o], ref c[o], ref d[o], channels, plane);
                    break;
            }
        }
    }
}

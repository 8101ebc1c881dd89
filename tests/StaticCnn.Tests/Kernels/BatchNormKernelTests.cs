using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Batch normalisation's kernels at every width, against double-precision definitions written out here: one
/// sample's statistics, the batch's (the same as a two-pass computation over all samples, and the same numbers
/// however the samples were computed and spread), PyTorch's running update, the affine form, normalisation with and
/// without the fused ReLU, the training-mode input gradient, the evaluation-mode one, and folding into the layer
/// before.
/// </summary>
public class BatchNormKernelTests
{
    private const float Sentinel = 999.75f;

    public static IEnumerable<object[]> Planes() =>
        from width in KernelWidths.All
        from plane in new[] { 1, 3, 7, 8, 9, 16, 17, 33, 100, 1000 }
        select new object[] { width, plane };

    public static IEnumerable<object[]> Widths() => KernelWidths.Data();

    [Theory]
    [MemberData(nameof(Planes))]
    public void SampleStatisticsMatchATwoPassInDouble(SimdWidth width, int plane)
    {
        const int channels = 4;
        var random = new Random(plane);
        float[] x = Sample(random, channels, plane);
        for (int i = 0; i < plane; i++)
        {
            x[(3 * plane) + i] = -2.75f; // a constant channel: M2 = 0
        }

        float[] statistics = KernelWidths.Guarded(new float[2 * channels], Sentinel);
        KernelWidths.Run(width, new StatisticsCall(KernelWidths.Guarded(x, float.NaN), KernelWidths.Guard, channels, plane, statistics, KernelWidths.Guard));
        Assert.True(KernelWidths.GuardsIntact(statistics, Sentinel));
        float[] s = KernelWidths.Inside(statistics);
        for (int c = 0; c < channels; c++)
        {
            (double mean, double m2) = TwoPass(x.Skip(c * plane).Take(plane));
            double spread = Math.Sqrt(m2 / plane);
            Assert.True(Math.Abs(s[2 * c] - mean) <= 1e-6 * (Math.Abs(mean) + spread), $"{width} plane {plane} c={c}: mean {s[2 * c]:R} vs {mean:R}");
            Assert.True(Math.Abs(s[(2 * c) + 1] - m2) <= (1e-5 * m2) + (1e-10 * plane * mean * mean), $"{width} plane {plane} c={c}: M2 {s[(2 * c) + 1]:R} vs {m2:R}");
        }

        Assert.Equal(0f, s[7]);
    }

    /// <summary>
    /// Combine over per-sample statistics equals the mean and biased variance over all samples at once; the slots
    /// are read in sample order only, so statistics computed on other threads, in another order, into other arrays
    /// at another offset, or with more slots than samples, give the same numbers bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(Planes))]
    public void CombineEqualsTheWholeBatchAndIgnoresHowSamplesWereSpread(SimdWidth width, int plane)
    {
        const int channels = 3;
        foreach (int count in new[] { 1, 2, 5, 16 })
        {
            var random = new Random((plane * 17) + count);
            float[][] samples = Enumerable.Range(0, count).Select(_ => Sample(random, channels, plane)).ToArray();

            float[][] Slots(int offset, int extra, bool parallel)
            {
                float[][] slots = Enumerable.Range(0, count + extra).Select(_ => Enumerable.Repeat(float.NaN, offset + (2 * channels) + 5).ToArray()).ToArray();
                void One(int b) => KernelWidths.Run(width, new StatisticsCall(samples[b], 0, channels, plane, slots[b], offset));
                if (parallel)
                {
                    Parallel.ForEach(Enumerable.Range(0, count).Reverse(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, One);
                }
                else
                {
                    for (int b = 0; b < count; b++)
                    {
                        One(b);
                    }
                }

                return slots;
            }

            float[] mean = new float[channels], variance = new float[channels];
            BatchNormKernels.Combine(Slots(3, 0, false), 3, count, channels, plane, mean, variance);
            for (int c = 0; c < channels; c++)
            {
                (double m, double m2) = TwoPass(samples.SelectMany(sample => sample.Skip(c * plane).Take(plane)));
                double v = m2 / (count * plane);
                Assert.True(Math.Abs(mean[c] - m) <= 1e-6 * (Math.Abs(m) + Math.Sqrt(v)), $"{width} plane {plane} x{count} c={c}: mean {mean[c]:R} vs {m:R}");
                Assert.True(Math.Abs(variance[c] - v) <= 1e-5 * v, $"{width} plane {plane} x{count} c={c}: variance {variance[c]:R} vs {v:R}");
            }

            float[] mean2 = new float[channels], variance2 = new float[channels];
            BatchNormKernels.Combine(Slots(11, 3, true), 11, count, channels, plane, mean2, variance2);
            Assert.Equal(mean, mean2);
            Assert.Equal(variance, variance2);
        }
    }

    [Fact]
    public void CombineFollowsChansFormulaInSampleOrder()
    {
        // Three samples of plane 2 given by their statistics directly.
        float[][] slots = [[1f, 0.5f], [3f, 2f], [-1f, 0f]];
        float[] mean = new float[1], variance = new float[1];
        BatchNormKernels.Combine(slots, 0, 3, 1, 2, mean, variance);
        double n = 2, m = 1, m2 = 0.5;
        foreach ((double mb, double m2b) in new[] { (3.0, 2.0), (-1.0, 0.0) })
        {
            double total = n + 2, delta = mb - m;
            m += delta * 2 / total;
            m2 += m2b + (delta * delta * n * 2 / total);
            n = total;
        }

        Assert.Equal((float)m, mean[0]);
        Assert.Equal((float)(m2 / 6), variance[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNormKernels.Combine(slots, 0, 4, 1, 2, mean, variance));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Combine(slots, 1, 3, 1, 2, mean, variance));
    }

    [Fact]
    public void UpdateRunningIsPyTorchsFormulaWithTheMomentumAsWritten()
    {
        const int channels = 1000;
        var random = new Random(6);
        float[] runningMean = Enumerable.Range(0, channels).Select(_ => (float)random.NextDouble()).ToArray();
        float[] runningVariance = Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() + 0.5)).ToArray();
        float[] mean = Enumerable.Range(0, channels).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        float[] variance = Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() * 3)).ToArray();
        float tracked = 0;
        foreach (long n in new long[] { 2 * 49, 1 })
        {
            float[] rm = (float[])runningMean.Clone(), rv = (float[])runningVariance.Clone();
            BatchNormKernels.UpdateRunning(rm, rv, ref tracked, mean, variance, n, 0.1f);
            double correction = n > 1 ? n / (double)(n - 1) : 1.0;
            for (int c = 0; c < channels; c++)
            {
                // PyTorch: momentum * batch + (1 - momentum) * running, momentum the Python float 0.1.
                Assert.Equal((float)((0.1 * mean[c]) + ((1.0 - 0.1) * runningMean[c])), rm[c]);
                Assert.Equal((float)((0.1 * (variance[c] * correction)) + ((1.0 - 0.1) * runningVariance[c])), rv[c]);
            }
        }

        Assert.Equal(2f, tracked);
    }

    [Fact]
    public void ScaleShiftIsTheAffineFormOfNormalisation()
    {
        float[] mean = [0.5f, -2f, 100f, 0f], variance = [1f, 0.01f, 2500f, 0f];
        float[] weight = [1f, -0.5f, 2f, 3f], bias = [0f, 0.25f, -1f, 1f];
        float[] scale = new float[4], shift = new float[4], invStd = new float[4];
        BatchNormKernels.ScaleShift(mean, variance, weight, bias, 1e-5f, scale, shift, invStd);
        for (int c = 0; c < 4; c++)
        {
            double inverse = 1.0 / Math.Sqrt(variance[c] + 1e-5); // eps as PyTorch's Python float
            Assert.Equal((float)inverse, invStd[c]);
            Assert.Equal((float)(weight[c] * inverse), scale[c]);
            Assert.Equal((float)(bias[c] - ((double)mean[c] * scale[c])), shift[c]);
            foreach (float x in new[] { -3f, 0f, 0.5f, 7f, 150f })
            {
                double expected = ((x - mean[c]) * inverse * weight[c]) + bias[c];
                double actual = ((double)x * scale[c]) + shift[c];
                Assert.True(Math.Abs(actual - expected) <= 1e-6 * (Math.Abs(x * inverse * weight[c]) + Math.Abs(mean[c] * inverse * weight[c]) + Math.Abs(bias[c])), $"c={c} x={x}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Planes))]
    public void NormalizeIsOneMultiplyAddPerElementWithAnOptionalRelu(SimdWidth width, int plane)
    {
        int channels = plane == 1 ? 37 : 3;
        var random = new Random(plane + 5);
        float[] x = Sample(random, channels, plane);
        x[0] = float.NaN;
        x[x.Length - 1] = float.NegativeInfinity;
        float[] scale = Enumerable.Range(0, channels).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] shift = Enumerable.Range(0, channels).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        foreach (bool relu in new[] { false, true })
        {
            float[] ys = KernelWidths.Guarded(new float[x.Length], Sentinel);
            float[] xs = KernelWidths.Guarded(x, float.NaN);
            KernelWidths.Run(width, new NormalizeCall(xs, ys, channels, plane, KernelWidths.Guarded(scale, float.NaN), KernelWidths.Guarded(shift, float.NaN), relu));
            Assert.True(KernelWidths.GuardsIntact(ys, Sentinel));
            float[] y = KernelWidths.Inside(ys);
            for (int i = 0; i < x.Length; i++)
            {
                int c = i / plane;
                double v = ((double)x[i] * scale[c]) + shift[c];
                double expected = relu && !double.IsNaN(v) ? Math.Max(v, 0) : v;
                double tolerance = (1e-6 * (Math.Abs(x[i] * scale[c]) + Math.Abs(shift[c]))) + 1e-44;
                Assert.True(KernelWidths.Close(expected, y[i], tolerance), $"{width} plane {plane} relu={relu} i={i}: expected {expected:R}, got {y[i]:R}");
            }

            KernelWidths.Run(width, new NormalizeCall(xs, xs, channels, plane, KernelWidths.Guarded(scale, float.NaN), KernelWidths.Guarded(shift, float.NaN), relu));
            Assert.True(y.Zip(KernelWidths.Inside(xs)).All(p => KernelWidths.Same(p.First, p.Second)), $"{width} plane {plane} relu={relu}: in place differs");
        }
    }

    /// <summary>
    /// Training backward through the kernels (per-sample statistics, combined, per-sample sums, combined, the input
    /// gradient) against batch normalisation's gradient computed from scratch in double.
    /// </summary>
    [Theory]
    [MemberData(nameof(Planes))]
    public void TrainingBackwardMatchesTheGradientInDouble(SimdWidth width, int plane)
    {
        int channels = plane == 1 ? 21 : 3;
        int count = plane == 1 ? 8 : 4;
        const float epsilon = 1e-5f;
        var random = new Random(plane + 77);
        float[][] x = Enumerable.Range(0, count).Select(_ => Sample(random, channels, plane)).ToArray();
        float[][] dy = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, channels * plane).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToArray();
        float[] weight = Enumerable.Range(0, channels).Select(_ => (float)((random.NextDouble() * 2) - 0.5)).ToArray();
        float[] bias = Enumerable.Range(0, channels).Select(_ => (float)random.NextDouble()).ToArray();

        float[][] slots = Enumerable.Range(0, count).Select(_ => new float[4 * channels]).ToArray();
        for (int b = 0; b < count; b++)
        {
            KernelWidths.Run(width, new StatisticsCall(x[b], 0, channels, plane, slots[b], 0));
        }

        float[] mean = new float[channels], variance = new float[channels], scale = new float[channels], shift = new float[channels], invStd = new float[channels];
        BatchNormKernels.Combine(slots, 0, count, channels, plane, mean, variance);
        BatchNormKernels.ScaleShift(mean, variance, weight, bias, epsilon, scale, shift, invStd);
        for (int b = 0; b < count; b++)
        {
            KernelWidths.Run(width, new SumsCall(x[b], dy[b], channels, plane, mean, invStd, slots[b], 2 * channels));
        }

        float[] dySum = new float[channels], dyXhatSum = new float[channels];
        BatchNormKernels.CombineSums(slots, 2 * channels, count, channels, dySum, dyXhatSum);
        float n = count * plane;

        for (int c = 0; c < channels; c++)
        {
            var values = Enumerable.Range(0, count).SelectMany(b => Enumerable.Range(0, plane).Select(i => (X: (double)x[b][(c * plane) + i], Dy: (double)dy[b][(c * plane) + i]))).ToArray();
            (double m, double m2) = TwoPass(values.Select(v => v.X));
            double inverse = 1.0 / Math.Sqrt((m2 / n) + 1e-5);
            double g = values.Sum(v => v.Dy);
            double p = values.Sum(v => v.Dy * (v.X - m) * inverse);
            double magnitude = values.Sum(v => Math.Abs(v.Dy)) * (1 + values.Max(v => Math.Abs(v.X - m) * inverse));
            Assert.True(Math.Abs(dySum[c] - g) <= 1e-5 * magnitude, $"{width} plane {plane} c={c}: sum dy {dySum[c]:R} vs {g:R}");
            Assert.True(Math.Abs(dyXhatSum[c] - p) <= 1e-5 * magnitude, $"{width} plane {plane} c={c}: sum dy xhat {dyXhatSum[c]:R} vs {p:R}");

            for (int b = 0; b < count; b++)
            {
                float[] dx = KernelWidths.Guarded(new float[channels * plane], Sentinel);
                KernelWidths.Run(width, new InputCall(x[b], dy[b], dx, channels, plane, mean, invStd, weight, dySum, dyXhatSum, n));
                Assert.True(KernelWidths.GuardsIntact(dx, Sentinel));
                for (int i = 0; i < plane; i++)
                {
                    double xhat = (x[b][(c * plane) + i] - m) * inverse;
                    double d = dy[b][(c * plane) + i];
                    double expected = weight[c] * inverse / n * ((n * d) - g - (xhat * p));
                    double tolerance = 1e-5 * Math.Abs(weight[c] * inverse) * (Math.Abs(d) + (magnitude / n) + Math.Abs(xhat * p / n));
                    float actual = dx[KernelWidths.Guard + (c * plane) + i];
                    Assert.True(Math.Abs(actual - expected) <= tolerance, $"{width} plane {plane} b={b} c={c} i={i}: dx {actual:R} vs {expected:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Planes))]
    public void EvaluationBackwardMultipliesByTheScale(SimdWidth width, int plane)
    {
        int channels = plane == 1 ? 19 : 3;
        var random = new Random(plane + 3);
        float[] dy = Sample(random, channels, plane);
        float[] scale = Enumerable.Range(0, channels).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] dys = KernelWidths.Guarded(dy, float.NaN), dxs = KernelWidths.Guarded(new float[dy.Length], Sentinel);
        KernelWidths.Run(width, new ScaleCall(dys, dxs, channels, plane, KernelWidths.Guarded(scale, float.NaN)));
        Assert.True(KernelWidths.GuardsIntact(dxs, Sentinel));
        float[] expected = dy.Select((v, i) => v * scale[i / plane]).ToArray();
        Assert.Equal(expected, KernelWidths.Inside(dxs));
        KernelWidths.Run(width, new ScaleCall(dys, dys, channels, plane, KernelWidths.Guarded(scale, float.NaN)));
        Assert.Equal(expected, KernelWidths.Inside(dys));
    }

    [Fact]
    public void FoldGivesTheLayerAndBatchNormInOne()
    {
        const int outputs = 5, inputs = 7;
        var random = new Random(8);
        float[] Draw(int length, double low, double high) => Enumerable.Range(0, length).Select(_ => (float)(low + (random.NextDouble() * (high - low)))).ToArray();
        float[] weight = Draw(outputs * inputs, -1, 1), bias = Draw(outputs, -1, 1);
        float[] gamma = Draw(outputs, 0.5, 2), beta = Draw(outputs, -1, 1), mean = Draw(outputs, -1, 1), variance = Draw(outputs, 0.1, 3);
        variance[0] = 0f;
        foreach (bool withBias in new[] { true, false })
        {
            float[] foldedWeight = new float[weight.Length], foldedBias = new float[outputs];
            BatchNormKernels.Fold(weight, withBias ? bias : [], outputs, inputs, gamma, beta, mean, variance, 1e-5f, foldedWeight, foldedBias);
            float[] v = Draw(inputs, -2, 2);
            for (int o = 0; o < outputs; o++)
            {
                double s = gamma[o] / Math.Sqrt(variance[o] + 1e-5);
                double layer = (withBias ? bias[o] : 0.0) + Enumerable.Range(0, inputs).Sum(k => (double)weight[(o * inputs) + k] * v[k]);
                double expected = ((layer - mean[o]) * s) + beta[o];
                double folded = foldedBias[o] + Enumerable.Range(0, inputs).Sum(k => (double)foldedWeight[(o * inputs) + k] * v[k]);
                double magnitude = Math.Abs(s) * (Math.Abs(layer) + Math.Abs(mean[o]) + Enumerable.Range(0, inputs).Sum(k => Math.Abs(weight[(o * inputs) + k] * v[k]))) + Math.Abs(beta[o]);
                Assert.True(Math.Abs(folded - expected) <= 1e-6 * magnitude, $"bias={withBias} o={o}: {folded:R} vs {expected:R}");
                for (int k = 0; k < inputs; k++)
                {
                    Assert.Equal((float)(weight[(o * inputs) + k] * s), foldedWeight[(o * inputs) + k]);
                }
            }

            // In place.
            float[] w = (float[])weight.Clone(), b = withBias ? (float[])bias.Clone() : new float[outputs];
            BatchNormKernels.Fold(w, withBias ? b : [], outputs, inputs, gamma, beta, mean, variance, 1e-5f, w, b);
            Assert.Equal(foldedWeight, w);
            Assert.Equal(foldedBias, b);
        }
    }

    /// <summary>Values around 5 with a spread of about 1: the mean is large against the spread, as after a ReLU.</summary>
    private static float[] Sample(Random random, int channels, int plane) =>
        Enumerable.Range(0, channels * plane).Select(i => (float)(5 + (i % 3) + (random.NextDouble() * 2) - 1)).ToArray();

    private static (double Mean, double M2) TwoPass(IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        double mean = v.Average();
        return (mean, v.Sum(a => (a - mean) * (a - mean)));
    }

    private static (double Mean, double M2) TwoPass(IEnumerable<float> values) => TwoPass(values.Select(v => (double)v));

    private sealed class StatisticsCall(float[] x, int xOffset, int channels, int plane, float[] statistics, int offset) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct =>
            BatchNormKernels.SampleStatistics<TS, TV>(ref x[xOffset], channels, plane, ref statistics[offset]);
    }

    private sealed class NormalizeCall(float[] x, float[] y, int channels, int plane, float[] scale, float[] shift, bool relu) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            const int o = KernelWidths.Guard;
            BatchNormKernels.Normalize<TS, TV>(ref x[o], ref y[o], channels, plane, ref scale[o], ref shift[o], relu);
        }
    }

    private sealed class SumsCall(float[] x, float[] dy, int channels, int plane, float[] mean, float[] invStd, float[] sums, int offset) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct =>
            BatchNormKernels.BackwardSums<TS, TV>(ref x[0], ref dy[0], channels, plane, ref mean[0], ref invStd[0], ref sums[offset]);
    }

    private sealed class InputCall(float[] x, float[] dy, float[] dx, int channels, int plane, float[] mean, float[] invStd, float[] weight, float[] dySum, float[] dyXhatSum, float n) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct =>
            BatchNormKernels.BackwardInput<TS, TV>(ref x[0], ref dy[0], ref dx[KernelWidths.Guard], channels, plane,
                ref mean[0], ref invStd[0], ref weight[0], ref dySum[0], ref dyXhatSum[0], n);
    }

    private sealed class ScaleCall(float[] dy, float[] dx, int channels, int plane, float[] scale) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            const int o = KernelWidths.Guard;
            BatchNormKernels.ScaleBackward<TS, TV>(ref dy[o], ref dx[o], channels, plane, ref scale[o]);
        }
    }
}

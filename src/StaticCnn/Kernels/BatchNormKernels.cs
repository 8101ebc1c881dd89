using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Batch normalisation (PyTorch <c>nn.BatchNorm2d</c>, and <c>nn.BatchNorm1d</c> on flat data as planes of 1).
/// Data are one sample in C,H,W layout: channel c's <c>plane</c> values start at <c>c * plane</c>; per-channel
/// arguments passed by reference point at <c>channels</c> floats (pairs of them for statistics and sums).
/// <para>
/// Training runs in three steps so that samples can be spread over threads and still give the same numbers: each
/// sample's own statistics (<see cref="SampleStatistics"/>, any thread), then the batch's, combined in sample order in
/// double precision (<see cref="Combine"/>), then each sample normalised (<see cref="ScaleShift"/>,
/// <see cref="Normalize"/>). Backward likewise: per-sample sums (<see cref="BackwardSums"/>), combined in order
/// (<see cref="CombineSums"/>), then each sample's input gradient (<see cref="BackwardInput"/>).
/// </para>
/// </summary>
public static class BatchNormKernels
{
    /// <summary>
    /// One sample's statistics per channel: <c>statistics[2c]</c> = the mean of channel c's plane and
    /// <c>statistics[2c + 1]</c> = M2, the sum of squared deviations from it. Two passes with float vector
    /// accumulators; the second also sums the deviations d from the first pass's mean m, and corrects
    /// (mean = m + sum d / n, M2 = sum d^2 - (sum d)^2 / n: the corrected two-pass algorithm), which removes most of
    /// the first sum's rounding.
    /// </summary>
    /// <param name="x">The sample, <paramref name="channels"/> planes of <paramref name="plane"/> floats.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel (1 for flat data).</param>
    /// <param name="statistics">2 * <paramref name="channels"/> floats: mean and M2 per channel.</param>
    public static void SampleStatistics<TS, TVec>(ref float x, int channels, int plane, ref float statistics)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        float count = plane;
        for (int c = 0; c < channels; c++)
        {
            ref float values = ref Unsafe.Add(ref x, (nint)c * plane);
            float first = Reductions.Sum<TS, TVec>(ref values, plane) / count;
            TVec m = TS.Broadcast(first);
            TVec d0 = TS.Zero, d1 = TS.Zero, q0 = TS.Zero, q1 = TS.Zero;
            int i = 0;
            for (; i <= plane - (2 * TS.Count); i += 2 * TS.Count)
            {
                TVec a = TS.Subtract(TS.Load(ref values, i), m);
                TVec b = TS.Subtract(TS.Load(ref values, i + TS.Count), m);
                d0 = TS.Add(d0, a);
                d1 = TS.Add(d1, b);
                q0 = TS.MultiplyAdd(a, a, q0);
                q1 = TS.MultiplyAdd(b, b, q1);
            }

            for (; i <= plane - TS.Count; i += TS.Count)
            {
                TVec a = TS.Subtract(TS.Load(ref values, i), m);
                d0 = TS.Add(d0, a);
                q0 = TS.MultiplyAdd(a, a, q0);
            }

            float deviation = TS.Sum(TS.Add(d0, d1));
            float squares = TS.Sum(TS.Add(q0, q1));
            for (; i < plane; i++)
            {
                float a = Unsafe.Add(ref values, i) - first;
                deviation += a;
                squares += a * a;
            }

            Unsafe.Add(ref statistics, 2 * c) = first + (deviation / count);
            Unsafe.Add(ref statistics, (2 * c) + 1) = Math.Max(squares - (deviation * deviation / count), 0f);
        }
    }

    /// <summary>
    /// The batch's per-channel mean and BIASED variance from the per-sample statistics of
    /// <see cref="SampleStatistics"/> stored at <paramref name="statisticsOffset"/> in each of the first
    /// <paramref name="count"/> slot arrays (slot b holds sample b), combined in sample order with Chan et al.'s
    /// parallel formula in double: (n_a, mean_a, M2_a) + (n_b, mean_b, M2_b) gives n = n_a + n_b,
    /// delta = mean_b - mean_a, mean = mean_a + delta * n_b / n, M2 = M2_a + M2_b + delta^2 * n_a * n_b / n; the
    /// variance is M2 / (count * plane). The result depends only on the slots' numbers, not on the thread or on how
    /// the samples were spread over threads.
    /// </summary>
    /// <param name="slots">Per-sample arrays; only the first <paramref name="count"/> are read.</param>
    /// <param name="statisticsOffset">Where each sample's 2 * <paramref name="channels"/> statistics start in its slot.</param>
    /// <param name="count">Samples in the batch (at least 1).</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel in one sample.</param>
    /// <param name="mean">The batch mean per channel.</param>
    /// <param name="variance">The batch's biased variance per channel.</param>
    public static void Combine(ReadOnlySpan<float[]> slots, int statisticsOffset, int count, int channels, int plane, Span<float> mean, Span<float> variance)
    {
        CheckSlots(slots, statisticsOffset, count, channels);
        CheckLength(mean, channels, nameof(mean));
        CheckLength(variance, channels, nameof(variance));
        for (int c = 0; c < channels; c++)
        {
            int at = statisticsOffset + (2 * c);
            double n = plane;
            double m = slots[0][at];
            double m2 = slots[0][at + 1];
            for (int b = 1; b < count; b++)
            {
                float[] slot = slots[b];
                double nb = plane;
                double total = n + nb;
                double delta = slot[at] - m;
                m += delta * nb / total;
                m2 += slot[at + 1] + (delta * delta * n * nb / total);
                n = total;
            }

            mean[c] = (float)m;
            variance[c] = (float)(m2 / n);
        }
    }

    /// <summary>
    /// PyTorch's running statistics update, in double with PyTorch's order, stored as float:
    /// <c>running_mean = m * mean + (1 - m) * running_mean</c>, <c>running_var = m * variance * n / (n - 1) + (1 - m) * running_var</c>
    /// (the unbiased variance of the n = count * plane values), <c>batchesTracked += 1</c>. With n == 1, where the
    /// unbiased variance is undefined (PyTorch refuses to train then), the biased variance (0) is used. The momentum
    /// is widened to the double of its shortest decimal form (0.1f gives 0.1, the literal PyTorch gets).
    /// </summary>
    /// <param name="runningMean">running_mean per channel, updated.</param>
    /// <param name="runningVariance">running_var per channel, updated.</param>
    /// <param name="batchesTracked">num_batches_tracked, incremented.</param>
    /// <param name="mean">The batch mean (<see cref="Combine"/>).</param>
    /// <param name="variance">The batch's biased variance (<see cref="Combine"/>).</param>
    /// <param name="n">Values per channel in the batch: samples times plane.</param>
    /// <param name="momentum">PyTorch's momentum (0.1 by default).</param>
    public static void UpdateRunning(Span<float> runningMean, Span<float> runningVariance, ref float batchesTracked,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, long n, float momentum)
    {
        int channels = runningMean.Length;
        CheckLength(runningVariance, channels, nameof(runningVariance));
        CheckLength(mean, channels, nameof(mean));
        CheckLength(variance, channels, nameof(variance));
        double m = AsWritten(momentum);
        double keep = 1.0 - m;
        double correction = n > 1 ? n / (double)(n - 1) : 1.0;
        for (int c = 0; c < channels; c++)
        {
            runningMean[c] = (float)((m * mean[c]) + (keep * runningMean[c]));
            runningVariance[c] = (float)((m * (variance[c] * correction)) + (keep * runningVariance[c]));
        }

        batchesTracked += 1f;
    }

    /// <summary>
    /// The per-channel affine form of normalisation: <c>invStd = 1 / sqrt(variance + epsilon)</c> (in double, then
    /// float), <c>scale = weight * invStd</c>, <c>shift = bias - mean * scale</c> (with the rounded scale, so that
    /// <c>x * scale + shift</c> is <c>(x - mean) * scale + bias</c> as closely as float allows). Works for training
    /// (batch statistics) and evaluation (running statistics) alike. The epsilon is widened to the double of its
    /// shortest decimal form (1e-5f gives 1e-5).
    /// </summary>
    /// <param name="mean">Mean per channel.</param>
    /// <param name="variance">Biased variance per channel.</param>
    /// <param name="weight">gamma per channel.</param>
    /// <param name="bias">beta per channel.</param>
    /// <param name="epsilon">PyTorch's eps.</param>
    /// <param name="scale">Written: the factor per channel.</param>
    /// <param name="shift">Written: the offset per channel.</param>
    /// <param name="invStd">Written: 1 / sqrt(variance + eps) per channel.</param>
    public static void ScaleShift(ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        float epsilon, Span<float> scale, Span<float> shift, Span<float> invStd)
    {
        int channels = mean.Length;
        CheckLength(variance, channels, nameof(variance));
        CheckLength(weight, channels, nameof(weight));
        CheckLength(bias, channels, nameof(bias));
        CheckLength(scale, channels, nameof(scale));
        CheckLength(shift, channels, nameof(shift));
        CheckLength(invStd, channels, nameof(invStd));
        double eps = AsWritten(epsilon);
        for (int c = 0; c < channels; c++)
        {
            double inverse = 1.0 / Math.Sqrt(variance[c] + eps);
            float s = (float)(weight[c] * inverse);
            invStd[c] = (float)inverse;
            scale[c] = s;
            shift[c] = (float)(bias[c] - ((double)mean[c] * s));
        }
    }

    /// <summary>
    /// <c>y = x * scale[c] + shift[c]</c>, one multiply-add per element (fused where the hardware has FMA), then
    /// <c>max(y, 0)</c> when <paramref name="relu"/> (NaN staying NaN, as <see cref="Activations.ReluForward"/>).
    /// Flat data (<paramref name="plane"/> == 1) are vectorised across the channels. <paramref name="y"/> may be
    /// <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The sample, <paramref name="channels"/> planes of <paramref name="plane"/> floats.</param>
    /// <param name="y">The output, laid out as <paramref name="x"/>.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel.</param>
    /// <param name="scale">Factor per channel (<see cref="ScaleShift"/>).</param>
    /// <param name="shift">Offset per channel (<see cref="ScaleShift"/>).</param>
    /// <param name="relu">Whether a ReLU follows, fused here.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Normalize<TS, TVec>(ref float x, ref float y, int channels, int plane, ref float scale, ref float shift, bool relu)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        if (plane == 1)
        {
            int j = 0;
            for (; j <= channels - TS.Count; j += TS.Count)
            {
                TVec v = TS.MultiplyAdd(TS.Load(ref x, j), TS.Load(ref scale, j), TS.Load(ref shift, j));
                TS.Store(relu ? TS.Max(v, TS.Zero) : v, ref y, j);
            }

            for (; j < channels; j++)
            {
                float v = SimdScalar.MultiplyAdd(Unsafe.Add(ref x, j), Unsafe.Add(ref scale, j), Unsafe.Add(ref shift, j));
                Unsafe.Add(ref y, j) = relu ? SimdScalar.Max(v, 0f) : v;
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            nint start = (nint)c * plane;
            ref float source = ref Unsafe.Add(ref x, start);
            ref float destination = ref Unsafe.Add(ref y, start);
            float a = Unsafe.Add(ref scale, c), b = Unsafe.Add(ref shift, c);
            TVec va = TS.Broadcast(a), vb = TS.Broadcast(b);
            int i = 0;
            if (relu)
            {
                for (; i <= plane - TS.Count; i += TS.Count)
                {
                    TS.Store(TS.Max(TS.MultiplyAdd(TS.Load(ref source, i), va, vb), TS.Zero), ref destination, i);
                }

                for (; i < plane; i++)
                {
                    Unsafe.Add(ref destination, i) = SimdScalar.Max(SimdScalar.MultiplyAdd(Unsafe.Add(ref source, i), a, b), 0f);
                }
            }
            else
            {
                for (; i <= plane - TS.Count; i += TS.Count)
                {
                    TS.Store(TS.MultiplyAdd(TS.Load(ref source, i), va, vb), ref destination, i);
                }

                for (; i < plane; i++)
                {
                    Unsafe.Add(ref destination, i) = SimdScalar.MultiplyAdd(Unsafe.Add(ref source, i), a, b);
                }
            }
        }
    }

    /// <summary>
    /// One sample's backward sums per channel: <c>sums[2c]</c> = sum of dy and <c>sums[2c + 1]</c> = sum of
    /// <c>dy * xhat</c>, <c>xhat = (x - mean[c]) * invStd[c]</c> (accumulated as <c>invStd[c] * sum dy * (x - mean[c])</c>).
    /// </summary>
    /// <param name="x">The forward input of the sample.</param>
    /// <param name="dy">The output gradient of the sample, laid out as <paramref name="x"/>.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel.</param>
    /// <param name="mean">The batch mean per channel.</param>
    /// <param name="invStd">1 / sqrt(variance + eps) per channel.</param>
    /// <param name="sums">2 * <paramref name="channels"/> floats, written.</param>
    public static void BackwardSums<TS, TVec>(ref float x, ref float dy, int channels, int plane, ref float mean, ref float invStd, ref float sums)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        for (int c = 0; c < channels; c++)
        {
            nint start = (nint)c * plane;
            ref float xs = ref Unsafe.Add(ref x, start);
            ref float gs = ref Unsafe.Add(ref dy, start);
            float mu = Unsafe.Add(ref mean, c);
            TVec m = TS.Broadcast(mu);
            TVec g0 = TS.Zero, g1 = TS.Zero, p0 = TS.Zero, p1 = TS.Zero;
            int i = 0;
            for (; i <= plane - (2 * TS.Count); i += 2 * TS.Count)
            {
                TVec ga = TS.Load(ref gs, i), gb = TS.Load(ref gs, i + TS.Count);
                g0 = TS.Add(g0, ga);
                g1 = TS.Add(g1, gb);
                p0 = TS.MultiplyAdd(ga, TS.Subtract(TS.Load(ref xs, i), m), p0);
                p1 = TS.MultiplyAdd(gb, TS.Subtract(TS.Load(ref xs, i + TS.Count), m), p1);
            }

            for (; i <= plane - TS.Count; i += TS.Count)
            {
                TVec ga = TS.Load(ref gs, i);
                g0 = TS.Add(g0, ga);
                p0 = TS.MultiplyAdd(ga, TS.Subtract(TS.Load(ref xs, i), m), p0);
            }

            float g = TS.Sum(TS.Add(g0, g1));
            float p = TS.Sum(TS.Add(p0, p1));
            for (; i < plane; i++)
            {
                float gi = Unsafe.Add(ref gs, i);
                g += gi;
                p += gi * (Unsafe.Add(ref xs, i) - mu);
            }

            Unsafe.Add(ref sums, 2 * c) = g;
            Unsafe.Add(ref sums, (2 * c) + 1) = p * Unsafe.Add(ref invStd, c);
        }
    }

    /// <summary>
    /// The batch's backward sums per channel from the per-sample sums of <see cref="BackwardSums"/> stored at
    /// <paramref name="sumsOffset"/> in each of the first <paramref name="count"/> slot arrays, added in sample order
    /// in double.
    /// </summary>
    /// <param name="slots">Per-sample arrays; only the first <paramref name="count"/> are read.</param>
    /// <param name="sumsOffset">Where each sample's 2 * <paramref name="channels"/> sums start in its slot.</param>
    /// <param name="count">Samples in the batch.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="dySum">Written: sum of dy per channel over the batch.</param>
    /// <param name="dyXhatSum">Written: sum of dy * xhat per channel over the batch.</param>
    public static void CombineSums(ReadOnlySpan<float[]> slots, int sumsOffset, int count, int channels, Span<float> dySum, Span<float> dyXhatSum)
    {
        CheckSlots(slots, sumsOffset, count, channels);
        CheckLength(dySum, channels, nameof(dySum));
        CheckLength(dyXhatSum, channels, nameof(dyXhatSum));
        for (int c = 0; c < channels; c++)
        {
            int at = sumsOffset + (2 * c);
            double g = 0, p = 0;
            for (int b = 0; b < count; b++)
            {
                g += slots[b][at];
                p += slots[b][at + 1];
            }

            dySum[c] = (float)g;
            dyXhatSum[c] = (float)p;
        }
    }

    /// <summary>
    /// The training-mode input gradient of one sample:
    /// <c>dx = weight[c] * invStd[c] / n * (n * dy - dySum[c] - xhat * dyXhatSum[c])</c> with
    /// <c>xhat = (x - mean[c]) * invStd[c]</c>, arranged as PyTorch's kernel does:
    /// <c>weight * invStd * ((dy - dySum / n) - xhat * (dyXhatSum / n))</c> (the per-channel factors in float).
    /// Flat data (<paramref name="plane"/> == 1) are vectorised across the channels. <paramref name="dx"/> may be
    /// <paramref name="dy"/>.
    /// </summary>
    /// <param name="x">The forward input of the sample.</param>
    /// <param name="dy">The output gradient of the sample.</param>
    /// <param name="dx">The input gradient of the sample, written.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel.</param>
    /// <param name="mean">The batch mean per channel.</param>
    /// <param name="invStd">1 / sqrt(variance + eps) per channel.</param>
    /// <param name="weight">gamma per channel.</param>
    /// <param name="dySum">Sum of dy per channel over the batch (<see cref="CombineSums"/>).</param>
    /// <param name="dyXhatSum">Sum of dy * xhat per channel over the batch (<see cref="CombineSums"/>).</param>
    /// <param name="n">Values per channel in the batch: samples times plane.</param>
    public static void BackwardInput<TS, TVec>(ref float x, ref float dy, ref float dx, int channels, int plane,
        ref float mean, ref float invStd, ref float weight, ref float dySum, ref float dyXhatSum, float n)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        if (plane == 1)
        {
            // The per-channel factors lane by lane, with the same float operations as the scalar ones below.
            TVec vn = TS.Broadcast(n);
            int j = 0;
            for (; j <= channels - TS.Count; j += TS.Count)
            {
                TVec inv = TS.Load(ref invStd, j);
                TVec factor = TS.Multiply(TS.Load(ref weight, j), inv);
                TVec meanDy = TS.Divide(TS.Load(ref dySum, j), vn);
                TVec meanDyXhat = TS.Divide(TS.Load(ref dyXhatSum, j), vn);
                TS.Store(InputGradient<TS, TVec>(TS.Load(ref x, j), TS.Load(ref dy, j), TS.Load(ref mean, j), inv, factor, meanDy, meanDyXhat), ref dx, j);
            }

            for (; j < channels; j++)
            {
                float inv = Unsafe.Add(ref invStd, j);
                Unsafe.Add(ref dx, j) = InputGradient<SimdScalar, float>(Unsafe.Add(ref x, j), Unsafe.Add(ref dy, j), Unsafe.Add(ref mean, j), inv,
                    Unsafe.Add(ref weight, j) * inv, Unsafe.Add(ref dySum, j) / n, Unsafe.Add(ref dyXhatSum, j) / n);
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            nint start = (nint)c * plane;
            ref float xs = ref Unsafe.Add(ref x, start);
            ref float gs = ref Unsafe.Add(ref dy, start);
            ref float ds = ref Unsafe.Add(ref dx, start);
            float mu = Unsafe.Add(ref mean, c), inv = Unsafe.Add(ref invStd, c);
            float factor = Unsafe.Add(ref weight, c) * inv;
            float meanDy = Unsafe.Add(ref dySum, c) / n, meanDyXhat = Unsafe.Add(ref dyXhatSum, c) / n;
            TVec vmu = TS.Broadcast(mu), vinv = TS.Broadcast(inv), vfactor = TS.Broadcast(factor);
            TVec vmeanDy = TS.Broadcast(meanDy), vmeanDyXhat = TS.Broadcast(meanDyXhat);
            int i = 0;
            for (; i <= plane - TS.Count; i += TS.Count)
            {
                TS.Store(InputGradient<TS, TVec>(TS.Load(ref xs, i), TS.Load(ref gs, i), vmu, vinv, vfactor, vmeanDy, vmeanDyXhat), ref ds, i);
            }

            for (; i < plane; i++)
            {
                Unsafe.Add(ref ds, i) = InputGradient<SimdScalar, float>(Unsafe.Add(ref xs, i), Unsafe.Add(ref gs, i), mu, inv, factor, meanDy, meanDyXhat);
            }
        }
    }

    /// <summary>
    /// The evaluation-mode input gradient (the statistics are constants): <c>dx = dy * scale[c]</c>.
    /// <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    /// <param name="dy">The output gradient of the sample.</param>
    /// <param name="dx">The input gradient, written.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel.</param>
    /// <param name="scale">Factor per channel (<see cref="ScaleShift"/> of the running statistics).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleBackward<TS, TVec>(ref float dy, ref float dx, int channels, int plane, ref float scale)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        if (plane == 1)
        {
            int j = 0;
            for (; j <= channels - TS.Count; j += TS.Count)
            {
                TS.Store(TS.Multiply(TS.Load(ref dy, j), TS.Load(ref scale, j)), ref dx, j);
            }

            for (; j < channels; j++)
            {
                Unsafe.Add(ref dx, j) = Unsafe.Add(ref dy, j) * Unsafe.Add(ref scale, j);
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            nint start = (nint)c * plane;
            ref float gs = ref Unsafe.Add(ref dy, start);
            ref float ds = ref Unsafe.Add(ref dx, start);
            float a = Unsafe.Add(ref scale, c);
            TVec va = TS.Broadcast(a);
            int i = 0;
            for (; i <= plane - TS.Count; i += TS.Count)
            {
                TS.Store(TS.Multiply(TS.Load(ref gs, i), va), ref ds, i);
            }

            for (; i < plane; i++)
            {
                Unsafe.Add(ref ds, i) = Unsafe.Add(ref gs, i) * a;
            }
        }
    }

    /// <summary>
    /// Folds an evaluation-mode batch normalisation into the convolution or dense layer before it, in double:
    /// <c>s = gamma / sqrt(var + eps)</c>, <c>W'[o][k] = W[o][k] * s[o]</c>, <c>b'[o] = (b[o] - mean[o]) * s[o] + beta[o]</c>
    /// (b = 0 without a bias). The epsilon is widened to the double of its shortest decimal form. The outputs may be
    /// the inputs.
    /// </summary>
    /// <param name="weight">The layer's weights, <paramref name="outputs"/> rows of <paramref name="weightsPerOutput"/>.</param>
    /// <param name="bias">The layer's bias per output, or empty when it has none.</param>
    /// <param name="outputs">Output channels (or units).</param>
    /// <param name="weightsPerOutput">Weights per output channel.</param>
    /// <param name="gamma">Batch norm weight per output.</param>
    /// <param name="beta">Batch norm bias per output.</param>
    /// <param name="runningMean">running_mean per output.</param>
    /// <param name="runningVariance">running_var per output.</param>
    /// <param name="epsilon">PyTorch's eps.</param>
    /// <param name="foldedWeight">Written: the folded weights, laid out as <paramref name="weight"/>.</param>
    /// <param name="foldedBias">Written: the folded bias per output.</param>
    public static void Fold(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outputs, int weightsPerOutput,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance,
        float epsilon, Span<float> foldedWeight, Span<float> foldedBias)
    {
        int total = checked(outputs * weightsPerOutput);
        CheckLength(weight, total, nameof(weight));
        if (!bias.IsEmpty)
        {
            CheckLength(bias, outputs, nameof(bias));
        }

        CheckLength(gamma, outputs, nameof(gamma));
        CheckLength(beta, outputs, nameof(beta));
        CheckLength(runningMean, outputs, nameof(runningMean));
        CheckLength(runningVariance, outputs, nameof(runningVariance));
        CheckLength(foldedWeight, total, nameof(foldedWeight));
        CheckLength(foldedBias, outputs, nameof(foldedBias));
        double eps = AsWritten(epsilon);
        for (int o = 0; o < outputs; o++)
        {
            double s = gamma[o] / Math.Sqrt(runningVariance[o] + eps);
            int row = o * weightsPerOutput;
            for (int k = 0; k < weightsPerOutput; k++)
            {
                foldedWeight[row + k] = (float)(weight[row + k] * s);
            }

            double b = bias.IsEmpty ? 0.0 : bias[o];
            foldedBias[o] = (float)(((b - runningMean[o]) * s) + beta[o]);
        }
    }

    /// <summary>
    /// The double nearest the shortest decimal that gives <paramref name="value"/> back (0.1f gives 0.1, not
    /// 0.100000001490116): the number a PyTorch model's hyper-parameter was written as. Allocation-free.
    /// </summary>
    internal static double AsWritten(float value)
    {
        Span<char> text = stackalloc char[32];
        return value.TryFormat(text, out int written, default, CultureInfo.InvariantCulture)
            && double.TryParse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture, out double result)
            ? result
            : value;
    }

    /// <summary>
    /// Training-mode input gradient of one lane group from the per-channel factors (<c>factor = w * invStd</c>,
    /// <c>meanDy = dySum / n</c>, <c>meanDyXhat = dyXhatSum / n</c>):
    /// <c>factor * ((dy - meanDy) - (x - mu) * invStd * meanDyXhat)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec InputGradient<TS, TVec>(TVec x, TVec dy, TVec mu, TVec invStd, TVec factor, TVec meanDy, TVec meanDyXhat)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec xhat = TS.Multiply(TS.Subtract(x, mu), invStd);
        TVec d = TS.Subtract(TS.Subtract(dy, meanDy), TS.Multiply(xhat, meanDyXhat));
        return TS.Multiply(factor, d);
    }

    private static void CheckSlots(ReadOnlySpan<float[]> slots, int offset, int count, int channels)
    {
        if (count < 1 || count > slots.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Expected 1 to {slots.Length} samples (the slots given).");
        }

        for (int b = 0; b < count; b++)
        {
            if (slots[b] is null || offset < 0 || slots[b].Length - offset < 2 * channels)
            {
                throw new ArgumentException($"Slot {b} does not hold {2 * channels} floats at offset {offset}.", nameof(slots));
            }
        }
    }

    private static void CheckLength(ReadOnlySpan<float> span, int length, string name)
    {
        if (span.Length < length)
        {
            throw new ArgumentException($"Expected at least {length} floats, got {span.Length}.", name);
        }
    }

    /// <summary>
    /// Whether a BatchNorm's weight and bias (<paramref name="parameters"/>, 2C floats) or running statistics
    /// (<paramref name="buffers"/>, 2C floats) differ bit for bit from the copy in <paramref name="cache"/> (4C floats and a
    /// flag that is 1 once the copy is valid); when they do, the copy is brought up to date and the caller recomputes what
    /// it derives from them. A vectorised comparison: far cheaper than the square roots it saves.
    /// </summary>
    public static bool Changed(Span<float> cache, ReadOnlySpan<float> parameters, ReadOnlySpan<float> buffers)
    {
        int n = parameters.Length;
        Span<float> flag = cache.Slice(n + buffers.Length, 1);
        if (flag[0] == 1f
            && MemoryMarshal.Cast<float, uint>(cache.Slice(0, n)).SequenceEqual(MemoryMarshal.Cast<float, uint>(parameters))
            && MemoryMarshal.Cast<float, uint>(cache.Slice(n, buffers.Length)).SequenceEqual(MemoryMarshal.Cast<float, uint>(buffers)))
        {
            return false;
        }

        parameters.CopyTo(cache);
        buffers.CopyTo(cache.Slice(n));
        flag[0] = 1f;
        return true;
    }
}

using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Dense inference on four samples per pass over the weights: batched inference of a network whose weights do not
/// stay in the nearest caches (the MLPerf Tiny autoencoder: 1 MB of Dense weights) reads each weight row once for
/// four samples instead of once per sample. Every output is summed exactly as the generated one-sample kernel sums
/// it (one vector accumulator per unit over the inputs, its lanes added by <c>TS.Sum</c>, a scalar tail, then the
/// bias), so batched and per-sample inference give the same floats.
/// </summary>
public static class DenseKernels
{
    /// <summary>
    /// <c>y_s[u] = b[u] + sum over i of W[u][i] * x_s[i]</c> for the four samples s, with W row-major
    /// (<paramref name="units"/> rows of <paramref name="inputs"/>).
    /// </summary>
    /// <param name="w">The weights, <c>units x inputs</c>.</param>
    /// <param name="b">The biases, <paramref name="units"/> floats.</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="units">Outputs per sample.</param>
    /// <param name="x0">Sample 0's input.</param>
    /// <param name="x1">Sample 1's input.</param>
    /// <param name="x2">Sample 2's input.</param>
    /// <param name="x3">Sample 3's input.</param>
    /// <param name="y0">Sample 0's output.</param>
    /// <param name="y1">Sample 1's output.</param>
    /// <param name="y2">Sample 2's output.</param>
    /// <param name="y3">Sample 3's output.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardFour<TS, TVec>(
        ref float w, ref float b, int inputs, int units,
        ref float x0, ref float x1, ref float x2, ref float x3,
        ref float y0, ref float y1, ref float y2, ref float y3)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int u = 0;
        for (; u + 2 <= units; u += 2)
        {
            // Two units x four samples: 8 independent accumulators, 6 loads per 8 multiply-adds.
            ref float r0 = ref Unsafe.Add(ref w, (nint)u * inputs);
            ref float r1 = ref Unsafe.Add(ref r0, inputs);
            TVec s00 = TS.Zero, s01 = TS.Zero, s02 = TS.Zero, s03 = TS.Zero;
            TVec s10 = TS.Zero, s11 = TS.Zero, s12 = TS.Zero, s13 = TS.Zero;
            int j = 0;
            for (; j <= inputs - TS.Count; j += TS.Count)
            {
                TVec a0 = TS.Load(ref x0, j), a1 = TS.Load(ref x1, j), a2 = TS.Load(ref x2, j), a3 = TS.Load(ref x3, j);
                TVec v = TS.Load(ref r0, j);
                s00 = TS.MultiplyAdd(v, a0, s00);
                s01 = TS.MultiplyAdd(v, a1, s01);
                s02 = TS.MultiplyAdd(v, a2, s02);
                s03 = TS.MultiplyAdd(v, a3, s03);
                v = TS.Load(ref r1, j);
                s10 = TS.MultiplyAdd(v, a0, s10);
                s11 = TS.MultiplyAdd(v, a1, s11);
                s12 = TS.MultiplyAdd(v, a2, s12);
                s13 = TS.MultiplyAdd(v, a3, s13);
            }

            float t00 = TS.Sum(s00), t01 = TS.Sum(s01), t02 = TS.Sum(s02), t03 = TS.Sum(s03);
            float t10 = TS.Sum(s10), t11 = TS.Sum(s11), t12 = TS.Sum(s12), t13 = TS.Sum(s13);
            for (; j < inputs; j++)
            {
                float c0 = Unsafe.Add(ref x0, j), c1 = Unsafe.Add(ref x1, j), c2 = Unsafe.Add(ref x2, j), c3 = Unsafe.Add(ref x3, j);
                float v = Unsafe.Add(ref r0, j);
                t00 += v * c0;
                t01 += v * c1;
                t02 += v * c2;
                t03 += v * c3;
                v = Unsafe.Add(ref r1, j);
                t10 += v * c0;
                t11 += v * c1;
                t12 += v * c2;
                t13 += v * c3;
            }

            float b0 = Unsafe.Add(ref b, u), b1 = Unsafe.Add(ref b, u + 1);
            Unsafe.Add(ref y0, u) = b0 + t00;
            Unsafe.Add(ref y1, u) = b0 + t01;
            Unsafe.Add(ref y2, u) = b0 + t02;
            Unsafe.Add(ref y3, u) = b0 + t03;
            Unsafe.Add(ref y0, u + 1) = b1 + t10;
            Unsafe.Add(ref y1, u + 1) = b1 + t11;
            Unsafe.Add(ref y2, u + 1) = b1 + t12;
            Unsafe.Add(ref y3, u + 1) = b1 + t13;
        }

        if (u < units)
        {
            ref float r0 = ref Unsafe.Add(ref w, (nint)u * inputs);
            TVec s00 = TS.Zero, s01 = TS.Zero, s02 = TS.Zero, s03 = TS.Zero;
            int j = 0;
            for (; j <= inputs - TS.Count; j += TS.Count)
            {
                TVec v = TS.Load(ref r0, j);
                s00 = TS.MultiplyAdd(v, TS.Load(ref x0, j), s00);
                s01 = TS.MultiplyAdd(v, TS.Load(ref x1, j), s01);
                s02 = TS.MultiplyAdd(v, TS.Load(ref x2, j), s02);
                s03 = TS.MultiplyAdd(v, TS.Load(ref x3, j), s03);
            }

            float t00 = TS.Sum(s00), t01 = TS.Sum(s01), t02 = TS.Sum(s02), t03 = TS.Sum(s03);
            for (; j < inputs; j++)
            {
                float v = Unsafe.Add(ref r0, j);
                t00 += v * Unsafe.Add(ref x0, j);
                t01 += v * Unsafe.Add(ref x1, j);
                t02 += v * Unsafe.Add(ref x2, j);
                t03 += v * Unsafe.Add(ref x3, j);
            }

            float b0 = Unsafe.Add(ref b, u);
            Unsafe.Add(ref y0, u) = b0 + t00;
            Unsafe.Add(ref y1, u) = b0 + t01;
            Unsafe.Add(ref y2, u) = b0 + t02;
            Unsafe.Add(ref y3, u) = b0 + t03;
        }
    }

}

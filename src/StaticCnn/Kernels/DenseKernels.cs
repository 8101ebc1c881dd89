using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// Dense inference helpers: eight horizontal sums at once (<see cref="SumEach{TS, TVec}"/>), and four samples per pass over the weights: batched inference of a network whose weights do not
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
        if (SumsEight<TVec>() && inputs % TS.Count == 0)
        {
            // The same products and sums, the eight horizontal sums of a pair of units done at once (SumEach).
            for (; u + 2 <= units; u += 2)
            {
                TwoUnitsFourSamples(ref Unsafe.Add(ref w, (nint)u * inputs), ref Unsafe.Add(ref b, u), inputs,
                    ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref y0, u), ref Unsafe.Add(ref y1, u), ref Unsafe.Add(ref y2, u), ref Unsafe.Add(ref y3, u));
            }
        }

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

    /// <summary>
    /// Whether <see cref="SumEach{TS, TVec}"/> runs: 256-bit vectors on AVX, where eight horizontal sums in Sum's order
    /// take nine instructions instead of eight times ten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SumsEight<TVec>()
        where TVec : struct => typeof(TVec) == typeof(Vector256<float>) && Avx.IsSupported;

    /// <summary>
    /// Lane k = <c>TS.Sum(a_k)</c> for the eight vectors, bit for bit: <c>Vector256.Sum</c> adds the lanes of each half
    /// as <c>(l0 + l1) + (l2 + l3)</c> and then the lower half's sum and the upper's, which is what two rounds of
    /// <c>vhaddps</c> and one add of the exchanged halves compute for eight vectors at once. Only where
    /// <see cref="SumsEight{TVec}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec SumEach<TS, TVec>(TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5, TVec a6, TVec a7)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        // (a0 01, a0 23, a1 01, a1 23 | a0 45, a0 67, a1 45, a1 67), and so on: pairs within each 128-bit half.
        Vector256<float> h01 = Avx.HorizontalAdd(As(a0), As(a1)), h23 = Avx.HorizontalAdd(As(a2), As(a3));
        Vector256<float> h45 = Avx.HorizontalAdd(As(a4), As(a5)), h67 = Avx.HorizontalAdd(As(a6), As(a7));

        // (a0 0123, a1 0123, a2 0123, a3 0123 | a0 4567, a1 4567, a2 4567, a3 4567): each half's four lanes.
        Vector256<float> q0 = Avx.HorizontalAdd(h01, h23), q1 = Avx.HorizontalAdd(h45, h67);

        // Lower halves' sums plus upper halves' sums, a0 .. a7 in order.
        Vector256<float> sums = Avx.Add(Avx.Permute2x128(q0, q1, 0x20), Avx.Permute2x128(q0, q1, 0x31));
        return Unsafe.As<Vector256<float>, TVec>(ref sums);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> As<TVec>(TVec value)
        where TVec : struct => Unsafe.As<TVec, Vector256<float>>(ref value);

    /// <summary>
    /// <see cref="ForwardFour"/>'s two units for its four samples where <see cref="SumsEight{TVec}"/> and the inputs
    /// are whole vectors: the eight accumulators summed at once, each sample's two outputs stored together.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TwoUnitsFourSamples(ref float r0, ref float b, int inputs,
        ref float x0, ref float x1, ref float x2, ref float x3,
        ref float y0, ref float y1, ref float y2, ref float y3)
    {
        ref float r1 = ref Unsafe.Add(ref r0, inputs);
        Vector256<float> s00 = Vector256<float>.Zero, s01 = s00, s02 = s00, s03 = s00;
        Vector256<float> s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int j = 0; j < inputs; j += 8)
        {
            Vector256<float> a0 = Vector256.LoadUnsafe(ref x0, (nuint)j), a1 = Vector256.LoadUnsafe(ref x1, (nuint)j);
            Vector256<float> a2 = Vector256.LoadUnsafe(ref x2, (nuint)j), a3 = Vector256.LoadUnsafe(ref x3, (nuint)j);
            Vector256<float> v = Vector256.LoadUnsafe(ref r0, (nuint)j);
            s00 = Simd256.MultiplyAdd(v, a0, s00);
            s01 = Simd256.MultiplyAdd(v, a1, s01);
            s02 = Simd256.MultiplyAdd(v, a2, s02);
            s03 = Simd256.MultiplyAdd(v, a3, s03);
            v = Vector256.LoadUnsafe(ref r1, (nuint)j);
            s10 = Simd256.MultiplyAdd(v, a0, s10);
            s11 = Simd256.MultiplyAdd(v, a1, s11);
            s12 = Simd256.MultiplyAdd(v, a2, s12);
            s13 = Simd256.MultiplyAdd(v, a3, s13);
        }

        // Lanes (sample 0: units u, u+1; sample 1: u, u+1; ...) plus (b[u], b[u+1]) repeated: b + t, as the one-sample kernel.
        Vector256<float> sums = SumEach<Simd256, Vector256<float>>(s00, s10, s01, s11, s02, s12, s03, s13);
        Vector256<double> y = Avx.Add(Vector256.Create(Unsafe.ReadUnaligned<double>(ref Unsafe.As<float, byte>(ref b))).AsSingle(), sums).AsDouble();
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref y0), y.GetElement(0));
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref y1), y.GetElement(1));
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref y2), y.GetElement(2));
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref y3), y.GetElement(3));
    }
}

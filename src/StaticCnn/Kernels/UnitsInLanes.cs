using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Dense inference with the units in the vector lanes, for the Dense layers of a network whose batched inference runs
/// layer by layer (the MLPerf Tiny autoencoder): the weights are packed once into panels of <see cref="Panel"/> units,
/// <c>T[panel][i][k] = W[16 * panel + k][i]</c>, each panel followed by its biases, and every output is
/// <c>y[u] = (sum over i in order of W[u][i] * x[i]) + b[u]</c>, one multiply-add per input into one accumulator lane.
/// One sample (<see cref="Forward{TS, TVec}"/>) and a batch (<see cref="ForwardSlots{TS, TVec}"/>: six samples per pass
/// over a pair of weight columns: at Vector256 a GEMM micro-kernel's 6 x 16 register block) sum every output the same
/// way, so batched and per-sample inference give the same floats, at every vector width (a panel is 16 floats wide
/// whatever the width: the packing does not depend on it). No horizontal sums, unlike the dot-product form, whose
/// batched kernel can only keep eight accumulators for four samples (each output needs a vector of its own).
/// </summary>
public static class UnitsInLanes
{
    /// <summary>Units per panel: the widest vector's lanes.</summary>
    public const int Panel = 16;

    /// <summary>Samples per pass of <see cref="ForwardSlots{TS, TVec}"/> over a pair of weight columns.</summary>
    public const int Samples = 6;

    /// <summary>Floats of the packed weights of a layer: its panels, each <c>(inputs + 1) x 16</c>.</summary>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="units">Outputs per sample.</param>
    public static long PackedLength(int inputs, int units) => (long)((units + Panel - 1) / Panel) * (inputs + 1) * Panel;

    /// <summary>
    /// Packs the layer's weights and biases into panels (<see cref="UnitsInLanes"/>); skipped when they are bit for bit
    /// those of the last call (<paramref name="cache"/> holds them), as they are for every call of inference with the
    /// same parameters. Lanes past the unit count stay zero.
    /// </summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="weights">Offset of the layer's weights [unit][input], followed by its biases.</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="units">Outputs per sample.</param>
    /// <param name="transformed">The storage's transformed-weights array.</param>
    /// <param name="cache">Offset of the copy of the weights and biases the panels were made from.</param>
    /// <param name="target">Offset of the panels.</param>
    public static void Pack(float[] parameters, int weights, int inputs, int units, float[] transformed, int cache, int target)
    {
        int length = (units * inputs) + units;
        ReadOnlySpan<float> current = parameters.AsSpan(weights, length);
        Span<float> last = transformed.AsSpan(cache, length);
        if (MemoryMarshal.Cast<float, int>(current).SequenceEqual(MemoryMarshal.Cast<float, int>(last)))
        {
            return;
        }

        Span<float> t = transformed.AsSpan(target, (int)PackedLength(inputs, units));
        for (int u = 0; u < units; u++)
        {
            Span<float> panel = t.Slice(u / Panel * (inputs + 1) * Panel);
            int lane = u % Panel;
            ReadOnlySpan<float> row = current.Slice(u * inputs, inputs);
            for (int i = 0; i < inputs; i++)
            {
                panel[(i * Panel) + lane] = row[i];
            }

            panel[(inputs * Panel) + lane] = current[(units * inputs) + u];
        }

        current.CopyTo(last);
    }

    /// <summary>
    /// One sample: <c>y[u] = (sum over i of W[u][i] * x[i]) + b[u]</c> from the packed panels, eight vectors of units
    /// per pass over x (eight independent accumulators), then the rest one vector at a time.
    /// </summary>
    /// <param name="t">The packed panels.</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="units">Outputs per sample.</param>
    /// <param name="x">The input.</param>
    /// <param name="y">The output.</param>
    /// <param name="epilogue">What is applied to each output as it is stored: a folded BatchNorm, a ReLU.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TS, TVec>(ref float t, int inputs, int units, ref float x, ref float y, in Epilogue epilogue)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        Span<float> sums = stackalloc float[8 * Panel];
        ref float r = ref MemoryMarshal.GetReference(sums);
        int columns = (units + TS.Count - 1) / TS.Count;
        int q = 0;
        for (; q + 8 <= columns; q += 8)
        {
            EightColumns<TS, TVec>(ref t, inputs, q, ref x, ref r);
            for (int k = 0; k < 8; k++)
            {
                Store<TS, TVec>(TS.Load(ref r, k * TS.Count), ref y, q + k, units, epilogue);
            }
        }

        for (; q < columns; q++)
        {
            ref float c0 = ref Column<TS, TVec>(ref t, inputs, q);
            TVec s0 = TS.Zero;
            for (nint i = 0, at = 0; i < inputs; i++, at += Panel)
            {
                s0 = TS.MultiplyAdd(TS.Load(ref c0, at), TS.Broadcast(Unsafe.Add(ref x, i)), s0);
            }

            Store<TS, TVec>(TS.Add(s0, TS.Load(ref c0, (nint)inputs * Panel)), ref y, q, units, epilogue);
        }
    }

    /// <summary>
    /// The batch slots [first, first + count): for each group of six samples (a last, smaller group repeats its last
    /// sample: the same output computed and stored twice), every pair of weight columns (two vectors of units) in turn,
    /// twelve accumulators, per input two weight loads and six broadcasts. The group's inputs stay in the L1 cache while
    /// the panels stream by in memory order (measured against the pairs outside the groups and against blocks of
    /// pairs: 23.6 against 30 us for a 128 x 128 layer at batch 64, the same for 640 x 128). Each output is summed as
    /// <see cref="Forward{TS, TVec}"/> sums it.
    /// </summary>
    /// <param name="t">The packed panels.</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="units">Outputs per sample.</param>
    /// <param name="slots">The batch slots' workspaces.</param>
    /// <param name="first">The first slot.</param>
    /// <param name="count">Slots from <paramref name="first"/>.</param>
    /// <param name="x">The input's offset in each workspace.</param>
    /// <param name="y">The output's offset in each workspace.</param>
    /// <param name="epilogue">What is applied to each output as it is stored: a folded BatchNorm, a ReLU.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSlots<TS, TVec>(ref float t, int inputs, int units, ReadOnlySpan<float[]> slots, int first, int count, int x, int y, in Epilogue epilogue)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        Span<float> sums = stackalloc float[2 * Samples * Panel];
        ref float r = ref MemoryMarshal.GetReference(sums);
        int columns = (units + TS.Count - 1) / TS.Count;
        for (int s = first; s < first + count; s += Samples)
        {
            int last = Math.Min(s + Samples, first + count) - 1;
            ref float w0 = ref MemoryMarshal.GetArrayDataReference(slots[s]);
            ref float w1 = ref MemoryMarshal.GetArrayDataReference(slots[Math.Min(s + 1, last)]);
            ref float w2 = ref MemoryMarshal.GetArrayDataReference(slots[Math.Min(s + 2, last)]);
            ref float w3 = ref MemoryMarshal.GetArrayDataReference(slots[Math.Min(s + 3, last)]);
            ref float w4 = ref MemoryMarshal.GetArrayDataReference(slots[Math.Min(s + 4, last)]);
            ref float w5 = ref MemoryMarshal.GetArrayDataReference(slots[last]);
            for (int q = 0; q < columns; q += 2)
            {
                int pair = q + 1 < columns ? 1 : 0;
                SixSamples<TS, TVec>(ref Column<TS, TVec>(ref t, inputs, q), ref Column<TS, TVec>(ref t, inputs, q + pair), inputs,
                    ref Unsafe.Add(ref w0, x), ref Unsafe.Add(ref w1, x), ref Unsafe.Add(ref w2, x),
                    ref Unsafe.Add(ref w3, x), ref Unsafe.Add(ref w4, x), ref Unsafe.Add(ref w5, x), ref r);

                // The last sample first: a repeated sample's stores all write the same floats.
                StorePair<TS, TVec>(ref r, 5, ref Unsafe.Add(ref w5, y), q, pair, units, epilogue);
                StorePair<TS, TVec>(ref r, 4, ref Unsafe.Add(ref w4, y), q, pair, units, epilogue);
                StorePair<TS, TVec>(ref r, 3, ref Unsafe.Add(ref w3, y), q, pair, units, epilogue);
                StorePair<TS, TVec>(ref r, 2, ref Unsafe.Add(ref w2, y), q, pair, units, epilogue);
                StorePair<TS, TVec>(ref r, 1, ref Unsafe.Add(ref w1, y), q, pair, units, epilogue);
                StorePair<TS, TVec>(ref r, 0, ref Unsafe.Add(ref w0, y), q, pair, units, epilogue);
            }
        }
    }

    /// <summary>Sample k's one or two vectors of <paramref name="sums"/> into its output, through the epilogue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair<TS, TVec>(ref float sums, int k, ref float y, int q, int pair, int units, in Epilogue epilogue)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        Store<TS, TVec>(TS.Load(ref sums, 2 * k * TS.Count), ref y, q, units, epilogue);
        if (pair != 0)
        {
            Store<TS, TVec>(TS.Load(ref sums, ((2 * k) + 1) * TS.Count), ref y, q + 1, units, epilogue);
        }
    }

    /// <summary>
    /// Columns q .. q + 7 for one sample: eight accumulators over the inputs, then each plus its biases, into
    /// <paramref name="sums"/> (eight vectors). Apart from the stores, so that no call keeps an accumulator out of
    /// its register.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EightColumns<TS, TVec>(ref float t, int inputs, int q, ref float x, ref float sums)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float c0 = ref Column<TS, TVec>(ref t, inputs, q);
        ref float c1 = ref Column<TS, TVec>(ref t, inputs, q + 1);
        ref float c2 = ref Column<TS, TVec>(ref t, inputs, q + 2);
        ref float c3 = ref Column<TS, TVec>(ref t, inputs, q + 3);
        ref float c4 = ref Column<TS, TVec>(ref t, inputs, q + 4);
        ref float c5 = ref Column<TS, TVec>(ref t, inputs, q + 5);
        ref float c6 = ref Column<TS, TVec>(ref t, inputs, q + 6);
        ref float c7 = ref Column<TS, TVec>(ref t, inputs, q + 7);
        TVec s0 = TS.Zero, s1 = TS.Zero, s2 = TS.Zero, s3 = TS.Zero, s4 = TS.Zero, s5 = TS.Zero, s6 = TS.Zero, s7 = TS.Zero;
        for (nint i = 0, at = 0; i < inputs; i++, at += Panel)
        {
            TVec a = TS.Broadcast(Unsafe.Add(ref x, i));
            s0 = TS.MultiplyAdd(TS.Load(ref c0, at), a, s0);
            s1 = TS.MultiplyAdd(TS.Load(ref c1, at), a, s1);
            s2 = TS.MultiplyAdd(TS.Load(ref c2, at), a, s2);
            s3 = TS.MultiplyAdd(TS.Load(ref c3, at), a, s3);
            s4 = TS.MultiplyAdd(TS.Load(ref c4, at), a, s4);
            s5 = TS.MultiplyAdd(TS.Load(ref c5, at), a, s5);
            s6 = TS.MultiplyAdd(TS.Load(ref c6, at), a, s6);
            s7 = TS.MultiplyAdd(TS.Load(ref c7, at), a, s7);
        }

        nint bias = (nint)inputs * Panel, n = TS.Count;
        TS.Store(TS.Add(s0, TS.Load(ref c0, bias)), ref sums, 0);
        TS.Store(TS.Add(s1, TS.Load(ref c1, bias)), ref sums, n);
        TS.Store(TS.Add(s2, TS.Load(ref c2, bias)), ref sums, 2 * n);
        TS.Store(TS.Add(s3, TS.Load(ref c3, bias)), ref sums, 3 * n);
        TS.Store(TS.Add(s4, TS.Load(ref c4, bias)), ref sums, 4 * n);
        TS.Store(TS.Add(s5, TS.Load(ref c5, bias)), ref sums, 5 * n);
        TS.Store(TS.Add(s6, TS.Load(ref c6, bias)), ref sums, 6 * n);
        TS.Store(TS.Add(s7, TS.Load(ref c7, bias)), ref sums, 7 * n);
    }

    /// <summary>
    /// Columns c0 and c1 for six samples: twelve accumulators over the inputs, then each plus its biases, into
    /// <paramref name="sums"/> (sample k's two vectors at 2k and 2k + 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SixSamples<TS, TVec>(ref float c0, ref float c1, int inputs,
        ref float x0, ref float x1, ref float x2, ref float x3, ref float x4, ref float x5, ref float sums)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s00 = TS.Zero, s01 = TS.Zero, s02 = TS.Zero, s03 = TS.Zero, s04 = TS.Zero, s05 = TS.Zero;
        TVec s10 = TS.Zero, s11 = TS.Zero, s12 = TS.Zero, s13 = TS.Zero, s14 = TS.Zero, s15 = TS.Zero;
        for (nint i = 0, at = 0; i < inputs; i++, at += Panel)
        {
            TVec v0 = TS.Load(ref c0, at), v1 = TS.Load(ref c1, at);
            TVec a = TS.Broadcast(Unsafe.Add(ref x0, i));
            s00 = TS.MultiplyAdd(v0, a, s00);
            s10 = TS.MultiplyAdd(v1, a, s10);
            a = TS.Broadcast(Unsafe.Add(ref x1, i));
            s01 = TS.MultiplyAdd(v0, a, s01);
            s11 = TS.MultiplyAdd(v1, a, s11);
            a = TS.Broadcast(Unsafe.Add(ref x2, i));
            s02 = TS.MultiplyAdd(v0, a, s02);
            s12 = TS.MultiplyAdd(v1, a, s12);
            a = TS.Broadcast(Unsafe.Add(ref x3, i));
            s03 = TS.MultiplyAdd(v0, a, s03);
            s13 = TS.MultiplyAdd(v1, a, s13);
            a = TS.Broadcast(Unsafe.Add(ref x4, i));
            s04 = TS.MultiplyAdd(v0, a, s04);
            s14 = TS.MultiplyAdd(v1, a, s14);
            a = TS.Broadcast(Unsafe.Add(ref x5, i));
            s05 = TS.MultiplyAdd(v0, a, s05);
            s15 = TS.MultiplyAdd(v1, a, s15);
        }

        nint bias = (nint)inputs * Panel, n = TS.Count;
        TVec b0 = TS.Load(ref c0, bias), b1 = TS.Load(ref c1, bias);
        TS.Store(TS.Add(s00, b0), ref sums, 0);
        TS.Store(TS.Add(s10, b1), ref sums, n);
        TS.Store(TS.Add(s01, b0), ref sums, 2 * n);
        TS.Store(TS.Add(s11, b1), ref sums, 3 * n);
        TS.Store(TS.Add(s02, b0), ref sums, 4 * n);
        TS.Store(TS.Add(s12, b1), ref sums, 5 * n);
        TS.Store(TS.Add(s03, b0), ref sums, 6 * n);
        TS.Store(TS.Add(s13, b1), ref sums, 7 * n);
        TS.Store(TS.Add(s04, b0), ref sums, 8 * n);
        TS.Store(TS.Add(s14, b1), ref sums, 9 * n);
        TS.Store(TS.Add(s05, b0), ref sums, 10 * n);
        TS.Store(TS.Add(s15, b1), ref sums, 11 * n);
    }

    /// <summary>Column q's first weight: vector q of the units, in its panel (rows of 16 floats, one per input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float Column<TS, TVec>(ref float t, int inputs, int q)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int unit = q * TS.Count;
        return ref Unsafe.Add(ref t, ((nint)(unit / Panel) * (inputs + 1) * Panel) + (unit % Panel));
    }

    /// <summary>
    /// Units q * Count onwards of y, through the epilogue: a whole vector, or the lanes up to the unit count (the
    /// epilogue then applied lane by lane with the same operations).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TS, TVec>(TVec value, ref float y, int q, int units, in Epilogue epilogue)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int unit = q * TS.Count;
        if (unit + TS.Count <= units)
        {
            if (epilogue.Affine)
            {
                value = TS.MultiplyAdd(value, TS.Load(ref epilogue.Scale, unit), TS.Load(ref epilogue.Shift, unit));
            }

            TS.Store(epilogue.Relu ? TS.Max(value, TS.Zero) : value, ref y, unit);
        }
        else
        {
            StorePart<TS, TVec>(value, ref y, unit, units - unit, epilogue);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StorePart<TS, TVec>(TVec value, ref float y, int unit, int lanes, in Epilogue epilogue)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        Span<float> lanesOf = stackalloc float[Panel];
        TS.Store(value, ref MemoryMarshal.GetReference(lanesOf));
        for (int k = 0; k < lanes; k++)
        {
            float v = lanesOf[k];
            if (epilogue.Affine)
            {
                v = SimdScalar.MultiplyAdd(v, Unsafe.Add(ref epilogue.Scale, unit + k), Unsafe.Add(ref epilogue.Shift, unit + k));
            }

            Unsafe.Add(ref y, unit + k) = epilogue.Relu ? SimdScalar.Max(v, 0f) : v;
        }
    }

    /// <summary>
    /// What a Dense layer with the units in the lanes applies to each output as it stores it: the BatchNorm folded into
    /// it at inference (<c>y = scale * y + shift</c>, as <c>BatchNormKernels.Normalize</c> computes it) and the ReLU fused
    /// into it (<c>max(y, 0)</c>, NaN kept).
    /// </summary>
    public readonly ref struct Epilogue
    {
        /// <summary>No BatchNorm; a ReLU or not.</summary>
        /// <param name="relu">Whether a ReLU follows.</param>
        public Epilogue(bool relu)
        {
            Relu = relu;
        }

        /// <summary>A folded BatchNorm's per-unit scale and shift; a ReLU or not.</summary>
        /// <param name="scale">The scales, one per unit.</param>
        /// <param name="shift">The shifts, one per unit.</param>
        /// <param name="relu">Whether a ReLU follows.</param>
        public Epilogue(ref float scale, ref float shift, bool relu)
        {
            Scale = ref scale;
            Shift = ref shift;
            Affine = true;
            Relu = relu;
        }

        /// <summary>Whether a BatchNorm is folded in.</summary>
        public bool Affine { get; }

        /// <summary>Whether a ReLU follows.</summary>
        public bool Relu { get; }

        /// <summary>The scales (when <see cref="Affine"/>).</summary>
        public readonly ref float Scale;

        /// <summary>The shifts (when <see cref="Affine"/>).</summary>
        public readonly ref float Shift;
    }
}

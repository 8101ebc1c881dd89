using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Winograd's minimal filtering F(2x2, 3x3) for 3x3 convolutions of stride 1 (Lavin and Gray, 2015): each 2x2
/// block of outputs (a tile) comes from the 4x4 patch of padded input under it as <c>Y = A^T [U . V] A</c> with
/// <c>U = G g G^T</c> (the filter) and <c>V = B^T d B</c> (the patch), so the 16 positions of U . V summed over the
/// input channels are 16 GEMMs of filters x channels x tiles: 2.25x fewer multiply-adds than the direct
/// convolution, for three transforms that are linear in the data. The generated code runs the GEMMs; these are
/// the transforms.
/// <para>
/// Layout: position xi (0-15, row-major over the 4x4) of every transformed array lives at <c>xi * positionStride</c>
/// from its base, each array with its own stride (U in the storage's transformed array, V and M in the workspace):
/// U[xi][filter][channel], V[xi][channel][tile], M[xi][filter][tile], tiles row-major with row stride
/// <c>tileStride</c> between channels (or filters). Large maps go through in chunks of tile rows: the transforms take
/// references moved to the chunk's first row.
/// </para>
/// </summary>
public static class Winograd
{
    /// <summary>
    /// U = G g G^T for every filter and channel, with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]; skipped when
    /// the weights are bit for bit those of the last call (<paramref name="cache"/> holds them), as they are for
    /// every sample of a batch and every call of inference.
    /// </summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="weights">Offset of the layer's weights [filter][channel][3][3] in <paramref name="parameters"/>.</param>
    /// <param name="transformed">The storage's transformed-weights array.</param>
    /// <param name="cache">Offset of the copy of the weights U was computed from.</param>
    /// <param name="target">Offset of position 0's U[filter][channel].</param>
    /// <param name="filters">Filters.</param>
    /// <param name="channels">Input channels.</param>
    /// <param name="positionStride">Floats between positions of U.</param>
    /// <param name="flipped">
    /// False: U[xi][filter][channel] of the filters as they are (the forward pass). True: U[xi][channel][filter] of
    /// the filters rotated by 180 degrees, for the input gradient, which is the convolution of the padded output
    /// gradient with them, summed over the filters.
    /// </param>
    public static void TransformWeights(float[] parameters, int weights, float[] transformed, int cache, int target, int filters, int channels, int positionStride, bool flipped = false)
    {
        int length = filters * channels * 9;
        ReadOnlySpan<float> current = parameters.AsSpan(weights, length);
        Span<float> last = transformed.AsSpan(cache, length);
        if (MemoryMarshal.Cast<float, int>(current).SequenceEqual(MemoryMarshal.Cast<float, int>(last)))
        {
            return;
        }

        ref float u = ref MemoryMarshal.GetReference(transformed.AsSpan(target, (15 * positionStride) + (filters * channels)));
        ref float first = ref MemoryMarshal.GetReference(current);
        Span<float> filter = stackalloc float[9];
        for (int f = 0; f < filters; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                ref float source = ref Unsafe.Add(ref first, ((f * channels) + c) * 9);
                for (int i = 0; i < 9; i++)
                {
                    filter[i] = Unsafe.Add(ref source, flipped ? 8 - i : i);
                }

                ref float g = ref MemoryMarshal.GetReference(filter);
                ref float positions = ref Unsafe.Add(ref u, flipped ? (c * filters) + f : (f * channels) + c);

                // G g, column by column: rows 0 and 3 are the filter's first and last rows; rows 1 and 2 half their
                // sum plus or minus the middle one. Then (G g) G^T: the same along each of its 4 rows.
                Column(ref g, 0, out float t00, out float t10, out float t20, out float t30);
                Column(ref g, 1, out float t01, out float t11, out float t21, out float t31);
                Column(ref g, 2, out float t02, out float t12, out float t22, out float t32);
                Row(ref positions, positionStride, 0, t00, t01, t02);
                Row(ref positions, positionStride, 1, t10, t11, t12);
                Row(ref positions, positionStride, 2, t20, t21, t22);
                Row(ref positions, positionStride, 3, t30, t31, t32);
            }
        }

        current.CopyTo(last);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(ref float g, int j, out float t0, out float t1, out float t2, out float t3)
    {
        float top = Unsafe.Add(ref g, j), middle = Unsafe.Add(ref g, 3 + j), bottom = Unsafe.Add(ref g, 6 + j);
        float outer = top + bottom;
        t0 = top;
        t1 = 0.5f * (outer + middle);
        t2 = 0.5f * (outer - middle);
        t3 = bottom;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(ref float target, int positionStride, int i, float left, float middle, float right)
    {
        float outer = left + right;
        Unsafe.Add(ref target, (nint)(4 * i) * positionStride) = left;
        Unsafe.Add(ref target, (nint)((4 * i) + 1) * positionStride) = 0.5f * (outer + middle);
        Unsafe.Add(ref target, (nint)((4 * i) + 2) * positionStride) = 0.5f * (outer - middle);
        Unsafe.Add(ref target, (nint)((4 * i) + 3) * positionStride) = right;
    }

    /// <summary>
    /// V = B^T d B for every channel and tile, with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], d the 4x4 patch of
    /// the padded input at row 2*ty, column 2*tx. Vectorised over the tiles of a tile row (a patch's columns are
    /// every other input column: deinterleaved loads).
    /// </summary>
    public static void TransformInput<TS, TVec>(ref float padded, int channels, int paddedWidth, int plane, int tileRows, int tileColumns,
        ref float v, int tileStride, int positionStride)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        for (int c = 0; c < channels; c++)
        {
            for (int ty = 0; ty < tileRows; ty++)
            {
                ref float patch = ref Unsafe.Add(ref padded, (c * plane) + (2 * ty * paddedWidth));
                ref float row = ref Unsafe.Add(ref v, (c * tileStride) + (ty * tileColumns));
                if (tileColumns >= TS.Count)
                {
                    InputRow<TS, TVec>(ref patch, paddedWidth, ref row, tileColumns, positionStride);
                }
                else if (TS.Count > 8 && tileColumns >= 8)
                {
                    InputRow<Simd256, Vector256<float>>(ref patch, paddedWidth, ref row, tileColumns, positionStride);
                }
                else if (TS.Count > 4 && tileColumns >= 4)
                {
                    InputRow<Simd128, Vector128<float>>(ref patch, paddedWidth, ref row, tileColumns, positionStride);
                }
                else
                {
                    InputRow<SimdScalar, float>(ref patch, paddedWidth, ref row, tileColumns, positionStride);
                }
            }
        }
    }

    /// <summary>
    /// Y = A^T M A + bias for every filter and tile, with A^T = [1 1 1 0; 0 1 -1 -1]: the tile's 2x2 outputs,
    /// written into the C,H,W output (width 2 x tile columns, <paramref name="outputPlane"/> floats per filter: a
    /// chunk of tile rows writes part of each plane), or, when <paramref name="relu"/> is set, only their ReLU, into
    /// <paramref name="activation"/> (the ReLU's backward reads its output, so nothing reads the convolution's).
    /// Without <paramref name="addBias"/> (the input gradient) no bias is added.
    /// </summary>
    public static void TransformOutput<TS, TVec>(ref float m, int filters, int tileRows, int tileColumns, int tileStride, int positionStride,
        ref float bias, ref float output, ref float activation, bool relu, int outputPlane, bool addBias = true)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int width = 2 * tileColumns;
        int plane = outputPlane;
        for (int f = 0; f < filters; f++)
        {
            float b = addBias ? Unsafe.Add(ref bias, f) : 0f;
            for (int ty = 0; ty < tileRows; ty++)
            {
                ref float row = ref Unsafe.Add(ref m, (f * tileStride) + (ty * tileColumns));
                int at = (f * plane) + (2 * ty * width);
                ref float y = ref Unsafe.Add(ref output, at);
                ref float act = ref Unsafe.Add(ref activation, at);
                if (tileColumns >= TS.Count)
                {
                    OutputRow<TS, TVec>(ref row, tileColumns, positionStride, b, ref y, ref act, width, relu);
                }
                else if (TS.Count > 8 && tileColumns >= 8)
                {
                    OutputRow<Simd256, Vector256<float>>(ref row, tileColumns, positionStride, b, ref y, ref act, width, relu);
                }
                else if (TS.Count > 4 && tileColumns >= 4)
                {
                    OutputRow<Simd128, Vector128<float>>(ref row, tileColumns, positionStride, b, ref y, ref act, width, relu);
                }
                else
                {
                    OutputRow<SimdScalar, float>(ref row, tileColumns, positionStride, b, ref y, ref act, width, relu);
                }
            }
        }
    }

    /// <summary>One tile row of the input transform, TS.Count tiles at a time (the last group overlaps the one before).</summary>
    private static void InputRow<TS, TVec>(ref float patch, int paddedWidth, ref float row, int tileColumns, int positionStride)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        for (int tx = 0; ; tx += TS.Count)
        {
            if (tx > tileColumns - TS.Count)
            {
                tx = tileColumns - TS.Count;
            }

            nint column = 2 * (nint)tx;

            // d B, row by row: columns a b c d of the patch -> a - c, b + c, c - b, b - d.
            InputPatchRow<TS, TVec>(ref patch, column, out TVec t00, out TVec t01, out TVec t02, out TVec t03);
            InputPatchRow<TS, TVec>(ref Unsafe.Add(ref patch, paddedWidth), column, out TVec t10, out TVec t11, out TVec t12, out TVec t13);
            InputPatchRow<TS, TVec>(ref Unsafe.Add(ref patch, 2 * paddedWidth), column, out TVec t20, out TVec t21, out TVec t22, out TVec t23);
            InputPatchRow<TS, TVec>(ref Unsafe.Add(ref patch, 3 * paddedWidth), column, out TVec t30, out TVec t31, out TVec t32, out TVec t33);

            // B^T (d B), column by column: rows 0-3 -> 0 - 2, 1 + 2, 2 - 1, 1 - 3.
            ref float target = ref Unsafe.Add(ref row, tx);
            InputColumn<TS, TVec>(ref target, positionStride, 0, t00, t10, t20, t30);
            InputColumn<TS, TVec>(ref target, positionStride, 1, t01, t11, t21, t31);
            InputColumn<TS, TVec>(ref target, positionStride, 2, t02, t12, t22, t32);
            InputColumn<TS, TVec>(ref target, positionStride, 3, t03, t13, t23, t33);
            if (tx == tileColumns - TS.Count)
            {
                break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputPatchRow<TS, TVec>(ref float source, nint column, out TVec t0, out TVec t1, out TVec t2, out TVec t3)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec l0 = TS.Load(ref source, column), l1 = TS.Load(ref source, column + TS.Count);
        TVec r0 = TS.Load(ref source, column + 2), r1 = TS.Load(ref source, column + 2 + TS.Count);
        TVec a = TS.Evens(l0, l1), b = TS.Odds(l0, l1), c = TS.Evens(r0, r1), d = TS.Odds(r0, r1);
        t0 = TS.Subtract(a, c);
        t1 = TS.Add(b, c);
        t2 = TS.Subtract(c, b);
        t3 = TS.Subtract(b, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputColumn<TS, TVec>(ref float target, int positionStride, int j, TVec r0, TVec r1, TVec r2, TVec r3)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TS.Store(TS.Subtract(r0, r2), ref target, (nint)j * positionStride);
        TS.Store(TS.Add(r1, r2), ref target, (nint)(4 + j) * positionStride);
        TS.Store(TS.Subtract(r2, r1), ref target, (nint)(8 + j) * positionStride);
        TS.Store(TS.Subtract(r1, r3), ref target, (nint)(12 + j) * positionStride);
    }

    /// <summary>One tile row of the output transform, TS.Count tiles at a time (the last group overlaps the one before).</summary>
    private static void OutputRow<TS, TVec>(ref float row, int tileColumns, int positionStride, float bias, ref float y, ref float act, int width, bool relu)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec b = TS.Broadcast(bias);
        for (int tx = 0; ; tx += TS.Count)
        {
            if (tx > tileColumns - TS.Count)
            {
                tx = tileColumns - TS.Count;
            }

            ref float source = ref Unsafe.Add(ref row, tx);

            // M A, row by row: m0 + m1 + m2 and m1 - m2 - m3.
            OutputPatchRow<TS, TVec>(ref source, positionStride, 0, out TVec s00, out TVec s01);
            OutputPatchRow<TS, TVec>(ref source, positionStride, 1, out TVec s10, out TVec s11);
            OutputPatchRow<TS, TVec>(ref source, positionStride, 2, out TVec s20, out TVec s21);
            OutputPatchRow<TS, TVec>(ref source, positionStride, 3, out TVec s30, out TVec s31);

            // A^T (M A) + bias: output rows 0 and 1 of the tiles, their two columns interleaved.
            TVec y00 = TS.Add(TS.Add(TS.Add(s00, s10), s20), b), y01 = TS.Add(TS.Add(TS.Add(s01, s11), s21), b);
            TVec y10 = TS.Add(TS.Subtract(TS.Subtract(s10, s20), s30), b), y11 = TS.Add(TS.Subtract(TS.Subtract(s11, s21), s31), b);
            nint column = 2 * (nint)tx;
            OutputStore<TS, TVec>(ref y, ref act, column, y00, y01, relu);
            OutputStore<TS, TVec>(ref Unsafe.Add(ref y, width), ref Unsafe.Add(ref act, width), column, y10, y11, relu);
            if (tx == tileColumns - TS.Count)
            {
                break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputPatchRow<TS, TVec>(ref float source, int positionStride, int i, out TVec s0, out TVec s1)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec m0 = TS.Load(ref source, (nint)(4 * i) * positionStride), m1 = TS.Load(ref source, (nint)((4 * i) + 1) * positionStride);
        TVec m2 = TS.Load(ref source, (nint)((4 * i) + 2) * positionStride), m3 = TS.Load(ref source, (nint)((4 * i) + 3) * positionStride);
        s0 = TS.Add(TS.Add(m0, m1), m2);
        s1 = TS.Subtract(TS.Subtract(m1, m2), m3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputStore<TS, TVec>(ref float y, ref float act, nint column, TVec left, TVec right, bool relu)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec lower = TS.InterleaveLower(left, right), upper = TS.InterleaveUpper(left, right);
        if (relu)
        {
            TS.Store(TS.Max(lower, TS.Zero), ref act, column);
            TS.Store(TS.Max(upper, TS.Zero), ref act, column + TS.Count);
        }
        else
        {
            TS.Store(lower, ref y, column);
            TS.Store(upper, ref y, column + TS.Count);
        }
    }
}

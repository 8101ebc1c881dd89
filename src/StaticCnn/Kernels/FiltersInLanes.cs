using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// The two layout changes of a convolution that runs with its filters in the vector lanes (small maps whose width no
/// vector divides): the generated GEMM reads the filters transposed, <c>T[tap][filter]</c> with the bias as one more
/// row, and writes its result pixel-major, <c>R[pixel][filter]</c>; these turn the weights into the first and the
/// result back into the C,H,W activations.
/// </summary>
public static class FiltersInLanes
{
    /// <summary>
    /// T[tap][filter] = W[filter][tap] for every tap of the fan-in, then T[fanIn][filter] = b[filter]; skipped when the
    /// weights and biases are bit for bit those of the last call (<paramref name="cache"/> holds them), as they are for
    /// every sample of a batch and every call of inference. Lanes past the filter count stay zero.
    /// </summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="weights">Offset of the layer's weights [filter][fanIn], followed by its biases.</param>
    /// <param name="filters">Filters (output channels).</param>
    /// <param name="fanIn">Taps per filter: input channels x k x k.</param>
    /// <param name="transformed">The storage's transformed-weights array.</param>
    /// <param name="cache">Offset of the copy of the weights and biases T was made from.</param>
    /// <param name="target">Offset of T.</param>
    /// <param name="stride">Floats per row of T (at least <paramref name="filters"/>).</param>
    public static void TransposeFilters(float[] parameters, int weights, int filters, int fanIn, float[] transformed, int cache, int target, int stride) =>
        TransposeFilters(parameters, weights, filters, fanIn, transformed, cache, target, stride, biases: true);

    /// <summary>
    /// <see cref="TransposeFilters(float[], int, int, int, float[], int, int, int)"/> for a layer with or without
    /// biases: without, T's bias row stays zero and only the weights are compared and kept.
    /// </summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="weights">Offset of the layer's weights [filter][fanIn], followed by its biases when it has them.</param>
    /// <param name="filters">Filters (output channels).</param>
    /// <param name="fanIn">Taps per filter: input channels x k x k (a depthwise filter's: k x k).</param>
    /// <param name="transformed">The storage's transformed-weights array.</param>
    /// <param name="cache">Offset of the copy of the weights (and biases) T was made from.</param>
    /// <param name="target">Offset of T.</param>
    /// <param name="stride">Floats per row of T (at least <paramref name="filters"/>).</param>
    /// <param name="biases">Whether the biases follow the weights.</param>
    public static void TransposeFilters(float[] parameters, int weights, int filters, int fanIn, float[] transformed, int cache, int target, int stride, bool biases)
    {
        int length = (filters * fanIn) + (biases ? filters : 0);
        ReadOnlySpan<float> current = parameters.AsSpan(weights, length);
        Span<float> last = transformed.AsSpan(cache, length);
        if (MemoryMarshal.Cast<float, int>(current).SequenceEqual(MemoryMarshal.Cast<float, int>(last)))
        {
            return;
        }

        Span<float> t = transformed.AsSpan(target, ((fanIn + 1) * stride));
        for (int f = 0; f < filters; f++)
        {
            ReadOnlySpan<float> filter = current.Slice(f * fanIn, fanIn);
            for (int tap = 0; tap < fanIn; tap++)
            {
                t[(tap * stride) + f] = filter[tap];
            }

            t[(fanIn * stride) + f] = biases ? current[(filters * fanIn) + f] : 0f;
        }

        current.CopyTo(last);
    }

    /// <summary>
    /// Y[c][pixel] = R[pixel][c] for every channel and pixel, or, when <paramref name="relu"/>, max(R[pixel][c], 0)
    /// (NaN stays NaN, as every ReLU here): a convolution with a fused ReLU keeps only the ReLU's output, which the
    /// ReLU's backward reads. 8x8 blocks transposed in registers where 256-bit AVX vectors run, else Count x Count
    /// blocks by the width's interleaves (the last block of pixels overlaps the one before it); element by element
    /// where neither fits (scalar, fewer pixels than a vector, channels not a multiple of it).
    /// </summary>
    /// <param name="result">R, rows of <paramref name="resultStride"/> floats per pixel.</param>
    /// <param name="pixels">Pixels of one channel (H*W).</param>
    /// <param name="channels">Channels.</param>
    /// <param name="resultStride">Floats per pixel row of R.</param>
    /// <param name="output">Y (or its ReLU), C,H,W.</param>
    /// <param name="relu">Whether to write the ReLU.</param>
    public static void ChannelsFirst<TS, TV>(ref float result, int pixels, int channels, int resultStride, ref float output, bool relu)
        where TS : struct, ISimd<TV>
        where TV : struct =>
        ChannelsFirst<TS, TV>(ref result, pixels, channels, resultStride, ref output, ref Unsafe.NullRef<float>(), ref Unsafe.NullRef<float>(), affine: false, relu);

    /// <summary>
    /// <see cref="ChannelsFirst{TS, TV}(ref float, int, int, int, ref float, bool)"/> through a folded BatchNorm:
    /// Y[c][pixel] = R[pixel][c] * scale[c] + shift[c] (one fused multiply-add, as <c>BatchNormKernels.Normalize</c>
    /// computes it over Y afterwards, so the floats are the same), then the ReLU when asked: one pass over the result
    /// instead of two. The scale and shift are applied to R's rows, where the channels are the lanes, before the transpose.
    /// </summary>
    /// <param name="result">R, rows of <paramref name="resultStride"/> floats per pixel.</param>
    /// <param name="pixels">Pixels of one channel (H*W).</param>
    /// <param name="channels">Channels.</param>
    /// <param name="resultStride">Floats per pixel row of R.</param>
    /// <param name="output">Y, C,H,W.</param>
    /// <param name="scale">The folded BatchNorm's scale per channel.</param>
    /// <param name="shift">Its shift per channel.</param>
    /// <param name="relu">Whether to write the ReLU of the normalised values.</param>
    public static void ChannelsFirst<TS, TV>(ref float result, int pixels, int channels, int resultStride, ref float output, ref float scale, ref float shift, bool relu)
        where TS : struct, ISimd<TV>
        where TV : struct =>
        ChannelsFirst<TS, TV>(ref result, pixels, channels, resultStride, ref output, ref scale, ref shift, affine: true, relu);

    private static void ChannelsFirst<TS, TV>(ref float result, int pixels, int channels, int resultStride, ref float output, ref float scale, ref float shift, bool affine, bool relu)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        // Blocks of 8x8 where AVX runs (any width of at least 8), else of the width's own Count (SSE and NEON: 4).
        bool avx = TS.Count >= 8 && Avx.IsSupported;
        int n = avx ? 8 : TS.Count;
        if (n >= 4 && pixels >= n && channels % n == 0)
        {
            for (int c = 0; c < channels; c += n)
            {
                for (int p = 0; p < pixels; p += n)
                {
                    int first = Math.Min(p, pixels - n);
                    ref float source = ref Unsafe.Add(ref result, (first * resultStride) + c);
                    ref float target = ref Unsafe.Add(ref output, (c * pixels) + first);
                    Block<TS, TV>(avx, ref source, resultStride, ref target, pixels, affine, ref Unsafe.Add(ref scale, affine ? c : 0), ref Unsafe.Add(ref shift, affine ? c : 0), relu);
                }
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            for (int p = 0; p < pixels; p++)
            {
                float v = Unsafe.Add(ref result, (p * resultStride) + c);
                if (affine)
                {
                    v = SimdScalar.MultiplyAdd(v, Unsafe.Add(ref scale, c), Unsafe.Add(ref shift, c));
                }

                Unsafe.Add(ref output, (c * pixels) + p) = relu ? SimdScalar.Max(v, 0f) : v;
            }
        }
    }

    /// <summary>
    /// T[pixel][c] = X[c][pixel] for every channel and pixel, rows of <paramref name="outputStride"/> floats per pixel:
    /// the C,H,W input of a layer that runs with its channels in the vector lanes (a depthwise layer on a small map),
    /// the inverse of <see cref="ChannelsFirst{TS, TV}(ref float, int, int, int, ref float, bool)"/>. The same blocks:
    /// 8x8 in registers where AVX runs, else Count x Count (the last block of pixels overlaps the one before it), element
    /// by element where neither fits.
    /// </summary>
    /// <param name="input">X, C,H,W.</param>
    /// <param name="pixels">Pixels of one channel (H*W).</param>
    /// <param name="channels">Channels.</param>
    /// <param name="output">T, pixel-major.</param>
    /// <param name="outputStride">Floats per pixel row of T (at least <paramref name="channels"/>).</param>
    public static void ChannelsLast<TS, TV>(ref float input, int pixels, int channels, ref float output, int outputStride)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        bool avx = TS.Count >= 8 && Avx.IsSupported;
        int n = avx ? 8 : TS.Count;
        if (n >= 4 && pixels >= n && channels % n == 0)
        {
            for (int c = 0; c < channels; c += n)
            {
                for (int p = 0; p < pixels; p += n)
                {
                    // Rows of the block are channels c.. (pixels apart in X), its columns the pixels from `first`.
                    int first = Math.Min(p, pixels - n);
                    ref float source = ref Unsafe.Add(ref input, (c * pixels) + first);
                    ref float target = ref Unsafe.Add(ref output, (first * outputStride) + c);
                    Block<TS, TV>(avx, ref source, pixels, ref target, outputStride, affine: false, ref Unsafe.NullRef<float>(), ref Unsafe.NullRef<float>(), relu: false);
                }
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            for (int p = 0; p < pixels; p++)
            {
                Unsafe.Add(ref output, (p * outputStride) + c) = Unsafe.Add(ref input, (c * pixels) + p);
            }
        }
    }

    /// <summary>
    /// R[pixel][c] = R[pixel][c] * scale[c] + shift[c] (when <paramref name="affine"/>), then max(R[pixel][c], 0) (when
    /// <paramref name="relu"/>), in place, for the channels c &lt; <paramref name="channels"/> of every pixel row: a
    /// result that stays pixel-major because the layer after it reads it so (a depthwise layer with its channels in
    /// the lanes, a 1x1 convolution with its filters in them), with the floats
    /// <see cref="ChannelsFirst{TS, TV}(ref float, int, int, int, ref float, ref float, ref float, bool)"/> would write.
    /// </summary>
    /// <param name="result">R, rows of <paramref name="resultStride"/> floats per pixel.</param>
    /// <param name="pixels">Pixel rows.</param>
    /// <param name="channels">Channels of each row to normalise.</param>
    /// <param name="resultStride">Floats per pixel row of R.</param>
    /// <param name="scale">The folded BatchNorm's scale per channel (read only when <paramref name="affine"/>).</param>
    /// <param name="shift">Its shift per channel (read only when <paramref name="affine"/>).</param>
    /// <param name="affine">Whether to scale and shift.</param>
    /// <param name="relu">Whether to apply the ReLU.</param>
    public static void NormalizeRows<TS, TV>(ref float result, int pixels, int channels, int resultStride, ref float scale, ref float shift, bool affine, bool relu)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int whole = channels / TS.Count * TS.Count;
        for (int p = 0; p < pixels; p++)
        {
            ref float row = ref Unsafe.Add(ref result, p * resultStride);
            for (int c = 0; c < whole; c += TS.Count)
            {
                TV v = TS.Load(ref row, c);
                if (affine)
                {
                    v = TS.MultiplyAdd(v, TS.Load(ref scale, c), TS.Load(ref shift, c));
                }

                TS.Store(relu ? TS.Max(v, TS.Zero) : v, ref row, c);
            }

            for (int c = whole; c < channels; c++)
            {
                float v = Unsafe.Add(ref row, c);
                if (affine)
                {
                    v = SimdScalar.MultiplyAdd(v, Unsafe.Add(ref scale, c), Unsafe.Add(ref shift, c));
                }

                Unsafe.Add(ref row, c) = relu ? SimdScalar.Max(v, 0f) : v;
            }
        }
    }

    /// <summary>One block of a transpose: 8x8 in AVX registers, else Count x Count by the width's interleaves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TS, TV>(bool avx, ref float source, int sourceStride, ref float output, int stride, bool affine, ref float scale, ref float shift, bool relu)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        if (avx)
        {
            Transpose8x8(ref source, sourceStride, ref output, stride, affine, ref scale, ref shift, relu);
        }
        else
        {
            TransposeSquare<TS, TV>(ref source, sourceStride, ref output, stride, affine, ref scale, ref shift, relu);
        }
    }

    /// <summary>
    /// A Count x Count block transposed with the width's own interleaves (NEON zip1/zip2, SSE unpcklps/unpckhps, the
    /// AVX-512 halves): log2(Count) rounds of the perfect shuffle, row 2i and 2i+1 of a round the interleaving of rows i
    /// and i + Count/2 of the one before, leave the columns as rows.
    /// </summary>
    private static void TransposeSquare<TS, TV>(ref float source, int sourceStride, ref float output, int stride, bool affine, ref float scale, ref float shift, bool relu)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        int n = TS.Count, half = n / 2;
        Square<TV> first = default, second = default;
        Span<TV> rows = first, next = second;
        for (int i = 0; i < n; i++)
        {
            rows[i] = TS.Load(ref source, i * sourceStride);
        }

        if (affine)
        {
            // The rows are pixels, the lanes channels: each lane's own scale and shift.
            TV a = TS.Load(ref scale, 0), b = TS.Load(ref shift, 0);
            for (int i = 0; i < n; i++)
            {
                rows[i] = TS.MultiplyAdd(rows[i], a, b);
            }
        }

        for (int round = 1; round < n; round *= 2)
        {
            for (int i = 0; i < half; i++)
            {
                next[2 * i] = TS.InterleaveLower(rows[i], rows[i + half]);
                next[(2 * i) + 1] = TS.InterleaveUpper(rows[i], rows[i + half]);
            }

            Span<TV> previous = rows;
            rows = next;
            next = previous;
        }

        for (int i = 0; i < n; i++)
        {
            TS.Store(relu ? TS.Max(rows[i], TS.Zero) : rows[i], ref output, i * stride);
        }
    }

    /// <summary>Room for the rows of a transposed block: 16, the widest vector's floats.</summary>
    [InlineArray(16)]
    private struct Square<T>
    {
        private T element;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, int sourceStride, ref float output, int stride, bool affine, ref float scale, ref float shift, bool relu)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));
        if (affine)
        {
            // The rows are pixels, the lanes channels c..c+7: each lane's own scale and shift.
            Vector256<float> a = Vector256.LoadUnsafe(ref scale), b = Vector256.LoadUnsafe(ref shift);
            r0 = Simd256.MultiplyAdd(r0, a, b);
            r1 = Simd256.MultiplyAdd(r1, a, b);
            r2 = Simd256.MultiplyAdd(r2, a, b);
            r3 = Simd256.MultiplyAdd(r3, a, b);
            r4 = Simd256.MultiplyAdd(r4, a, b);
            r5 = Simd256.MultiplyAdd(r5, a, b);
            r6 = Simd256.MultiplyAdd(r6, a, b);
            r7 = Simd256.MultiplyAdd(r7, a, b);
        }

        // Interleave pairs of rows, then pairs of pairs (within each 128-bit half), then swap the halves across.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Row(Avx.Permute2x128(u0, u4, 0x20), ref output, 0, relu);
        Row(Avx.Permute2x128(u1, u5, 0x20), ref output, stride, relu);
        Row(Avx.Permute2x128(u2, u6, 0x20), ref output, 2 * stride, relu);
        Row(Avx.Permute2x128(u3, u7, 0x20), ref output, 3 * stride, relu);
        Row(Avx.Permute2x128(u0, u4, 0x31), ref output, 4 * stride, relu);
        Row(Avx.Permute2x128(u1, u5, 0x31), ref output, 5 * stride, relu);
        Row(Avx.Permute2x128(u2, u6, 0x31), ref output, 6 * stride, relu);
        Row(Avx.Permute2x128(u3, u7, 0x31), ref output, 7 * stride, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(Vector256<float> value, ref float output, int offset, bool relu) =>
        (relu ? Simd256.Max(value, Vector256<float>.Zero) : value).StoreUnsafe(ref output, (nuint)offset);
}

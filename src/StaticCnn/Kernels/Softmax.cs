using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Softmax over the channels (PyTorch <c>nn.Softmax(dim=1)</c>) of one sample in C,H,W layout: the value of channel c
/// at pixel p is at <c>c * pixels + p</c>, and every pixel is normalised over its <c>channels</c> values. Flat data
/// (after a dense layer) are the case <c>pixels == 1</c>. Lanes hold consecutive pixels, so whole vectors of pixels
/// run the loops over the channels together and the pixels left over run the same code one at a time; flat data are
/// vectorised across the channels instead. Nothing outside the <c>channels * pixels</c> values is read or written,
/// and the output may be the input (in place).
/// </summary>
public static class Softmax
{
    /// <summary>
    /// <c>y[c][p] = e^(x[c][p] - m) / sum over c' of e^(x[c'][p] - m)</c>, m the pixel's maximum over the channels
    /// (subtracted first, so that nothing overflows). As PyTorch's kernel, the exponentials are multiplied by the
    /// reciprocal of their sum. As in PyTorch, a NaN, a +infinity, or a pixel of nothing but -infinity makes all of
    /// the pixel's outputs NaN; a -infinity among finite values gets 0.
    /// </summary>
    /// <param name="x">The input, <paramref name="channels"/> planes of <paramref name="pixels"/> floats.</param>
    /// <param name="y">The output, laid out as <paramref name="x"/>; may be <paramref name="x"/>.</param>
    /// <param name="channels">Values each pixel is normalised over.</param>
    /// <param name="pixels">Pixels per channel (height times width; 1 for flat data).</param>
    public static void Forward<TS, TVec>(ref float x, ref float y, int channels, int pixels)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        if (pixels == 1)
        {
            Flat<TS, TVec>(ref x, ref y, channels);
            return;
        }

        int p = 0;
        for (; p <= pixels - TS.Count; p += TS.Count)
        {
            Pixels<TS, TVec>(ref x, ref y, channels, pixels, p);
        }

        for (; p < pixels; p++)
        {
            Pixels<SimdScalar, float>(ref x, ref y, channels, pixels, p);
        }
    }

    /// <summary>
    /// The input gradient from the forward output: <c>dx[c][p] = y[c][p] * (dy[c][p] - s)</c> with
    /// <c>s = sum over c of dy[c][p] * y[c][p]</c> (per pixel). <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    /// <param name="y">The forward output.</param>
    /// <param name="dy">The output gradient, laid out as <paramref name="y"/>.</param>
    /// <param name="dx">The input gradient, laid out as <paramref name="y"/>.</param>
    /// <param name="channels">Values each pixel is normalised over.</param>
    /// <param name="pixels">Pixels per channel (1 for flat data).</param>
    public static void Backward<TS, TVec>(ref float y, ref float dy, ref float dx, int channels, int pixels)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        if (pixels == 1)
        {
            FlatBackward<TS, TVec>(ref y, ref dy, ref dx, channels);
            return;
        }

        int p = 0;
        for (; p <= pixels - TS.Count; p += TS.Count)
        {
            PixelsBackward<TS, TVec>(ref y, ref dy, ref dx, channels, pixels, p);
        }

        for (; p < pixels; p++)
        {
            PixelsBackward<SimdScalar, float>(ref y, ref dy, ref dx, channels, pixels, p);
        }
    }

    /// <summary>Forward for the TS.Count pixels from <paramref name="p"/> on, one pixel per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pixels<TS, TVec>(ref float x, ref float y, int channels, int pixels, int p)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec max = TS.Load(ref x, p);
        for (int c = 1; c < channels; c++)
        {
            max = TS.Max(max, TS.Load(ref x, ((nint)c * pixels) + p));
        }

        TVec sum = TS.Zero;
        for (int c = 0; c < channels; c++)
        {
            nint at = ((nint)c * pixels) + p;
            TVec e = TS.Exp(TS.Subtract(TS.Load(ref x, at), max));
            TS.Store(e, ref y, at);
            sum = TS.Add(sum, e);
        }

        TVec scale = TS.Divide(TS.Broadcast(1f), sum);
        for (int c = 0; c < channels; c++)
        {
            nint at = ((nint)c * pixels) + p;
            TS.Store(TS.Multiply(TS.Load(ref y, at), scale), ref y, at);
        }
    }

    /// <summary>Backward for the TS.Count pixels from <paramref name="p"/> on, one pixel per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PixelsBackward<TS, TVec>(ref float y, ref float dy, ref float dx, int channels, int pixels, int p)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec dot = TS.Zero;
        for (int c = 0; c < channels; c++)
        {
            nint at = ((nint)c * pixels) + p;
            dot = TS.MultiplyAdd(TS.Load(ref dy, at), TS.Load(ref y, at), dot);
        }

        for (int c = 0; c < channels; c++)
        {
            nint at = ((nint)c * pixels) + p;
            TS.Store(TS.Multiply(TS.Load(ref y, at), TS.Subtract(TS.Load(ref dy, at), dot)), ref dx, at);
        }
    }

    /// <summary>Forward of one pixel's <paramref name="length"/> contiguous values, vectorised across them.</summary>
    private static void Flat<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        if (length <= 0)
        {
            return;
        }

        float max = x;
        int i = 0;
        if (length >= TS.Count)
        {
            TVec m = TS.Load(ref x);
            for (i = TS.Count; i <= length - TS.Count; i += TS.Count)
            {
                m = TS.Max(m, TS.Load(ref x, i));
            }

            max = TS.MaxAcross(m);
        }

        for (; i < length; i++)
        {
            max = SimdScalar.Max(Unsafe.Add(ref x, i), max);
        }

        TVec vmax = TS.Broadcast(max);
        TVec sums = TS.Zero;
        for (i = 0; i <= length - TS.Count; i += TS.Count)
        {
            TVec e = TS.Exp(TS.Subtract(TS.Load(ref x, i), vmax));
            TS.Store(e, ref y, i);
            sums = TS.Add(sums, e);
        }

        float sum = TS.Sum(sums);
        for (; i < length; i++)
        {
            float e = SimdScalar.Exp(Unsafe.Add(ref x, i) - max);
            Unsafe.Add(ref y, i) = e;
            sum += e;
        }

        float scale = 1f / sum;
        TVec vscale = TS.Broadcast(scale);
        for (i = 0; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(TS.Multiply(TS.Load(ref y, i), vscale), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) *= scale;
        }
    }

    /// <summary>Backward of one pixel's <paramref name="length"/> contiguous values, vectorised across them.</summary>
    private static void FlatBackward<TS, TVec>(ref float y, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec dots = TS.Zero;
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            dots = TS.MultiplyAdd(TS.Load(ref dy, i), TS.Load(ref y, i), dots);
        }

        float dot = TS.Sum(dots);
        for (; i < length; i++)
        {
            dot += Unsafe.Add(ref dy, i) * Unsafe.Add(ref y, i);
        }

        TVec vdot = TS.Broadcast(dot);
        for (i = 0; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(TS.Multiply(TS.Load(ref y, i), TS.Subtract(TS.Load(ref dy, i), vdot)), ref dx, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref y, i) * (Unsafe.Add(ref dy, i) - dot);
        }
    }
}

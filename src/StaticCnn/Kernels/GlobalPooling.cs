using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Global pooling over each channel's whole plane (PyTorch <c>nn.AdaptiveAvgPool2d(1)</c> and
/// <c>nn.AdaptiveMaxPool2d(1)</c>) of one sample in C,H,W layout: channel c's <c>plane</c> values start at
/// <c>c * plane</c>, and its result is <c>y[c]</c>. Nothing outside the given ranges is read or written.
/// </summary>
public static class GlobalPooling
{
    /// <summary><c>y[c]</c> = the mean of channel c's plane: its sum (vector accumulators, then the lanes and a scalar tail) divided by <paramref name="plane"/>.</summary>
    /// <param name="x">The input, <paramref name="channels"/> planes of <paramref name="plane"/> floats.</param>
    /// <param name="y">The output, <paramref name="channels"/> floats.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel (height times width).</param>
    public static void AverageForward<TS, TVec>(ref float x, ref float y, int channels, int plane)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        float count = plane;
        for (int c = 0; c < channels; c++)
        {
            Unsafe.Add(ref y, c) = Reductions.Sum<TS, TVec>(ref Unsafe.Add(ref x, (nint)c * plane), plane) / count;
        }
    }

    /// <summary><c>dx[c][i] = dy[c] / plane</c> for every cell of channel c's plane.</summary>
    /// <param name="dy">The output gradient, <paramref name="channels"/> floats.</param>
    /// <param name="dx">The input gradient, <paramref name="channels"/> planes of <paramref name="plane"/> floats.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel.</param>
    public static void AverageBackward<TS, TVec>(ref float dy, ref float dx, int channels, int plane)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        float count = plane;
        for (int c = 0; c < channels; c++)
        {
            Fill<TS, TVec>(ref Unsafe.Add(ref dx, (nint)c * plane), plane, Unsafe.Add(ref dy, c) / count);
        }
    }

    /// <summary>
    /// <c>y[c]</c> = the maximum of channel c's plane; NaN if the plane holds a NaN. (The sign of a zero maximum
    /// where both zeros occur is not specified; -0 == +0 for <see cref="MaxBackward"/>.)
    /// </summary>
    /// <param name="x">The input, <paramref name="channels"/> planes of <paramref name="plane"/> floats.</param>
    /// <param name="y">The output, <paramref name="channels"/> floats.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel.</param>
    public static void MaxForward<TS, TVec>(ref float x, ref float y, int channels, int plane)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        for (int c = 0; c < channels; c++)
        {
            Unsafe.Add(ref y, c) = Max<TS, TVec>(ref Unsafe.Add(ref x, (nint)c * plane), plane);
        }
    }

    /// <summary>
    /// Every cell of channel c's input gradient is 0 except the one forward's maximum came from, which gets
    /// <c>dy[c]</c>: PyTorch's rule of a scan in order that takes a cell when it is greater or NaN, found again from
    /// the kept input and output: the FIRST cell equal to <c>y[c]</c>, or, where <c>y[c]</c> is NaN, the LAST NaN cell.
    /// (A plane with no such cell, which forward never gives, gets no gradient.) The winner is found before the plane
    /// is written, so <paramref name="dx"/> may be <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The kept input, <paramref name="channels"/> planes of <paramref name="plane"/> floats.</param>
    /// <param name="y">The kept output, <paramref name="channels"/> floats.</param>
    /// <param name="dy">The output gradient, <paramref name="channels"/> floats.</param>
    /// <param name="dx">The input gradient, laid out as <paramref name="x"/>.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="plane">Values per channel.</param>
    public static void MaxBackward<TS, TVec>(ref float x, ref float y, ref float dy, ref float dx, int channels, int plane)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        for (int c = 0; c < channels; c++)
        {
            nint start = (nint)c * plane;
            int winner = Winner(ref Unsafe.Add(ref x, start), plane, Unsafe.Add(ref y, c));
            float g = Unsafe.Add(ref dy, c);
            ref float d = ref Unsafe.Add(ref dx, start);
            Fill<TS, TVec>(ref d, plane, 0f);
            if (winner >= 0)
            {
                Unsafe.Add(ref d, winner) = g;
            }
        }
    }

    /// <summary>The maximum of <paramref name="length"/> floats, NaN winning: whole vectors, the last one overlapping the one before (the maximum does not mind seeing a value twice).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Max<TS, TVec>(ref float source, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        if (length < TS.Count)
        {
            float max = source;
            for (int i = 1; i < length; i++)
            {
                max = SimdScalar.Max(Unsafe.Add(ref source, i), max);
            }

            return max;
        }

        TVec m0 = TS.Load(ref source);
        TVec m1 = TS.Load(ref source, length - TS.Count);
        int j = TS.Count;
        for (; j <= length - (2 * TS.Count); j += 2 * TS.Count)
        {
            m0 = TS.Max(m0, TS.Load(ref source, j));
            m1 = TS.Max(m1, TS.Load(ref source, j + TS.Count));
        }

        if (j <= length - TS.Count)
        {
            m0 = TS.Max(m0, TS.Load(ref source, j));
        }

        return TS.MaxAcross(TS.Max(m0, m1));
    }

    /// <summary>The first index whose value equals <paramref name="max"/>, or for a NaN maximum the last NaN's; -1 if none.</summary>
    private static int Winner(ref float source, int length, float max)
    {
        if (float.IsNaN(max))
        {
            for (int i = length - 1; i >= 0; i--)
            {
                if (float.IsNaN(Unsafe.Add(ref source, i)))
                {
                    return i;
                }
            }

            return -1;
        }

        for (int i = 0; i < length; i++)
        {
            if (Unsafe.Add(ref source, i) == max)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Sets <paramref name="length"/> floats to <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fill<TS, TVec>(ref float destination, int length, float value)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec v = TS.Broadcast(value);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(v, ref destination, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref destination, i) = value;
        }
    }
}

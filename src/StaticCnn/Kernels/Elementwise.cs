using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Element-wise sums over managed references, for generated code: the Add that ends a residual connection, and the
/// gradients of a tensor read by several layers, which are summed. Vectors of the ISimd width, then
/// a scalar tail; nothing outside the <c>length</c> floats is read or written.
/// </summary>
public static class Elementwise
{
    /// <summary><c>y[i] = a[i] + b[i]</c> (<paramref name="y"/> may be <paramref name="a"/> or <paramref name="b"/>).</summary>
    public static void Add<TS, TVec>(ref float a, ref float b, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - (4 * TS.Count); i += 4 * TS.Count)
        {
            TVec y0 = TS.Add(TS.Load(ref a, i), TS.Load(ref b, i));
            TVec y1 = TS.Add(TS.Load(ref a, i + TS.Count), TS.Load(ref b, i + TS.Count));
            TVec y2 = TS.Add(TS.Load(ref a, i + (2 * TS.Count)), TS.Load(ref b, i + (2 * TS.Count)));
            TVec y3 = TS.Add(TS.Load(ref a, i + (3 * TS.Count)), TS.Load(ref b, i + (3 * TS.Count)));
            TS.Store(y0, ref y, i);
            TS.Store(y1, ref y, i + TS.Count);
            TS.Store(y2, ref y, i + (2 * TS.Count));
            TS.Store(y3, ref y, i + (3 * TS.Count));
        }

        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(TS.Add(TS.Load(ref a, i), TS.Load(ref b, i)), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = Unsafe.Add(ref a, i) + Unsafe.Add(ref b, i);
        }
    }

    /// <summary><c>y[i] = max(a[i] + b[i], 0)</c>: a residual's Add with the ReLU after it (as <see cref="Activations.ReluForward"/> computes it).</summary>
    public static void AddRelu<TS, TVec>(ref float a, ref float b, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - (2 * TS.Count); i += 2 * TS.Count)
        {
            TVec y0 = TS.Add(TS.Load(ref a, i), TS.Load(ref b, i));
            TVec y1 = TS.Add(TS.Load(ref a, i + TS.Count), TS.Load(ref b, i + TS.Count));
            TS.Store(Relu<TS, TVec>(y0), ref y, i);
            TS.Store(Relu<TS, TVec>(y1), ref y, i + TS.Count);
        }

        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(Relu<TS, TVec>(TS.Add(TS.Load(ref a, i), TS.Load(ref b, i))), ref y, i);
        }

        for (; i < length; i++)
        {
            float sum = Unsafe.Add(ref a, i) + Unsafe.Add(ref b, i);
            Unsafe.Add(ref y, i) = sum > 0f ? sum : (float.IsNaN(sum) ? sum : 0f);
        }
    }

    /// <summary><c>y[i] += x[i]</c>: a second reader's gradient added to the first's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct =>
        Add<TS, TVec>(ref x, ref y, ref y, length);

    /// <summary>max(x, 0) exactly as <see cref="Activations.ReluForward"/> computes it, so that fusing the ReLU changes no bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Relu<TS, TVec>(TVec x)
        where TS : struct, ISimd<TVec>
        where TVec : struct =>
        TS.Max(x, TS.Zero);
}

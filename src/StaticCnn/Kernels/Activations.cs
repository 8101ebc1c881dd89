using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Element-wise activation layers, forward and backward, over <c>length</c> floats: full vectors first, then a
/// scalar tail, so nothing outside the given range is read or written. Generated code calls these with
/// constant lengths; the JIT inlines them and folds the loop bounds.
/// </summary>
public static class Activations
{
    /// <summary><c>y = max(0, x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReluForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(TS.Max(TS.Load(ref Unsafe.Add(ref x, i)), TS.Zero), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref x, i);
            Unsafe.Add(ref y, i) = v > 0f ? v : (float.IsNaN(v) ? v : 0f);
        }
    }

    /// <summary>
    /// <c>dx = dy</c> where <c>x &gt; 0</c>, otherwise 0. <paramref name="x"/> may be the ReLU's input or its output
    /// (max(x, 0) is positive exactly where x is; NaN is neither): the generated code passes the output, so that a
    /// convolution with the ReLU fused keeps only the ReLU's output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReluBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec mask = TS.GreaterThan(TS.Load(ref Unsafe.Add(ref x, i)), TS.Zero);
            TS.Store(TS.Select(mask, TS.Load(ref Unsafe.Add(ref dy, i)), TS.Zero), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref x, i) > 0f ? Unsafe.Add(ref dy, i) : 0f;
        }
    }

    /// <summary><c>y = x</c> where <c>x &gt; 0</c>, otherwise <c>slope * x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LeakyReluForward<TS, TVec>(ref float x, ref float y, int length, float slope)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s = TS.Broadcast(slope);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec v = TS.Load(ref Unsafe.Add(ref x, i));
            TS.Store(TS.Select(TS.GreaterThan(v, TS.Zero), v, TS.Multiply(v, s)), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref x, i);
            Unsafe.Add(ref y, i) = v > 0f ? v : v * slope;
        }
    }

    /// <summary><c>dx = dy</c> where the forward input <c>x &gt; 0</c>, otherwise <c>slope * dy</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LeakyReluBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length, float slope)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s = TS.Broadcast(slope);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec g = TS.Load(ref Unsafe.Add(ref dy, i));
            TVec mask = TS.GreaterThan(TS.Load(ref Unsafe.Add(ref x, i)), TS.Zero);
            TS.Store(TS.Select(mask, g, TS.Multiply(g, s)), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            float g = Unsafe.Add(ref dy, i);
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref x, i) > 0f ? g : g * slope;
        }
    }

    /// <summary><c>y = 1 / (1 + e^-x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SigmoidForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(SimdMath.Sigmoid<TS, TVec>(TS.Load(ref Unsafe.Add(ref x, i))), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = SimdMath.Sigmoid<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary><c>dx = dy * y * (1 - y)</c> with the forward output <c>y</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SigmoidBackward<TS, TVec>(ref float y, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec v = TS.Load(ref Unsafe.Add(ref y, i));
            TVec g = TS.Load(ref Unsafe.Add(ref dy, i));
            TS.Store(TS.Multiply(g, TS.Multiply(v, TS.Subtract(one, v))), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref y, i);
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref dy, i) * (v * (1f - v));
        }
    }

    /// <summary><c>y = tanh x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(SimdMath.Tanh<TS, TVec>(TS.Load(ref Unsafe.Add(ref x, i))), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = SimdMath.Tanh<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary><c>dx = dy * (1 - y^2)</c> with the forward output <c>y</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhBackward<TS, TVec>(ref float y, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec v = TS.Load(ref Unsafe.Add(ref y, i));
            TVec g = TS.Load(ref Unsafe.Add(ref dy, i));
            TS.Store(TS.Multiply(g, TS.Subtract(one, TS.Multiply(v, v))), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref y, i);
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref dy, i) * (1f - (v * v));
        }
    }
}

using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>Vector reductions for generated code.</summary>
public static class Reductions
{
    /// <summary>The sum of <paramref name="length"/> floats (vector lanes, then a scalar tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum<TS, TVec>(ref float source, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s0 = TS.Zero;
        TVec s1 = TS.Zero;
        int i = 0;
        for (; i <= length - (2 * TS.Count); i += 2 * TS.Count)
        {
            s0 = TS.Add(s0, TS.Load(ref Unsafe.Add(ref source, i)));
            s1 = TS.Add(s1, TS.Load(ref Unsafe.Add(ref source, i + TS.Count)));
        }

        for (; i <= length - TS.Count; i += TS.Count)
        {
            s0 = TS.Add(s0, TS.Load(ref Unsafe.Add(ref source, i)));
        }

        float sum = TS.Sum(TS.Add(s0, s1));
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref source, i);
        }

        return sum;
    }
}

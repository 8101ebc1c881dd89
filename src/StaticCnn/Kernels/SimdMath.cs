using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>Element-wise functions built from <see cref="ISimd{TVec}"/> operations, for any vector width.</summary>
public static class SimdMath
{
    /// <summary><c>1 / (1 + e^-x)</c>; saturates to exactly 0 and 1 without overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid<TS, TVec>(TVec x)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        return TS.Divide(one, TS.Add(one, TS.Exp(TS.Subtract(TS.Zero, x))));
    }

    /// <summary>
    /// Hyperbolic tangent, accurate to a few ulp everywhere: an odd Taylor polynomial where |x| &lt; 0.25
    /// (so that tiny inputs keep their relative precision), <c>1 - 2 / (e^(2|x|) + 1)</c> with the sign of x elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<TS, TVec>(TVec x)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        TVec a = TS.Abs(x);
        TVec e = TS.Exp(TS.Add(a, a));
        TVec large = TS.Subtract(one, TS.Divide(TS.Broadcast(2f), TS.Add(e, one)));
        large = TS.Select(TS.LessThan(x, TS.Zero), TS.Subtract(TS.Zero, large), large);

        // tanh x = x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835 - ...; the next term is below 1e-8 relative at 0.25.
        TVec x2 = TS.Multiply(x, x);
        TVec p = TS.MultiplyAdd(x2, TS.Broadcast(62f / 2835f), TS.Broadcast(-17f / 315f));
        p = TS.MultiplyAdd(x2, p, TS.Broadcast(2f / 15f));
        p = TS.MultiplyAdd(x2, p, TS.Broadcast(-1f / 3f));
        p = TS.MultiplyAdd(x2, p, one);
        TVec small = TS.Multiply(x, p);
        return TS.Select(TS.LessThan(a, TS.Broadcast(0.25f)), small, large);
    }
}

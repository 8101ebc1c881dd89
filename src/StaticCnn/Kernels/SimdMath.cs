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

    /// <summary>
    /// The error function <c>erf x = 2 / sqrt(pi) * integral from 0 to x of e^(-t^2) dt</c>: odd, erf(+-infinity) =
    /// +-1, NaN gives NaN, -0 gives -0. Maximum absolute error about 1e-7 (about 1.5 ulp of the values near 1) and a
    /// relative error of about 1 ulp below |x| = 0.9; see <see cref="ErfParts"/> for the approximations.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Erf<TS, TVec>(TVec x)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec sign = TS.And(x, TS.Broadcast(-0f));
        TVec a = TS.AndNot(x, TS.Broadcast(-0f));
        TVec small = ErfParts<TS, TVec>(a, TS.Multiply(a, a), out TVec complement, out _);
        TVec magnitude = TS.Select(TS.LessThan(a, TS.Broadcast(ErfSmall)), small, TS.Subtract(TS.Broadcast(1f), complement));
        return TS.Or(magnitude, sign);
    }

    /// <summary>
    /// The standard normal distribution function <c>Phi(x) = (1 + erf(x / sqrt 2)) / 2</c>, absolute error about
    /// 1e-7. Its left tail comes from erfc without cancellation, so that it keeps a relative accuracy of about
    /// 1e-7 * (1 + x^2 / 2) down to where it underflows (x about -13), where <c>0.5 * (1 + erf)</c> would lose every
    /// digit below 6e-8. Phi(-infinity) = 0, Phi(infinity) = 1, NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec NormalCdf<TS, TVec>(TVec x)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        return NormalCdf<TS, TVec>(x, out _);
    }

    /// <summary>
    /// <see cref="NormalCdf{TS, TVec}(TVec)"/>, also giving <c>e^(-x^2 / 2)</c> (computed on the way; the normal
    /// density is it over sqrt(2 pi)), which GELU's gradient needs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec NormalCdf<TS, TVec>(TVec x, out TVec gaussian)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec half = TS.Broadcast(0.5f);
        TVec z = TS.Multiply(x, TS.Broadcast(0.70710677f)); // 1 / sqrt 2
        TVec sign = TS.And(z, TS.Broadcast(-0f));
        TVec a = TS.AndNot(z, TS.Broadcast(-0f));

        // z^2 = x^2 / 2 from x: one rounding instead of two, for the exponent of the tail's e^(-z^2).
        TVec s = TS.Multiply(TS.Multiply(x, x), half);
        TVec small = ErfParts<TS, TVec>(a, s, out TVec complement, out gaussian);

        // |z| < 0.9: (1 + erf z) / 2 (halving is exact, so fused or not this rounds once). Beyond: erfc(|z|) / 2 for
        // negative x, 1 - erfc(|z|) / 2 for positive x.
        TVec central = TS.MultiplyAdd(TS.Or(small, sign), half, half);
        TVec tail = TS.Multiply(complement, half);
        tail = TS.Select(TS.LessThan(x, TS.Zero), tail, TS.Subtract(TS.Broadcast(1f), tail));
        return TS.Select(TS.LessThan(a, TS.Broadcast(ErfSmall)), central, tail);
    }

    /// <summary>Where <see cref="ErfParts"/> switches from its erf polynomial to its erfc approximation.</summary>
    private const float ErfSmall = 0.9f;

    /// <summary>
    /// The two approximations behind <see cref="Erf"/> for <paramref name="a"/> = |x| (not negative) and
    /// <paramref name="s"/> = a^2 as the caller best computes it: returns
    /// erf(a) by <c>a + a * P(a^2)</c>, a degree-5 minimax polynomial fitted on a in [0, 0.9] (relative error 1.2e-8
    /// before rounding), and gives <paramref name="complement"/> = erfc(a) = <c>e^(-a^2) * t * R(t)</c> with
    /// <c>t = 1 / (1 + 0.6 a)</c> and R a degree-8 minimax polynomial fitted on a in [0.9, infinity) (relative error
    /// 1.3e-8 before rounding; in float about 1e-7 * (1 + a^2), from the rounding of a^2), and
    /// <paramref name="gaussian"/> = e^(-a^2). Both are computed for every lane; the caller picks by a &lt; 0.9.
    /// At a = infinity the complement is 0, at NaN both are NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ErfParts<TS, TVec>(TVec a, TVec s, out TVec complement, out TVec gaussian)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec p = TS.MultiplyAdd(s, TS.Broadcast(-0.00061112945f), TS.Broadcast(0.0050162286f));
        p = TS.MultiplyAdd(s, p, TS.Broadcast(-0.026781958f));
        p = TS.MultiplyAdd(s, p, TS.Broadcast(0.1128223f));
        p = TS.MultiplyAdd(s, p, TS.Broadcast(-0.37612534f));
        p = TS.MultiplyAdd(s, p, TS.Broadcast(0.12837915f)); // 2 / sqrt(pi) - 1
        TVec small = TS.MultiplyAdd(a, p, a);

        TVec one = TS.Broadcast(1f);
        TVec t = TS.Divide(one, TS.MultiplyAdd(a, TS.Broadcast(0.6f), one));
        TVec r = TS.MultiplyAdd(t, TS.Broadcast(-0.15700112f), TS.Broadcast(0.4460729f));
        r = TS.MultiplyAdd(t, r, TS.Broadcast(-0.36713123f));
        r = TS.MultiplyAdd(t, r, TS.Broadcast(-0.026025437f));
        r = TS.MultiplyAdd(t, r, TS.Broadcast(-0.008675079f));
        r = TS.MultiplyAdd(t, r, TS.Broadcast(0.15717469f));
        r = TS.MultiplyAdd(t, r, TS.Broadcast(0.27750823f));
        r = TS.MultiplyAdd(t, r, TS.Broadcast(0.33851516f));
        r = TS.MultiplyAdd(t, r, TS.Broadcast(0.33851373f)); // 0.6 / sqrt(pi): erfc(a) ~ e^(-a^2) / (a sqrt(pi))
        gaussian = TS.Exp(TS.Subtract(TS.Zero, s));
        complement = TS.Multiply(TS.Multiply(gaussian, t), r);
        return small;
    }
}

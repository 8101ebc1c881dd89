namespace StaticCnn.Kernels;

/// <summary>
/// The vector operations generated kernels are written against. Generated code is generic over an
/// implementation (<see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="Simd128"/>, <see cref="SimdScalar"/>)
/// and its vector type; the JIT specialises each kernel per implementation, folds <see cref="Count"/> into
/// constants and inlines every operation, so one generated source runs on AVX-512, AVX2, NEON and plain scalars.
/// </summary>
/// <typeparam name="TVec">The vector type, e.g. <c>Vector256&lt;float&gt;</c>, or <c>float</c> for scalar code.</typeparam>
public interface ISimd<TVec>
    where TVec : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>
    /// Vector registers the JIT can hold this width's vectors in (a JIT-time constant): 32 for Vector256 where AVX-512VL
    /// gives it ymm16-31 and for Vector512, else 16 (Vector128 keeps 16 on x64 so that the 16-register blocks run, and
    /// are tested, there; 32 on ARM64). Generated kernels pick bigger register blocks with 32.
    /// </summary>
    static abstract int Registers { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TVec Zero { get; }

    /// <summary>All lanes <paramref name="value"/>.</summary>
    static abstract TVec Broadcast(float value);

    /// <summary>Loads <see cref="Count"/> floats starting at <paramref name="source"/> (no alignment needed).</summary>
    static abstract TVec Load(ref float source);

    /// <summary>Stores <see cref="Count"/> floats starting at <paramref name="destination"/>.</summary>
    static abstract void Store(TVec value, ref float destination);

    /// <summary>Loads <see cref="Count"/> floats starting <paramref name="offset"/> floats after <paramref name="source"/>.</summary>
    static abstract TVec Load(ref float source, nint offset);

    /// <summary>Stores <see cref="Count"/> floats starting <paramref name="offset"/> floats after <paramref name="destination"/>.</summary>
    static abstract void Store(TVec value, ref float destination, nint offset);

    /// <summary>The float <paramref name="offset"/> floats after <paramref name="source"/> (a managed pointer step, no bounds check).</summary>
    static abstract ref float At(ref float source, nint offset);

    /// <summary><c>a * b + addend</c>, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec addend);

    /// <summary>Lane-wise sum.</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>Lane-wise difference.</summary>
    static abstract TVec Subtract(TVec a, TVec b);

    /// <summary>Lane-wise product.</summary>
    static abstract TVec Multiply(TVec a, TVec b);

    /// <summary>Lane-wise quotient.</summary>
    static abstract TVec Divide(TVec a, TVec b);

    /// <summary>Lane-wise maximum.</summary>
    static abstract TVec Max(TVec a, TVec b);

    /// <summary>Lane-wise absolute value.</summary>
    static abstract TVec Abs(TVec a);

    /// <summary>Lane-wise <c>e^x</c>.</summary>
    static abstract TVec Exp(TVec x);

    /// <summary>All-ones lanes where <c>a &gt; b</c>, zero lanes elsewhere.</summary>
    static abstract TVec GreaterThan(TVec a, TVec b);

    /// <summary>All-ones lanes where <c>a &lt; b</c>, zero lanes elsewhere.</summary>
    static abstract TVec LessThan(TVec a, TVec b);

    /// <summary>Lanes of <paramref name="whenTrue"/> where <paramref name="mask"/> is all ones, of <paramref name="whenFalse"/> elsewhere.</summary>
    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);

    /// <summary>
    /// Maxima of adjacent pairs of the lanes of <paramref name="a"/> followed by those of <paramref name="b"/>:
    /// lane i of the result is <c>max(x[2i], x[2i + 1])</c> where x is a then b (2x2 max pooling's horizontal
    /// step). NaN wins, as in <see cref="Max"/>.
    /// </summary>
    static abstract TVec MaxPairs(TVec a, TVec b);

    /// <summary>All-ones lanes where <c>a == b</c> (so never where either is NaN), zero lanes elsewhere.</summary>
    static abstract TVec Equal(TVec a, TVec b);

    /// <summary>All-ones lanes where <paramref name="a"/> is NaN, zero lanes elsewhere.</summary>
    static abstract TVec IsNaN(TVec a);

    /// <summary>Bitwise and: a mask applied to values keeps them where it is all ones and gives +0 elsewhere.</summary>
    static abstract TVec And(TVec a, TVec b);

    /// <summary>Bitwise or.</summary>
    static abstract TVec Or(TVec a, TVec b);

    /// <summary>Bitwise <c>a &amp; ~b</c>.</summary>
    static abstract TVec AndNot(TVec a, TVec b);

    /// <summary>The even lanes of a then b: lane i is <c>x[2i]</c> where x is a followed by b.</summary>
    static abstract TVec Evens(TVec a, TVec b);

    /// <summary>The odd lanes of a then b: lane i is <c>x[2i + 1]</c> where x is a followed by b.</summary>
    static abstract TVec Odds(TVec a, TVec b);

    /// <summary>The first half of the interleaving of a and b: <c>a0 b0 a1 b1 ...</c> (the inverse of <see cref="Evens"/> and <see cref="Odds"/>).</summary>
    static abstract TVec InterleaveLower(TVec a, TVec b);

    /// <summary>The second half of the interleaving of a and b: lanes from the middle of each on.</summary>
    static abstract TVec InterleaveUpper(TVec a, TVec b);

    /// <summary>Sum of all lanes.</summary>
    static abstract float Sum(TVec value);

    /// <summary>
    /// The largest lane, NaN if any lane is NaN (as <see cref="Max"/>, whose NaN wins). Which of two equal lanes, and
    /// so the sign of a zero maximum, is not specified.
    /// </summary>
    static abstract float MaxAcross(TVec value);

    /// <summary>
    /// Sum of all lanes, adding the upper half onto the lower one until a 128-bit vector is left: a few
    /// instructions where <see cref="Sum"/> may take dozens, in a different rounding order.
    /// </summary>
    static abstract float SumHalves(TVec value);
}

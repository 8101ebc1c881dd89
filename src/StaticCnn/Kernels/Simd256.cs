using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>AVX2 kernels: 8 floats per vector.</summary>
public readonly struct Simd256 : ISimd<Vector256<float>>
{
    /// <inheritdoc/>
    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256<float>.Count;
    }

    /// <inheritdoc/>
    public static int Registers
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx512F.VL.IsSupported ? 32 : 16;
    }

    /// <inheritdoc/>
    public static Vector256<float> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256<float>.Zero;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nint offset) => Vector256.LoadUnsafe(ref Unsafe.Add(ref source, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(ref float source, nint offset) => ref Unsafe.Add(ref source, offset);

    /// <summary>a * b + addend, fused where the target has FMA; otherwise unfused (see <see cref="Simd128.MultiplyAdd"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, addend) : (a * b) + addend;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x) => Vector256.Exp(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> whenTrue, Vector256<float> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxPairs(Vector256<float> a, Vector256<float> b)
    {
        if (Avx2.IsSupported)
        {
            // Per 128-bit half: evens and odds of a and b, [a0 a2 b0 b2 | a4 a6 b4 b6]; their maxima are in the
            // order [ab-pairs 0-1 of a, 0-1 of b | 2-3 of a, 2-3 of b], which one 64-bit permute puts right.
            Vector256<float> pairs = Vector256.Max(Avx.Shuffle(a, b, 0b10_00_10_00), Avx.Shuffle(a, b, 0b11_01_11_01));
            return Avx2.Permute4x64(pairs.AsDouble(), 0b11_01_10_00).AsSingle();
        }

        return Vector256.Create(Vector128.Max(Pairs(a.GetLower(), a.GetUpper(), even: true), Pairs(a.GetLower(), a.GetUpper(), even: false)),
            Vector128.Max(Pairs(b.GetLower(), b.GetUpper(), even: true), Pairs(b.GetLower(), b.GetUpper(), even: false)));
    }

    private static Vector128<float> Pairs(Vector128<float> low, Vector128<float> high, bool even)
    {
        int o = even ? 0 : 1;
        return Vector128.Create(low.GetElement(o), low.GetElement(2 + o), high.GetElement(o), high.GetElement(2 + o));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Equal(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> IsNaN(Vector256<float> a) => ~Vector256.Equals(a, a);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Or(Vector256<float> a, Vector256<float> b) => a | b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> AndNot(Vector256<float> a, Vector256<float> b) => Vector256.AndNot(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Evens(Vector256<float> a, Vector256<float> b) => Avx2.IsSupported
        ? Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle()
        : Vector256.Create(Simd128.Evens(a.GetLower(), a.GetUpper()), Simd128.Evens(b.GetLower(), b.GetUpper()));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Odds(Vector256<float> a, Vector256<float> b) => Avx2.IsSupported
        ? Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle()
        : Vector256.Create(Simd128.Odds(a.GetLower(), a.GetUpper()), Simd128.Odds(b.GetLower(), b.GetUpper()));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> InterleaveLower(Vector256<float> a, Vector256<float> b) => Avx.IsSupported
        ? Avx.Permute2x128(Avx.UnpackLow(a, b), Avx.UnpackHigh(a, b), 0x20)
        : Vector256.Create(Simd128.InterleaveLower(a.GetLower(), b.GetLower()), Simd128.InterleaveUpper(a.GetLower(), b.GetLower()));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> InterleaveUpper(Vector256<float> a, Vector256<float> b) => Avx.IsSupported
        ? Avx.Permute2x128(Avx.UnpackLow(a, b), Avx.UnpackHigh(a, b), 0x31)
        : Vector256.Create(Simd128.InterleaveLower(a.GetUpper(), b.GetUpper()), Simd128.InterleaveUpper(a.GetUpper(), b.GetUpper()));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumHalves(Vector256<float> value) => Vector128.Sum(value.GetLower() + value.GetUpper());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector256<float> value) => Simd128.MaxAcross(Vector128.Max(value.GetLower(), value.GetUpper()));
}

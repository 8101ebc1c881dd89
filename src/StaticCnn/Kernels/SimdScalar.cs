using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>Plain scalar kernels, one float per "vector": the fallback that runs everywhere.</summary>
public readonly struct SimdScalar : ISimd<float>
{
    private static readonly float AllOnes = BitConverter.Int32BitsToSingle(-1);

    /// <inheritdoc/>
    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 1;
    }

    /// <inheritdoc/>
    public static int Registers
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 16;
    }

    /// <inheritdoc/>
    public static float Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 0f;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source) => source;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination) => destination = value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nint offset) => Unsafe.Add(ref source, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float At(ref float source, nint offset) => ref Unsafe.Add(ref source, offset);

    /// <summary>
    /// a * b + addend, fused exactly where the vector kernels' MultiplyAdd is (x64 FMA3, ARM64): a vector loop's scalar
    /// tail then rounds as its vectors do, so that one value comes out the same whichever loop computes it (a folded
    /// BatchNorm's epilogue against the BatchNorm layer's own pass). Unfused elsewhere, as the vectors are.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float addend) =>
        Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? MathF.FusedMultiplyAdd(a, b, addend) : (a * b) + addend;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float a, float b) => a / b;

    /// <inheritdoc/>
    /// <remarks>
    /// a if it is NaN or greater, else b (b on ties and when b alone is NaN). On x64 without a branch (<c>maxss</c>
    /// gives a &gt; b ? a : b, a NaN a is blended back in): the branches mispredicted on real data, costing max
    /// pooling's scalar windows about as much as the comparisons themselves.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b)
    {
        if (Sse41.IsSupported)
        {
            Vector128<float> va = Vector128.CreateScalarUnsafe(a);
            Vector128<float> larger = Sse.MaxScalar(va, Vector128.CreateScalarUnsafe(b));
            return Sse41.BlendVariable(larger, va, Sse.CompareScalarUnordered(va, va)).ToScalar();
        }

        return a > b ? a : (b > a ? b : (float.IsNaN(a) ? a : b));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float a) => MathF.Abs(a);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => MathF.Exp(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GreaterThan(float a, float b) => a > b ? AllOnes : 0f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LessThan(float a, float b) => a < b ? AllOnes : 0f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Select(float mask, float whenTrue, float whenFalse) =>
        BitConverter.SingleToInt32Bits(mask) != 0 ? whenTrue : whenFalse;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxPairs(float a, float b) => Max(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Equal(float a, float b) => Mask(a == b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float IsNaN(float a) => Mask(float.IsNaN(a));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float And(float a, float b) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & BitConverter.SingleToInt32Bits(b));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Or(float a, float b) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) | BitConverter.SingleToInt32Bits(b));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float AndNot(float a, float b) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & ~BitConverter.SingleToInt32Bits(b));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Evens(float a, float b) => a;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Odds(float a, float b) => b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float InterleaveLower(float a, float b) => a;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float InterleaveUpper(float a, float b) => b;

    /// <summary>All ones or zero from a comparison, without a branch: its 0 or 1, negated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Mask(bool condition) => BitConverter.Int32BitsToSingle(-Unsafe.BitCast<bool, byte>(condition));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumHalves(float value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(float value) => value;
}

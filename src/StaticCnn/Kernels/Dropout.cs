using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Dropout's random mask from a counter-based hash instead of a random-number stream: whether element i of a sample
/// is kept depends only on (seed, step, layer, sample, i) and p, so every vector width, every thread and every
/// batch split draws the same mask, and backward can draw it again instead of keeping it.
/// </summary>
public static class Dropout
{
    /// <summary>2^-24: turns the top 24 bits of a hash into a float in [0, 1) exactly.</summary>
    private const float Unit = 1f / 16777216f;

    /// <summary>The "lowbias32" integer hash (Chris Wellons' hash-prospector): <c>x ^= x &gt;&gt; 16; x *= 0x7feb352d; x ^= x &gt;&gt; 15; x *= 0x846ca68b; x ^= x &gt;&gt; 16</c>.</summary>
    /// <param name="x">The value to hash.</param>
    /// <returns>The hash.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352dU;
        x ^= x >> 15;
        x *= 0x846ca68bU;
        x ^= x >> 16;
        return x;
    }

    /// <summary>
    /// The key of one sample's mask in one dropout layer at one training step:
    /// <c>Mix(Mix(Mix(Mix(Mix(seed) ^ low(step)) ^ high(step)) ^ layer) ^ sample)</c>.
    /// </summary>
    /// <param name="seed">The training run's seed.</param>
    /// <param name="step">The optimiser step (the batch's number).</param>
    /// <param name="layer">The dropout layer's index in the network.</param>
    /// <param name="sample">The sample's index in the batch.</param>
    /// <returns>The key for <see cref="Keeps"/> and <see cref="Mask(ref float, int, uint, float)"/>.</returns>
    public static uint Key(int seed, long step, int layer, int sample) =>
        Mix(Mix(Mix(Mix(Mix((uint)seed) ^ (uint)step) ^ (uint)(step >> 32)) ^ (uint)layer) ^ (uint)sample);

    /// <summary>
    /// Whether element <paramref name="element"/> is kept: <c>u = (Mix(key + element) &gt;&gt; 8) * 2^-24</c>, uniform
    /// on the multiples of 2^-24 in [0, 1), is at least <paramref name="p"/>.
    /// </summary>
    /// <param name="key">The sample's key (<see cref="Key"/>).</param>
    /// <param name="element">The element's index in the sample.</param>
    /// <param name="p">The probability of dropping an element, in [0, 1).</param>
    /// <returns>True where the element is kept.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Keeps(uint key, int element, float p) => (Mix(key + (uint)element) >> 8) * Unit >= p;

    /// <summary>
    /// <c>mask[i] = Keeps(key, i, p) ? 1 / (1 - p) : 0</c> for i below <paramref name="length"/>, with the widest
    /// integer vectors this machine accelerates (the result is the same at every width).
    /// </summary>
    /// <param name="mask">The mask to write, <paramref name="length"/> floats.</param>
    /// <param name="length">Elements in the sample.</param>
    /// <param name="key">The sample's key (<see cref="Key"/>).</param>
    /// <param name="p">The probability of dropping an element, in [0, 1).</param>
    public static void Mask(ref float mask, int length, uint key, float p) => Mask(ref mask, length, key, p, SimdSupport.Widest);

    /// <summary>
    /// <see cref="Mask(ref float, int, uint, float)"/> with <paramref name="width"/>'s vectors: the same mask, bit for
    /// bit, at every width. A width the machine does not accelerate still runs (in software, slowly), which lets
    /// tests check every path anywhere.
    /// </summary>
    /// <param name="mask">The mask to write, <paramref name="length"/> floats.</param>
    /// <param name="length">Elements in the sample.</param>
    /// <param name="key">The sample's key (<see cref="Key"/>).</param>
    /// <param name="p">The probability of dropping an element, in [0, 1).</param>
    /// <param name="width">The vector width to compute with.</param>
    public static void Mask(ref float mask, int length, uint key, float p, SimdWidth width)
    {
        float keep = 1f / (1f - p);
        int i = 0;
        switch (width)
        {
            case SimdWidth.Vector512:
                i = Mask512(ref mask, length, key, p, keep);
                break;
            case SimdWidth.Vector256:
                i = Mask256(ref mask, length, key, p, keep);
                break;
            case SimdWidth.Vector128:
                i = Mask128(ref mask, length, key, p, keep);
                break;
            case SimdWidth.Scalar:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(width), width, "Expected Scalar, Vector128, Vector256 or Vector512.");
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref mask, i) = Keeps(key, i, p) ? keep : 0f;
        }
    }

    /// <summary>
    /// <c>y = x * mask</c> (NaN * 0 stays NaN, as in PyTorch); the backward is the same call on the output gradient.
    /// <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The input (or the output gradient).</param>
    /// <param name="mask">The mask from <see cref="Mask(ref float, int, uint, float)"/>.</param>
    /// <param name="y">The output (or the input gradient).</param>
    /// <param name="length">Elements.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<TS, TVec>(ref float x, ref float mask, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(TS.Multiply(TS.Load(ref x, i), TS.Load(ref mask, i)), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = Unsafe.Add(ref x, i) * Unsafe.Add(ref mask, i);
        }
    }

    // The vector paths: Mix lane-wise on key + (i, i + 1, ...), the top 24 bits converted to float exactly (they
    // are below 2^24) and scaled by 2^-24 exactly, then the same float comparison as Keeps. Each returns where the
    // scalar tail starts.
    private static int Mask128(ref float mask, int length, uint key, float p, float keep)
    {
        Vector128<uint> index = Vector128<uint>.Indices + Vector128.Create(key);
        Vector128<uint> step = Vector128.Create((uint)Vector128<uint>.Count);
        Vector128<float> threshold = Vector128.Create(p), kept = Vector128.Create(keep), unit = Vector128.Create(Unit);
        int i = 0;
        for (; i <= length - Vector128<uint>.Count; i += Vector128<uint>.Count)
        {
            Vector128<uint> h = index;
            h ^= Vector128.ShiftRightLogical(h, 16);
            h *= 0x7feb352dU;
            h ^= Vector128.ShiftRightLogical(h, 15);
            h *= 0x846ca68bU;
            h ^= Vector128.ShiftRightLogical(h, 16);
            Vector128<float> u = Vector128.ConvertToSingle(Vector128.ShiftRightLogical(h, 8).AsInt32()) * unit;
            (Vector128.GreaterThanOrEqual(u, threshold) & kept).StoreUnsafe(ref mask, (nuint)i);
            index += step;
        }

        return i;
    }

    private static int Mask256(ref float mask, int length, uint key, float p, float keep)
    {
        Vector256<uint> index = Vector256<uint>.Indices + Vector256.Create(key);
        Vector256<uint> step = Vector256.Create((uint)Vector256<uint>.Count);
        Vector256<float> threshold = Vector256.Create(p), kept = Vector256.Create(keep), unit = Vector256.Create(Unit);
        int i = 0;
        for (; i <= length - Vector256<uint>.Count; i += Vector256<uint>.Count)
        {
            Vector256<uint> h = index;
            h ^= Vector256.ShiftRightLogical(h, 16);
            h *= 0x7feb352dU;
            h ^= Vector256.ShiftRightLogical(h, 15);
            h *= 0x846ca68bU;
            h ^= Vector256.ShiftRightLogical(h, 16);
            Vector256<float> u = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(h, 8).AsInt32()) * unit;
            (Vector256.GreaterThanOrEqual(u, threshold) & kept).StoreUnsafe(ref mask, (nuint)i);
            index += step;
        }

        return i;
    }

    private static int Mask512(ref float mask, int length, uint key, float p, float keep)
    {
        Vector512<uint> index = Vector512<uint>.Indices + Vector512.Create(key);
        Vector512<uint> step = Vector512.Create((uint)Vector512<uint>.Count);
        Vector512<float> threshold = Vector512.Create(p), kept = Vector512.Create(keep), unit = Vector512.Create(Unit);
        int i = 0;
        for (; i <= length - Vector512<uint>.Count; i += Vector512<uint>.Count)
        {
            Vector512<uint> h = index;
            h ^= Vector512.ShiftRightLogical(h, 16);
            h *= 0x7feb352dU;
            h ^= Vector512.ShiftRightLogical(h, 15);
            h *= 0x846ca68bU;
            h ^= Vector512.ShiftRightLogical(h, 16);
            Vector512<float> u = Vector512.ConvertToSingle(Vector512.ShiftRightLogical(h, 8).AsInt32()) * unit;
            (Vector512.GreaterThanOrEqual(u, threshold) & kept).StoreUnsafe(ref mask, (nuint)i);
            index += step;
        }

        return i;
    }
}

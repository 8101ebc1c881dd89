using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using StaticCnn.Kernels;

namespace StaticCnn.Tests.Kernels;

/// <summary>A call of a generic kernel, made at the width <see cref="KernelWidths.Run"/> picks.</summary>
internal interface IKernelCall
{
    void Run<TS, TV>()
        where TS : struct, ISimd<TV>
        where TV : struct;
}

/// <summary>
/// The widths the kernel tests run: every width this machine accelerates, and Vector512 also where it is not (the
/// runtime then computes it in software, slowly but with the same semantics), so that the 16-lane loops and tails
/// are checked on every machine.
/// </summary>
internal static class KernelWidths
{
    public static SimdWidth[] All { get; } = SimdSupport.SupportedWidths().Append(SimdWidth.Vector512).Distinct().ToArray();

    public static IEnumerable<object[]> Data() => All.Select(w => new object[] { w });

    /// <summary>Calls <paramref name="call"/> with the implementation and vector type of <paramref name="width"/>.</summary>
    public static void Run<T>(SimdWidth width, T call)
        where T : IKernelCall
    {
        switch (width)
        {
            case SimdWidth.Scalar:
                call.Run<SimdScalar, float>();
                break;
            case SimdWidth.Vector128:
                call.Run<Simd128, Vector128<float>>();
                break;
            case SimdWidth.Vector256:
                call.Run<Simd256, Vector256<float>>();
                break;
            case SimdWidth.Vector512:
                call.Run<Simd512, Vector512<float>>();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(width));
        }
    }

    /// <summary>Floats guarding a buffer on both sides: NaN on inputs (a read outside the range spoils the result), a sentinel on outputs.</summary>
    public const int Guard = 19;

    /// <summary>A copy of <paramref name="values"/> with <see cref="Guard"/> floats of <paramref name="fill"/> on both sides.</summary>
    public static float[] Guarded(float[] values, float fill)
    {
        float[] buffer = Enumerable.Repeat(fill, values.Length + (2 * Guard)).ToArray();
        values.CopyTo(buffer, Guard);
        return buffer;
    }

    /// <summary>The range inside a buffer from <see cref="Guarded"/>.</summary>
    public static float[] Inside(float[] buffer) => buffer.AsSpan(Guard, buffer.Length - (2 * Guard)).ToArray();

    /// <summary>Whether both guards of <paramref name="buffer"/> still hold <paramref name="fill"/> bit for bit.</summary>
    public static bool GuardsIntact(float[] buffer, float fill)
    {
        int bits = BitConverter.SingleToInt32Bits(fill);
        for (int i = 0; i < Guard; i++)
        {
            if (BitConverter.SingleToInt32Bits(buffer[i]) != bits || BitConverter.SingleToInt32Bits(buffer[buffer.Length - 1 - i]) != bits)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>: NaN
    /// only for NaN, an infinity only for the same infinity.
    /// </summary>
    public static bool Close(double expected, float actual, double tolerance)
    {
        if (double.IsNaN(expected) || float.IsNaN(actual))
        {
            return double.IsNaN(expected) && float.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || float.IsInfinity(actual))
        {
            return expected == actual;
        }

        return Math.Abs(actual - expected) <= tolerance;
    }

    /// <summary>Equal bit for bit, or both NaN.</summary>
    public static bool Same(float a, float b) =>
        BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));
}

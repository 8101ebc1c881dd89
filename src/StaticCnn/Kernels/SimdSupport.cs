using System;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Which <see cref="SimdWidth"/> this machine runs, and the default generated networks start with.
/// The environment variable <c>STATICCNN_MAX_SIMD_WIDTH</c> (<c>scalar</c>, <c>128</c>, <c>256</c> or
/// <c>512</c>) caps the default, so that a whole process can be forced onto a narrower code path.
/// </summary>
public static class SimdSupport
{
    /// <summary>Name of the environment variable that caps <see cref="Default"/>.</summary>
    public const string MaxWidthVariable = "STATICCNN_MAX_SIMD_WIDTH";

    /// <summary>The widest width that is hardware-accelerated here.</summary>
    public static SimdWidth Widest { get; } = ComputeWidest();

    /// <summary>
    /// The width new networks use: the widest accelerated one, capped by <c>STATICCNN_MAX_SIMD_WIDTH</c>.
    /// </summary>
    public static SimdWidth Default { get; } = ComputeDefault(Environment.GetEnvironmentVariable(MaxWidthVariable));

    /// <summary>Whether <paramref name="width"/> is hardware-accelerated on this machine (scalar always is).</summary>
    public static bool IsSupported(SimdWidth width) => width switch
    {
        SimdWidth.Scalar => true,
        SimdWidth.Vector128 => Vector128.IsHardwareAccelerated,
        SimdWidth.Vector256 => Vector256.IsHardwareAccelerated,
        SimdWidth.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>Every width this machine can run, narrowest first.</summary>
    public static SimdWidth[] SupportedWidths()
    {
        var all = new[] { SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512 };
        return Array.FindAll(all, IsSupported);
    }

    /// <summary>Throws <see cref="NotSupportedException"/> unless <paramref name="width"/> runs here.</summary>
    public static void EnsureSupported(SimdWidth width)
    {
        if (!Enum.IsDefined(width))
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "Expected Scalar, Vector128, Vector256 or Vector512.");
        }

        if (!IsSupported(width))
        {
            throw new NotSupportedException($"{width} is not hardware-accelerated on this machine; the widest that is is {Widest}.");
        }
    }

    private static SimdWidth ComputeWidest() =>
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256
        : Vector128.IsHardwareAccelerated ? SimdWidth.Vector128
        : SimdWidth.Scalar;

    internal static SimdWidth ComputeDefault(string? cap)
    {
        SimdWidth widest = ComputeWidest();
        SimdWidth limit = cap?.Trim().ToLowerInvariant() switch
        {
            null or "" => SimdWidth.Vector512,
            "scalar" or "1" or "32" => SimdWidth.Scalar,
            "128" or "vector128" => SimdWidth.Vector128,
            "256" or "vector256" => SimdWidth.Vector256,
            "512" or "vector512" => SimdWidth.Vector512,
            _ => throw new InvalidOperationException(
                $"{MaxWidthVariable}='{cap}' is not a SIMD width: expected scalar, 128, 256 or 512."),
        };
        return (SimdWidth)Math.Min((int)widest, (int)limit);
    }
}

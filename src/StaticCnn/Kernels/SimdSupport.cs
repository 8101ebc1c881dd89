using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    // Declared before Default, whose initializer reads it (static initializers run in declaration order).
    /// <summary>
    /// True on AMD Zen 4 (family 19h with AVX-512): it executes each 512-bit operation as two 256-bit halves, so
    /// Vector512 reaches the same FMA peak as Vector256 (measured: 118 GFLOP/s both, one core) while its 16-lane
    /// blocks waste more lanes on small maps (LeNet-5 forward 14.9 vs 12.7 us). Intel's AVX-512 cores and Zen 5
    /// have full-width units and keep Vector512.
    /// </summary>
    public static bool Vector512IsDoublePumped { get; } = IsZen4();

    /// <summary>
    /// The width new networks use: the widest accelerated one, except Vector256 where 512-bit vectors have no
    /// more FMA throughput than 256-bit ones (<see cref="Vector512IsDoublePumped"/>); capped by
    /// <c>STATICCNN_MAX_SIMD_WIDTH</c>. <see cref="INetwork.VectorWidth"/> still selects any supported width.
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

    private static bool IsZen4()
    {
        if (!X86Base.IsSupported || !Vector512.IsHardwareAccelerated)
        {
            return false;
        }

        // Leaf 0: the vendor string "AuthenticAMD" in ebx, edx, ecx; leaf 1: family = base + extended when base is 0xF.
        (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        bool amd = ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163;
        int eax = X86Base.CpuId(1, 0).Eax;
        int family = ((eax >> 8) & 0xF) == 0xF ? 0xF + ((eax >> 20) & 0xFF) : (eax >> 8) & 0xF;
        return amd && family == 0x19;
    }

    internal static SimdWidth ComputeDefault(string? cap)
    {
        SimdWidth widest = ComputeWidest();
        if (widest == SimdWidth.Vector512 && Vector512IsDoublePumped)
        {
            widest = SimdWidth.Vector256;
        }

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

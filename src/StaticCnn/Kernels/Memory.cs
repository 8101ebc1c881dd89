using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>Block copies and clears over managed references, for generated code.</summary>
public static class Memory
{
    /// <summary>Copies <paramref name="length"/> floats (the ranges must not overlap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ref float source, ref float destination, int length) =>
        Unsafe.CopyBlockUnaligned(
            ref Unsafe.As<float, byte>(ref destination),
            ref Unsafe.As<float, byte>(ref source),
            (uint)length * sizeof(float));

    /// <summary>Sets <paramref name="length"/> floats to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(ref float destination, int length) =>
        Unsafe.InitBlockUnaligned(ref Unsafe.As<float, byte>(ref destination), 0, (uint)length * sizeof(float));
}

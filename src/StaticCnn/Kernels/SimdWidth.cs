namespace StaticCnn.Kernels;

/// <summary>The SIMD register widths generated kernels can run with; the value is the number of floats per vector.</summary>
public enum SimdWidth
{
    /// <summary>One float at a time, no SIMD: runs everywhere.</summary>
    Scalar = 1,

    /// <summary>128-bit vectors (SSE on x64, NEON on ARM64).</summary>
    Vector128 = 4,

    /// <summary>256-bit vectors (AVX2 and FMA on x64).</summary>
    Vector256 = 8,

    /// <summary>512-bit vectors (AVX-512 on x64).</summary>
    Vector512 = 16,
}

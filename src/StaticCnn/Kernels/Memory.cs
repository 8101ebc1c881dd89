using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticCnn.Kernels;

/// <summary>Block copies and clears over managed references, for generated code, and the networks' aligned arrays.</summary>
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

    /// <summary>
    /// A zeroed array on the pinned object heap whose first float is 64-byte aligned where the heap allows it: the
    /// generator places every buffer of a network's arrays at a multiple of 16 floats, which is a cache line only if
    /// the array's data starts on one, and a managed array's data starts 16 bytes into its object (large arrays landed
    /// 8 or 24 bytes past a 32-byte boundary, so that every other 256-bit load split two cache lines: MobileNetV1-0.25
    /// ran 5-6% slower, ResNet-8 4%, the autoencoder 5%). The pinned heap places a new object right after the last one
    /// at its end, so a small pinned spacer, sized from where the next object will begin (after an empty probe, or
    /// after the array that just missed), moves the array onto a boundary; pinned, it never moves. Up to four tries,
    /// then the array as it fell: alignment changes speed, never results. Best effort: in a heap with many holes (a
    /// test run that makes and drops thousands of networks) about half the arrays land aligned.
    /// </summary>
    /// <param name="length">Floats.</param>
    public static float[] AllocateAligned(int length)
    {
        const int Line = 64;
        const int Header = 24; // an array object: header, method table and length before the data
        float[] array = [];
        for (int attempt = 0; attempt < 4; attempt++)
        {
            // Where the next object's data will begin: after a fresh empty probe (first and third tries), or after the
            // array that just missed (the pinned heap may have placed it apart from the probe).
            long next;
            if (attempt % 2 == 0)
            {
                float[] probe = GC.AllocateArray<float>(0, pinned: true);
                next = DataAddress(probe) + Header;
            }
            else
            {
                next = DataAddress(array) + ((Header + (4L * array.Length) + 7) / 8 * 8);
            }

            int spacerBytes = (int)((Line - (next % Line)) % Line);
            while (spacerBytes < Header)
            {
                spacerBytes += Line;
            }

            float[] spacer = GC.AllocateArray<float>((spacerBytes - Header) / sizeof(float), pinned: true);
            array = GC.AllocateArray<float>(length, pinned: true);
            GC.KeepAlive(spacer);
            if (DataAddress(array) % Line == 0)
            {
                break;
            }
        }

        return array;
    }

    private static long DataAddress(float[] array)
    {
        GCHandle handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            return (long)handle.AddrOfPinnedObject();
        }
        finally
        {
            handle.Free();
        }
    }
}

using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;

namespace FashionMnist;

/// <summary>
/// The simplest weights file: every parameter as a little-endian float32, in <c>INetwork.Parameters</c> order
/// (PyTorch's layout), no header. <c>numpy.fromfile(path, '&lt;f4')</c> reads it back.
/// </summary>
internal static class WeightsFile
{
    public static void Save(string path, ReadOnlySpan<float> parameters)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        if (BitConverter.IsLittleEndian)
        {
            file.Write(MemoryMarshal.AsBytes(parameters));
            return;
        }

        Span<byte> buffer = stackalloc byte[4];
        foreach (float value in parameters)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
            file.Write(buffer);
        }
    }
}

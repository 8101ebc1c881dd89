using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace StaticCnn;

/// <summary>The element types StaticCnn reads from a safetensors file; F32 is read as is, the others converted.</summary>
internal enum SafeTensorsDType
{
    F32,
    F16,
    BF16,
    F64,

    /// <summary>int64: only PyTorch's num_batches_tracked buffer.</summary>
    I64,

    /// <summary>int32: only a num_batches_tracked buffer.</summary>
    I32,
}

/// <summary>Element sizes, names and conversion to float32 (all little-endian, as the format prescribes).</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>
    /// The dtype names of the safetensors format that StaticCnn does not load as floats (integers, booleans, 8-bit floats);
    /// I64 and I32 are loaded only for a BatchNorm's num_batches_tracked (see <see cref="IsInteger"/>).
    /// </summary>
    private static readonly string[] Unsupported =
        ["BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"];

    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        switch (name)
        {
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F16": dtype = SafeTensorsDType.F16; return true;
            case "BF16": dtype = SafeTensorsDType.BF16; return true;
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            case "I32": dtype = SafeTensorsDType.I32; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Whether <paramref name="dtype"/> is an integer type (only a batch counter may use one).</summary>
    public static bool IsInteger(SafeTensorsDType dtype) => dtype is SafeTensorsDType.I64 or SafeTensorsDType.I32;

    public static string Explain(string name) =>
        Array.IndexOf(Unsupported, name) >= 0
            ? $"dtype '{name}' cannot hold learnable parameters for StaticCnn; it loads F32 and converts F16, BF16 and F64"
            : $"dtype '{name}' is not a safetensors dtype StaticCnn knows; it loads F32 and converts F16, BF16 and F64";

    public static int Size(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F16 => 2,
        SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 => 4,
        _ => 8,
    };

    /// <summary>Converts <paramref name="raw"/> (exactly destination.Length elements of <paramref name="dtype"/>) to float32.</summary>
    public static void ToSingle(SafeTensorsDType dtype, ReadOnlySpan<byte> raw, Span<float> destination)
    {
        if (raw.Length != checked(destination.Length * Size(dtype)))
        {
            throw new ArgumentException($"{raw.Length} bytes are not {destination.Length} {dtype} elements.", nameof(raw));
        }

        switch (dtype)
        {
            case SafeTensorsDType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                break;
            case SafeTensorsDType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4));
                }

                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.Slice(i * 2));
                }

                break;
            case SafeTensorsDType.BF16:
                // bfloat16 is the high half of a float32: widening is exact.
                for (int i = 0; i < destination.Length; i++)
                {
                    uint bits = (uint)BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(i * 2)) << 16;
                    destination[i] = BitConverter.UInt32BitsToSingle(bits);
                }

                break;
            case SafeTensorsDType.I64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * 8));
                }

                break;
            case SafeTensorsDType.I32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4));
                }

                break;
            default:
                // Rounded to the nearest float32, as PyTorch's tensor.float() does.
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8));
                }

                break;
        }
    }

    /// <summary>Writes <paramref name="values"/> as little-endian float32.</summary>
    public static void FromSingle(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * 4), values[i]);
        }
    }
}

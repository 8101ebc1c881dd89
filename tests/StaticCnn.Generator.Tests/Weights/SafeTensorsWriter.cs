using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace StaticCnn.Generator.Tests.Weights;

/// <summary>
/// Writes safetensors files for the tests, straight from the format's definition (independent of the generator's
/// reader): 8-byte little-endian header length, JSON header padded with spaces, then the tensors' bytes.
/// </summary>
internal static class SafeTensorsWriter
{
    public sealed record Tensor(string Name, string DType, long[] Shape, byte[] Data);

    public static Tensor F32(string name, long[] shape, Func<int, float> value)
    {
        int count = (int)shape.Aggregate(1L, (a, b) => a * b);
        var data = new byte[count * 4];
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(data.AsSpan(i * 4), value(i));
        }

        return new Tensor(name, "F32", shape, data);
    }

    /// <summary>A scalar (shape []) int64, as PyTorch saves a BatchNorm's num_batches_tracked.</summary>
    public static Tensor I64(string name, long value) => new(name, "I64", [], BitConverter.GetBytes(value));

    public static byte[] Bytes(IEnumerable<Tensor> tensors, Func<long, long, (long Begin, long End)>? offsets = null)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new MemoryStream();
        foreach (Tensor tensor in tensors)
        {
            (long begin, long end) = (offsets ?? ((b, e) => (b, e)))(data.Length, data.Length + tensor.Data.Length);
            header.Append($",\"{tensor.Name}\":{{\"dtype\":\"{tensor.DType}\",\"shape\":[{string.Join(",", tensor.Shape)}],\"data_offsets\":[{begin},{end}]}}");
            data.Write(tensor.Data);
        }

        header.Append('}');
        while (header.Length % 8 != 0)
        {
            header.Append(' ');
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        var file = new MemoryStream();
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.Write(data.ToArray());
        return file.ToArray();
    }
}

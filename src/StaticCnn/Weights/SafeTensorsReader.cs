using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace StaticCnn;

/// <summary>Which bytes of the data section go to which parameter tensor, and how to convert them.</summary>
internal readonly record struct SafeTensorsCopy(ParameterTensor Target, SafeTensorsDType DType, long Begin, long End);

/// <summary>
/// The checks that stand between a safetensors file and a network's parameters: the size prefix against the file
/// length, every entry's offsets against its dtype and shape and against the data section (no overlap, no gap, no
/// byte past the end, none left over), then every name, dtype and shape against the network.
/// </summary>
internal static class SafeTensorsReader
{
    /// <summary>Reads and checks the 8-byte little-endian header length against the total length.</summary>
    public static int HeaderLength(ReadOnlySpan<byte> prefix, long totalLength, string source)
    {
        if (totalLength < 8)
        {
            throw SafeTensorsHeader.Bad(source,
                $"it is {SafeTensorsHeader.Bytes(totalLength)} long, shorter than the 8-byte header length every safetensors file starts with (truncated?)");
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > SafeTensorsHeader.MaxLength)
        {
            throw SafeTensorsHeader.Bad(source,
                $"it claims a header of {length:N0} bytes, more than the format's limit of {SafeTensorsHeader.MaxLength:N0} (not a safetensors file?)");
        }

        if ((long)length > totalLength - 8)
        {
            throw SafeTensorsHeader.Bad(source,
                $"it claims a header of {SafeTensorsHeader.Bytes((long)length)}, but only {SafeTensorsHeader.Bytes(totalLength - 8)} follow the length prefix (truncated?)");
        }

        if (length < 2)
        {
            throw SafeTensorsHeader.Bad(source, $"it claims a header of {SafeTensorsHeader.Bytes((long)length)}, too short for a JSON object");
        }

        return (int)length;
    }

    /// <summary>
    /// Checks the entries against the data section of <paramref name="dataLength"/> bytes and against
    /// <paramref name="network"/>, and returns one copy per parameter tensor, in parameter order.
    /// </summary>
    public static SafeTensorsCopy[] Plan(INetwork network, SafeTensorsHeader header, long dataLength, string source)
    {
        CheckOffsets(header.Entries, dataLength, source);
        return Match(network, header.Entries, source);
    }

    private static void CheckOffsets(List<SafeTensorsEntry> entries, long dataLength, string source)
    {
        foreach (SafeTensorsEntry e in entries)
        {
            if (e.End < e.Begin)
            {
                throw SafeTensorsHeader.Bad(source, $"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}], which end before they begin");
            }

            if (e.End > dataLength)
            {
                throw SafeTensorsHeader.Bad(source,
                    $"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}], past the end of the {SafeTensorsHeader.Bytes(dataLength)} of data after the header (truncated?)");
            }

            long? needed = ByteLength(e);
            if (needed is long bytes && bytes != e.End - e.Begin)
            {
                throw SafeTensorsHeader.Bad(source,
                    $"tensor '{e.Name}' ({e.DType} {e.ShapeText}) needs {SafeTensorsHeader.Bytes(bytes)}, but its data_offsets [{e.Begin}, {e.End}] hold {SafeTensorsHeader.Bytes(e.End - e.Begin)}");
            }
        }

        // Every data byte belongs to exactly one tensor: sorted by offset, each begins where the previous ended.
        SafeTensorsEntry[] sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToArray();
        long position = 0;
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry e in sorted)
        {
            if (e.Begin < position && previous is not null)
            {
                throw SafeTensorsHeader.Bad(source,
                    $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}] and '{e.Name}' [{e.Begin}, {e.End}] overlap");
            }

            if (e.Begin > position)
            {
                throw SafeTensorsHeader.Bad(source,
                    $"data bytes [{position}, {e.Begin}) before tensor '{e.Name}' belong to no tensor");
            }

            position = e.End;
            previous = e;
        }

        if (position != dataLength)
        {
            throw SafeTensorsHeader.Bad(source,
                $"the file is larger than its header claims: the tensors end at data byte {position:N0}, but {SafeTensorsHeader.Bytes(dataLength)} follow the header");
        }
    }

    private static SafeTensorsCopy[] Match(INetwork network, List<SafeTensorsEntry> entries, string source)
    {
        IReadOnlyList<ParameterTensor> expected = ParameterTensors.Of(network);
        var byName = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry e in entries)
        {
            byName.Add(e.Name, e);
        }

        var wanted = new HashSet<string>(expected.Select(t => t.Name), StringComparer.Ordinal);
        string[] unexpected = entries.Where(e => !wanted.Contains(e.Name)).Select(e => "'" + e.Name + "'").ToArray();
        var copies = new SafeTensorsCopy[expected.Count];
        for (int i = 0; i < expected.Count; i++)
        {
            ParameterTensor tensor = expected[i];
            if (!byName.TryGetValue(tensor.Name, out SafeTensorsEntry? entry))
            {
                string others = unexpected.Length == 0
                    ? "and has no other tensor in its place"
                    : $"but has {string.Join(", ", unexpected.Take(5))}{(unexpected.Length > 5 ? ", ..." : string.Empty)}, which the network does not have";
                throw SafeTensorsHeader.Bad(source, $"the file lacks tensor {tensor} {others}");
            }

            bool counter = tensor.Role == TensorRole.BatchesTracked;
            if (!SafeTensorsDTypes.TryParse(entry.DType, out SafeTensorsDType dtype))
            {
                throw SafeTensorsHeader.Bad(source, $"tensor '{entry.Name}' has {SafeTensorsDTypes.Explain(entry.DType)}{(counter ? "; a batch count may also be I64 (as PyTorch writes it) or I32" : string.Empty)}");
            }

            if (SafeTensorsDTypes.IsInteger(dtype) && !counter)
            {
                throw SafeTensorsHeader.Bad(source,
                    $"tensor '{entry.Name}' has {SafeTensorsDTypes.Explain(entry.DType)} (an integer dtype is accepted only for a BatchNorm's num_batches_tracked, and {tensor} holds floats)");
            }

            if (!entry.Shape.SequenceEqual(tensor.ShapeArray.Select(d => (long)d)))
            {
                throw SafeTensorsHeader.Bad(source,
                    $"tensor '{entry.Name}' has shape {entry.ShapeText}, but the network's {tensor.Layer.Kind} layer {tensor.Layer.Index} {tensor.RoleText} is {tensor.ShapeText}");
            }

            copies[i] = new SafeTensorsCopy(tensor, dtype, entry.Begin, entry.End);
        }

        if (unexpected.Length > 0)
        {
            throw SafeTensorsHeader.Bad(source,
                $"the file has tensor {unexpected[0]}, which the network does not have (it has {string.Join(", ", expected.Select(t => "'" + t.Name + "'"))})");
        }

        return copies;
    }

    /// <summary>The byte length an entry's dtype and shape call for, or null for a dtype whose size is unknown.</summary>
    private static long? ByteLength(SafeTensorsEntry e)
    {
        int size = e.DType switch
        {
            "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 1,
            "U16" or "I16" or "F16" or "BF16" => 2,
            "U32" or "I32" or "F32" => 4,
            "U64" or "I64" or "F64" or "C64" => 8,
            _ => 0,
        };
        if (size == 0)
        {
            return null;
        }

        try
        {
            long count = 1;
            foreach (long d in e.Shape)
            {
                count = checked(count * d);
            }

            return checked(count * size);
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }
}

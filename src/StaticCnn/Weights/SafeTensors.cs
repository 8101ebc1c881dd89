using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace StaticCnn;

/// <summary>
/// Saves and loads a network's parameters and buffers (BatchNorm running statistics) in the safetensors format, under
/// the names and shapes of the PyTorch <c>nn.Sequential</c> <c>state_dict</c> of the same layers (see
/// <see cref="ParameterTensors"/>), so that
/// <c>model.load_state_dict(safetensors.torch.load_file(path))</c> reads what <see cref="Save"/> writes, and
/// <see cref="Load(INetwork, string)"/> reads what <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes.
/// </summary>
/// <remarks>
/// <para>
/// The format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets into the data that follows) plus an optional
/// <c>"__metadata__"</c> object of strings, then the raw little-endian tensor data.
/// </para>
/// <para>
/// Saving writes the tensors in <c>state_dict</c> order (<see cref="ParameterTensors.Of"/>): float32 (<c>F32</c>),
/// except each BatchNorm's <c>num_batches_tracked</c>, which is an int64 (<c>I64</c>) scalar (shape <c>[]</c>) as in
/// PyTorch (its float in <see cref="INetwork.Buffers"/> truncated to an integer), and <c>"format": "pt"</c> in the
/// metadata. Loading is strict and all-or-nothing: the header must be valid JSON within the file, every data byte
/// must belong to exactly one tensor whose offsets match its dtype and shape, the file must be exactly as long as its
/// header says, the file must hold exactly the network's tensors (buffers included) with exactly PyTorch's shapes,
/// and the element type must be <c>F32</c>, or <c>F16</c>, <c>BF16</c> or <c>F64</c>, which are converted to float32
/// (F16 and BF16 exactly, F64 rounded to nearest); <c>num_batches_tracked</c> may also be <c>I64</c> or <c>I32</c>
/// (no other tensor may be an integer). Any violation throws <see cref="InvalidDataException"/> naming the first
/// mismatch, and leaves <see cref="INetwork.Parameters"/> and <see cref="INetwork.Buffers"/> untouched: the tensors
/// are read into scratch arrays and copied over only when all of them have been read.
/// </para>
/// </remarks>
public static class SafeTensors
{
    private const string Memory = "safetensors data";

    /// <summary>
    /// Writes <paramref name="network"/>'s parameters and buffers to <paramref name="path"/> atomically: into a temporary file in
    /// the same directory, flushed to disk, then moved over <paramref name="path"/>, so that a reader sees either
    /// the old file or the whole new one.
    /// </summary>
    /// <param name="network">The network whose <see cref="INetwork.Parameters"/> and <see cref="INetwork.Buffers"/> are saved.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">Extra <c>"__metadata__"</c> strings; <c>"format": "pt"</c> is added unless given.</param>
    public static void Save(INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => Write(network, stream, metadata));
    }

    /// <summary>Writes <paramref name="network"/>'s parameters and buffers in the safetensors format to <paramref name="destination"/>.</summary>
    /// <param name="network">The network whose <see cref="INetwork.Parameters"/> and <see cref="INetwork.Buffers"/> are written.</param>
    /// <param name="destination">A writable stream; it is not closed.</param>
    /// <param name="metadata">Extra <c>"__metadata__"</c> strings; <c>"format": "pt"</c> is added unless given.</param>
    public static void Write(INetwork network, Stream destination, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        IReadOnlyList<ParameterTensor> tensors = ParameterTensors.Of(network);
        byte[] header = Header(tensors, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        destination.Write(prefix);
        destination.Write(header);
        ReadOnlySpan<float> parameters = network.ParameterValues;
        ReadOnlySpan<float> buffers = network.BufferValues;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            foreach (ParameterTensor tensor in tensors)
            {
                if (tensor.Role == TensorRole.BatchesTracked)
                {
                    // PyTorch's num_batches_tracked is an int64 scalar.
                    BinaryPrimitives.WriteInt64LittleEndian(chunk, (long)buffers[tensor.Offset]);
                    destination.Write(chunk, 0, 8);
                    continue;
                }

                ReadOnlySpan<float> values = (tensor.IsBuffer ? buffers : parameters).Slice(tensor.Offset, tensor.Length);
                if (BitConverter.IsLittleEndian)
                {
                    destination.Write(MemoryMarshal.AsBytes(values));
                    continue;
                }

                for (int start = 0; start < values.Length; start += chunk.Length / 4)
                {
                    ReadOnlySpan<float> part = values.Slice(start, Math.Min(chunk.Length / 4, values.Length - start));
                    SafeTensorsDTypes.FromSingle(part, chunk);
                    destination.Write(chunk, 0, part.Length * 4);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The safetensors bytes of <paramref name="network"/>'s parameters and buffers (what <see cref="Save"/> writes).</summary>
    public static byte[] ToBytes(INetwork network, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(network, stream, metadata);
        return stream.ToArray();
    }

    /// <summary>
    /// Loads <paramref name="network"/>'s parameters and buffers from the safetensors file at <paramref name="path"/>,
    /// reading only the byte ranges the validated header names.
    /// </summary>
    /// <returns>The file's <c>"__metadata__"</c> strings (empty if it has none).</returns>
    /// <exception cref="InvalidDataException">The file is malformed or does not hold exactly this network's tensors; the parameters and buffers are unchanged.</exception>
    public static IReadOnlyDictionary<string, string> Load(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        long length = RandomAccess.GetLength(file);
        Span<byte> prefix = stackalloc byte[8];
        if (length >= 8)
        {
            ReadExactly(file, prefix, 0, path);
        }

        int headerLength = SafeTensorsReader.HeaderLength(prefix, length, path);
        byte[] json = new byte[headerLength];
        ReadExactly(file, json, 8, path);
        SafeTensorsHeader header = SafeTensorsHeader.Parse(json, path);
        long dataStart = 8L + headerLength;
        SafeTensorsCopy[] copies = SafeTensorsReader.Plan(network, header, length - dataStart, path);

        float[] scratch = new float[network.ParameterCount];
        float[] scratchBuffers = new float[network.BufferCount];
        byte[]? chunk = null;
        try
        {
            foreach (SafeTensorsCopy copy in copies)
            {
                Span<float> target = (copy.Target.IsBuffer ? scratchBuffers : scratch).AsSpan(copy.Target.Offset, copy.Target.Length);
                if (copy.DType == SafeTensorsDType.F32 && BitConverter.IsLittleEndian)
                {
                    ReadExactly(file, MemoryMarshal.AsBytes(target), dataStart + copy.Begin, path);
                    continue;
                }

                chunk ??= ArrayPool<byte>.Shared.Rent(1 << 16);
                int size = SafeTensorsDTypes.Size(copy.DType);
                int perChunk = chunk.Length / size;
                for (int start = 0; start < target.Length; start += perChunk)
                {
                    int count = Math.Min(perChunk, target.Length - start);
                    Span<byte> raw = chunk.AsSpan(0, count * size);
                    ReadExactly(file, raw, dataStart + copy.Begin + ((long)start * size), path);
                    SafeTensorsDTypes.ToSingle(copy.DType, raw, target.Slice(start, count));
                }
            }
        }
        finally
        {
            if (chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        scratch.CopyTo(network.Parameters);
        scratchBuffers.CopyTo(network.Buffers);
        return Metadata(header);
    }

    /// <summary>Loads <paramref name="network"/>'s parameters and buffers from safetensors bytes held in memory.</summary>
    /// <returns>The <c>"__metadata__"</c> strings (empty if there are none).</returns>
    /// <exception cref="InvalidDataException">The bytes are malformed or do not hold exactly this network's tensors; the parameters and buffers are unchanged.</exception>
    public static IReadOnlyDictionary<string, string> Load(INetwork network, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(network);
        int headerLength = SafeTensorsReader.HeaderLength(data, data.Length, Memory);
        SafeTensorsHeader header = SafeTensorsHeader.Parse(data.Slice(8, headerLength), Memory);
        ReadOnlySpan<byte> body = data.Slice(8 + headerLength);
        SafeTensorsCopy[] copies = SafeTensorsReader.Plan(network, header, body.Length, Memory);
        float[] scratch = new float[network.ParameterCount];
        float[] scratchBuffers = new float[network.BufferCount];
        foreach (SafeTensorsCopy copy in copies)
        {
            SafeTensorsDTypes.ToSingle(
                copy.DType,
                body.Slice((int)copy.Begin, (int)(copy.End - copy.Begin)),
                (copy.Target.IsBuffer ? scratchBuffers : scratch).AsSpan(copy.Target.Offset, copy.Target.Length));
        }

        scratch.CopyTo(network.Parameters);
        scratchBuffers.CopyTo(network.Buffers);
        return Metadata(header);
    }

    /// <summary>Loads <paramref name="network"/>'s parameters and buffers from a stream holding one safetensors file (read to its end).</summary>
    /// <returns>The <c>"__metadata__"</c> strings (empty if there are none).</returns>
    /// <exception cref="InvalidDataException">The data are malformed or do not hold exactly this network's tensors; the parameters and buffers are unchanged.</exception>
    public static IReadOnlyDictionary<string, string> Load(INetwork network, Stream source)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        return Load(network, new ReadOnlySpan<byte>(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>The JSON header, padded with spaces so that the data starts 8-byte aligned.</summary>
    private static byte[] Header(IReadOnlyList<ParameterTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            if (metadata is null || !metadata.ContainsKey("format"))
            {
                json.WriteString("format", "pt");
            }

            if (metadata is not null)
            {
                foreach (string key in metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))
                {
                    json.WriteString(key, metadata[key]);
                }
            }

            json.WriteEndObject();
            long offset = 0;
            foreach (ParameterTensor tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                bool counter = tensor.Role == TensorRole.BatchesTracked;
                json.WriteString("dtype", counter ? "I64" : "F32");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += counter ? 8L : 4L * tensor.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static ReadOnlyDictionary<string, string> Metadata(SafeTensorsHeader header) => new(header.Metadata);

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset, string path)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(file, destination, offset);
            if (read == 0)
            {
                throw new InvalidDataException($"{path}: the file ended at byte {offset:N0} while reading it (was it changed meanwhile?).");
            }

            destination = destination.Slice(read);
            offset += read;
        }
    }
}

using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace StaticCnn.Data;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST, raw or gzip-compressed (detected from the first two bytes, not
/// the file name). An IDX file is a big-endian header (two zero bytes, a type byte, 0x08 for unsigned bytes, the
/// dimension count, then each dimension as an int32) followed by the data. Images are 3-dimensional
/// (magic 0x00000803: count, rows, columns), labels 1-dimensional (magic 0x00000801). Every malformed file raises an
/// <see cref="InvalidDataException"/> that names the file and what was expected: a wrong magic number, a truncated
/// header or body, trailing bytes, and (in <see cref="ImageDataset"/>) image and label counts that differ.
/// </summary>
public static class IdxReader
{
    /// <summary>The magic number of an IDX file of unsigned-byte images (3 dimensions).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an IDX file of unsigned-byte labels (1 dimension).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file (e.g. <c>train-images-idx3-ubyte.gz</c>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a complete IDX file of unsigned-byte images.</exception>
    public static IdxImages ReadImages(string path)
    {
        using Stream stream = OpenRead(path);
        return ReadImages(stream, path);
    }

    /// <summary>Reads an images file from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    /// <exception cref="InvalidDataException">The data is not a complete IDX file of unsigned-byte images.</exception>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        using Stream data = Decompressed(stream, name);
        int[] dims = ReadHeader(data, name, ImagesMagic, "images");
        int count = dims[0];
        int rows = dims[1];
        int columns = dims[2];
        if (rows == 0 || columns == 0)
        {
            throw new InvalidDataException($"{name}: images of {rows}x{columns} pixels; expected at least 1x1.");
        }

        long length = (long)count * rows * columns;
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"{name}: {count} images of {rows}x{columns} are {length} bytes, more than one array holds.");
        }

        byte[] pixels = ReadBody(data, name, (int)length, 16, $"{count} images of {rows}x{columns} pixels");
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads a labels file (e.g. <c>train-labels-idx1-ubyte.gz</c>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a complete IDX file of unsigned-byte labels.</exception>
    public static byte[] ReadLabels(string path)
    {
        using Stream stream = OpenRead(path);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads a labels file from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    /// <exception cref="InvalidDataException">The data is not a complete IDX file of unsigned-byte labels.</exception>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        using Stream data = Decompressed(stream, name);
        int[] dims = ReadHeader(data, name, LabelsMagic, "labels");
        return ReadBody(data, name, dims[0], 8, $"{dims[0]} labels");
    }

    private static Stream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file not found: {path}", path);
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    private static Stream Decompressed(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> first = stackalloc byte[2];
        int read = buffered.ReadAtLeast(first, 2, throwOnEndOfStream: false);
        var whole = new PrefixedStream(first[..read].ToArray(), buffered);
        return read == 2 && first[0] == 0x1F && first[1] == 0x8B
            ? new GZipStream(whole, CompressionMode.Decompress)
            : whole;
    }

    private static int[] ReadHeader(Stream data, string name, int expectedMagic, string what)
    {
        int dimensions = expectedMagic & 0xFF;
        int headerLength = 4 + (4 * dimensions);
        Span<byte> header = stackalloc byte[headerLength];
        int read = Fill(data, name, header);
        if (read < 4)
        {
            throw new InvalidDataException(
                $"{name}: the file ends after {read} bytes; expected an IDX {what} header of {headerLength} bytes starting with magic number {Hex(expectedMagic)}.");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException(
                $"{name}: magic number {Hex(magic)}; expected {Hex(expectedMagic)} (IDX {what}: unsigned bytes, {dimensions} dimension{(dimensions == 1 ? string.Empty : "s")}){Describe(magic)}.");
        }

        if (read < headerLength)
        {
            throw new InvalidDataException(
                $"{name}: the file ends after {read} bytes, inside the header; expected {headerLength} header bytes (magic and {dimensions} dimension{(dimensions == 1 ? string.Empty : "s")}).");
        }

        var dims = new int[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + (4 * i))..]);
            if (dims[i] < 0)
            {
                throw new InvalidDataException($"{name}: dimension {i + 1} is {dims[i]}; expected a non-negative size.");
            }
        }

        return dims;
    }

    private static byte[] ReadBody(Stream data, string name, int length, int headerLength, string what)
    {
        var body = new byte[length];
        int read = Fill(data, name, body);
        if (read < length)
        {
            throw new InvalidDataException(
                $"{name}: truncated: the header declares {what}, {length.ToString("N0", CultureInfo.InvariantCulture)} bytes after the {headerLength}-byte header, but the file ends after {read.ToString("N0", CultureInfo.InvariantCulture)} of them.");
        }

        Span<byte> probe = stackalloc byte[1];
        if (Fill(data, name, probe) != 0)
        {
            throw new InvalidDataException(
                $"{name}: more data than the header declares ({what}, {length.ToString("N0", CultureInfo.InvariantCulture)} bytes after the header); expected the file to end there.");
        }

        return body;
    }

    private static int Fill(Stream data, string name, Span<byte> buffer)
    {
        try
        {
            return data.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: the gzip data is corrupt ({e.Message}).", e);
        }
    }

    private static string Hex(int value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    private static string Describe(int magic)
    {
        if (magic == ImagesMagic)
        {
            return "; this is an images file";
        }

        if (magic == LabelsMagic)
        {
            return "; this is a labels file";
        }

        return (magic >> 16) == 0 ? string.Empty : "; this is not an IDX file";
    }

    /// <summary>
    /// A stream that first returns bytes already read for sniffing, then the rest of the inner stream. It leaves the
    /// inner stream open: whoever opened the caller's stream disposes it.
    /// </summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

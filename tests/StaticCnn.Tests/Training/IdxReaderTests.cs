using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using StaticCnn.Data;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>The IDX reader on small files written by the test itself, following the format's description.</summary>
public sealed class IdxReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticcnn-idx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesAndLabelsRawOrGzip(bool gzip)
    {
        byte[] pixels = Pixels(3 * 4 * 5);
        string images = Write("images", Idx(0x0803, [3, 4, 5], pixels), gzip);
        string labels = Write("labels", Idx(0x0801, [3], [7, 0, 9]), gzip);

        IdxImages read = IdxReader.ReadImages(images);
        Assert.Equal((3, 4, 5), (read.Count, read.Rows, read.Columns));
        Assert.Equal(pixels, read.Pixels);
        Assert.Equal(pixels.AsSpan(20, 20).ToArray(), read.Image(1).ToArray());
        Assert.Equal([7, 0, 9], IdxReader.ReadLabels(labels));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedBodyNamesTheFileAndTheExpectedSize(bool gzip)
    {
        byte[] whole = Idx(0x0803, [2, 3, 3], Pixels(18));
        string path = Write("short", whole[..^5], gzip);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 images of 3x3 pixels, 18 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("ends after 13 of them", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedHeaderIsReported()
    {
        string path = Write("header", Idx(0x0803, [2, 3, 3], [])[..10], gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("inside the header; expected 16 header bytes", e.Message, StringComparison.Ordinal);

        string empty = Write("empty", [], gzip: false);
        e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(empty));
        Assert.Contains("ends after 0 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x00000801", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongMagicSaysWhatWasExpected()
    {
        // A labels file where images are expected, and the reverse.
        string labels = Write("labels", Idx(0x0801, [3], [1, 2, 3]), gzip: true);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(labels));
        Assert.Contains("magic number 0x00000801; expected 0x00000803", e.Message, StringComparison.Ordinal);
        Assert.Contains("this is a labels file", e.Message, StringComparison.Ordinal);

        string images = Write("images", Idx(0x0803, [1, 1, 1], [5]), gzip: false);
        e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(images));
        Assert.Contains("expected 0x00000801", e.Message, StringComparison.Ordinal);

        // Not an IDX file at all (a PNG signature).
        string png = Write("png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0], gzip: false);
        e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(png));
        Assert.Contains("not an IDX file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrailingBytesAreReported()
    {
        string path = Write("long", [.. Idx(0x0801, [2], [1, 2]), 99], gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("more data than the header declares", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedImageAndLabelCountsAreReported()
    {
        File.WriteAllBytes(Path.Combine(_directory, "train-images-idx3-ubyte"), Idx(0x0803, [3, 2, 2], Pixels(12)));
        File.WriteAllBytes(Path.Combine(_directory, "train-labels-idx1-ubyte"), Idx(0x0801, [2], [0, 1]));
        var e = Assert.Throws<InvalidDataException>(() => MnistFiles.Read(_directory, MnistSplit.Train));
        Assert.Contains("holds 3 images but", e.Message, StringComparison.Ordinal);
        Assert.Contains("holds 2 labels; expected one label per image", e.Message, StringComparison.Ordinal);

        IdxImages images = IdxReader.ReadImages(Path.Combine(_directory, "train-images-idx3-ubyte"));
        Assert.Throws<InvalidDataException>(() => ImageDataset.FromIdx(images, [0, 1], PixelNormalization.UnitRange));
    }

    [Fact]
    public void MnistFilesFindsGzipOrRawAndReportsMissingFiles()
    {
        Assert.False(MnistFiles.Exists(_directory));
        var missing = Assert.Throws<FileNotFoundException>(() => MnistFiles.Read(_directory, MnistSplit.Test));
        Assert.Contains("t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte", missing.Message, StringComparison.Ordinal);

        File.WriteAllBytes(Path.Combine(_directory, "train-images-idx3-ubyte"), Idx(0x0803, [2, 2, 2], Pixels(8)));
        File.WriteAllBytes(Path.Combine(_directory, "train-labels-idx1-ubyte.gz"), Gzip(Idx(0x0801, [2], [3, 4])));
        File.WriteAllBytes(Path.Combine(_directory, "t10k-images-idx3-ubyte.gz"), Gzip(Idx(0x0803, [1, 2, 2], Pixels(4))));
        File.WriteAllBytes(Path.Combine(_directory, "t10k-labels-idx1-ubyte"), Idx(0x0801, [1], [5]));
        Assert.True(MnistFiles.Exists(_directory));

        var (train, test, normalization) = MnistFiles.Load(_directory);
        Assert.Equal(2, train.Count);
        Assert.Equal(1, test.Count);
        Assert.Equal([3, 4], train.Labels.ToArray());
        Assert.Equal(new TensorShape(1, 2, 2), train.SampleShape);
        Assert.Equal(normalization.Apply(Pixels(8)[5]), train.Sample(1)[1]);
    }

    /// <summary>Pixel bytes 0, 37, 74, ... (mod 256): every value distinct from its neighbours.</summary>
    private static byte[] Pixels(int count)
    {
        var pixels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            pixels[i] = (byte)(i * 37);
        }

        return pixels;
    }

    /// <summary>An IDX file: magic as a big-endian int32, each dimension as a big-endian int32, then the data.</summary>
    private static byte[] Idx(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return memory.ToArray();
    }

    private string Write(string name, byte[] content, bool gzip)
    {
        string path = Path.Combine(_directory, name + (gzip ? ".gz" : string.Empty));
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }
}

using System;

namespace StaticCnn.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/> bytes, row-major, one after another.</summary>
public sealed class IdxImages
{
    /// <summary>Wraps pixel bytes; <paramref name="pixels"/> must hold exactly count * rows * columns bytes.</summary>
    public IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentNullException.ThrowIfNull(pixels);
        long expected = (long)count * rows * columns;
        if (pixels.LongLength != expected)
        {
            throw new ArgumentException($"Expected {expected} pixel bytes ({count} images of {rows}x{columns}); got {pixels.LongLength}.", nameof(pixels));
        }

        Count = count;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Rows (height) of every image.</summary>
    public int Rows { get; }

    /// <summary>Columns (width) of every image.</summary>
    public int Columns { get; }

    /// <summary>All pixels, image after image, each row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int length = Rows * Columns;
        return Pixels.AsSpan(index * length, length);
    }
}

using System;

namespace StaticCnn.Data;

/// <summary>
/// Seeded, allocation-free augmentation of one C,H,W sample: a random translation by up to
/// <see cref="MaxShift"/> pixels in each direction (uniform integers in [-MaxShift, MaxShift] for rows and
/// columns; pixels shifted in take <see cref="FillValue"/>), then, with probability 1/2 when
/// <see cref="HorizontalFlip"/> is set, a left-right mirror. Draws always happen in that order (row shift,
/// column shift, flip), so a sample's augmentation depends only on the random stream it is given.
/// </summary>
public sealed class ImageAugmentation
{
    /// <summary>Creates an augmentation.</summary>
    /// <param name="maxShift">Largest translation in pixels (0 for none).</param>
    /// <param name="horizontalFlip">Mirror left-right with probability 1/2.</param>
    /// <param name="fillValue">Value of pixels shifted in: the normalised background (e.g. <c>normalization.Apply(0)</c>).</param>
    public ImageAugmentation(int maxShift, bool horizontalFlip, float fillValue = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        if (!float.IsFinite(fillValue))
        {
            throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, "Expected a finite fill value.");
        }

        MaxShift = maxShift;
        HorizontalFlip = horizontalFlip;
        FillValue = fillValue;
    }

    /// <summary>Largest translation in pixels.</summary>
    public int MaxShift { get; }

    /// <summary>Whether samples are mirrored left-right with probability 1/2.</summary>
    public bool HorizontalFlip { get; }

    /// <summary>Value of pixels shifted in from outside the image.</summary>
    public float FillValue { get; }

    /// <summary>Whether this augmentation changes nothing.</summary>
    public bool IsIdentity => MaxShift == 0 && !HorizontalFlip;

    /// <summary>Writes the augmented <paramref name="source"/> into <paramref name="destination"/> (same length, not overlapping).</summary>
    /// <exception cref="ArgumentException">A span's length is not <c>shape.Length</c>.</exception>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, TensorShape shape, ref DeterministicRandom random)
    {
        int length = shape.Length;
        if (source.Length != length || destination.Length != length)
        {
            throw new ArgumentException(
                $"Expected source and destination of {shape} = {length} floats; got {source.Length} and {destination.Length}.",
                nameof(destination));
        }

        int dy = MaxShift > 0 ? random.NextInt32((2 * MaxShift) + 1) - MaxShift : 0;
        int dx = MaxShift > 0 ? random.NextInt32((2 * MaxShift) + 1) - MaxShift : 0;
        bool flip = HorizontalFlip && random.NextInt32(2) == 1;
        Transform(source, destination, shape, dy, dx, flip, FillValue);
    }

    /// <summary>
    /// The deterministic part: <c>destination[c, y, x] = source[c, y - dy, x' - dx]</c> where <c>x' = W - 1 - x</c> when
    /// <paramref name="flip"/> is set and <c>x</c> otherwise, and <paramref name="fill"/> where that source pixel is outside the image.
    /// </summary>
    public static void Transform(ReadOnlySpan<float> source, Span<float> destination, TensorShape shape, int dy, int dx, bool flip, float fill)
    {
        int channels = shape.Channels;
        int height = shape.Height;
        int width = shape.Width;
        for (int c = 0; c < channels; c++)
        {
            int plane = c * height * width;
            for (int y = 0; y < height; y++)
            {
                int sy = y - dy;
                Span<float> row = destination.Slice(plane + (y * width), width);
                if ((uint)sy >= (uint)height)
                {
                    row.Fill(fill);
                    continue;
                }

                ReadOnlySpan<float> sourceRow = source.Slice(plane + (sy * width), width);
                for (int x = 0; x < width; x++)
                {
                    int sx = (flip ? width - 1 - x : x) - dx;
                    row[x] = (uint)sx < (uint)width ? sourceRow[sx] : fill;
                }
            }
        }
    }
}

using System;

namespace StaticCnn.Data;

/// <summary>
/// Maps a byte pixel p to the float <c>(p / 255 - Mean) / StandardDeviation</c>. <see cref="UnitRange"/> keeps
/// [0, 1]; <see cref="Standardize"/> computes mean and standard deviation from the training images, so that the
/// inputs have mean 0 and variance 1 (torchvision's <c>Normalize</c>).
/// </summary>
/// <param name="Mean">Subtracted after scaling to [0, 1].</param>
/// <param name="StandardDeviation">Divides after subtracting the mean; positive.</param>
public readonly record struct PixelNormalization(float Mean, float StandardDeviation)
{
    /// <summary>Pixels scaled to [0, 1] and nothing else.</summary>
    public static PixelNormalization UnitRange => new(0f, 1f);

    /// <summary>The normalisation that gives <paramref name="images"/> mean 0 and standard deviation 1 (over all pixels, in double).</summary>
    public static PixelNormalization Standardize(IdxImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Pixels.Length == 0)
        {
            throw new ArgumentException("Expected at least one pixel to compute a mean and standard deviation from.", nameof(images));
        }

        Span<long> histogram = stackalloc long[256];
        foreach (byte p in images.Pixels)
        {
            histogram[p]++;
        }

        double n = images.Pixels.Length;
        double sum = 0;
        for (int v = 0; v < 256; v++)
        {
            sum += histogram[v] * (v / 255.0);
        }

        double mean = sum / n;
        double squares = 0;
        for (int v = 0; v < 256; v++)
        {
            double d = (v / 255.0) - mean;
            squares += histogram[v] * d * d;
        }

        double deviation = Math.Sqrt(squares / n);
        return new PixelNormalization((float)mean, deviation > 0 ? (float)deviation : 1f);
    }

    /// <summary>The float for byte pixel <paramref name="pixel"/>.</summary>
    public float Apply(byte pixel) => ((pixel / 255f) - Mean) / StandardDeviation;
}

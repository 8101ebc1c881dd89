using System;
using System.Linq;
using StaticCnn.Data;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>Normalisation, splitting, shuffling and augmentation.</summary>
public sealed class DataTests
{
    [Fact]
    public void StandardizeGivesMeanZeroAndUnitDeviation()
    {
        byte[] pixels = [0, 0, 255, 255, 51, 102, 0, 255];
        var images = new IdxImages(2, 2, 2, pixels);
        PixelNormalization normalization = PixelNormalization.Standardize(images);
        double mean = pixels.Average(p => p / 255.0);
        double deviation = Math.Sqrt(pixels.Average(p => Math.Pow((p / 255.0) - mean, 2)));
        Assert.Equal(mean, normalization.Mean, 1e-6);
        Assert.Equal(deviation, normalization.StandardDeviation, 1e-6);

        ImageDataset data = ImageDataset.FromIdx(images, [1, 0], normalization, classCount: 2);
        float[] values = data.Images.ToArray();
        Assert.Equal(0, values.Average(v => (double)v), 1e-6);
        Assert.Equal(1, Math.Sqrt(values.Average(v => (double)v * v)), 1e-5);
        Assert.Equal((float)((102 / 255.0) - mean) / (float)deviation, data.Sample(1)[1], 1e-5f);
    }

    [Fact]
    public void SplitIsSeededDisjointAndComplete()
    {
        ImageDataset data = Numbered(50);
        var (first, second) = data.Split(12, seed: 3);
        Assert.Equal(38, first.Count);
        Assert.Equal(12, second.Count);
        int[] a = first.Labels.ToArray();
        int[] b = second.Labels.ToArray();
        Assert.Empty(a.Intersect(b));
        Assert.Equal(Enumerable.Range(0, 50), a.Concat(b).Order());
        Assert.Equal(a.Order(), a); // each part keeps the original order
        Assert.Equal((float)b[4], second.Sample(4)[0]); // samples travel with their labels

        var (_, again) = data.Split(12, seed: 3);
        Assert.Equal(b, again.Labels.ToArray());
        var (_, other) = data.Split(12, seed: 4);
        Assert.NotEqual(b, other.Labels.ToArray());
    }

    [Fact]
    public void ShuffleIsAPermutationFixedBySeed()
    {
        var order = new int[100];
        var random = new DeterministicRandom(9, 1);
        Shuffle.Permutation(order, ref random);
        Assert.Equal(Enumerable.Range(0, 100), order.Order());
        Assert.NotEqual(Enumerable.Range(0, 100), order);

        var again = new int[100];
        random = new DeterministicRandom(9, 1);
        Shuffle.Permutation(again, ref random);
        Assert.Equal(order, again);
    }

    [Fact]
    public void TransformShiftsAndFlipsAsDefined()
    {
        // A 1x3x4 image with values 1..12, row-major.
        float[] source = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        var shape = new TensorShape(1, 3, 4);
        var destination = new float[12];

        // Down by one row, right by one column: row 0 and column 0 are filled.
        ImageAugmentation.Transform(source, destination, shape, dy: 1, dx: 1, flip: false, fill: -1);
        Assert.Equal([-1, -1, -1, -1, -1, 1, 2, 3, -1, 5, 6, 7], destination);

        // Mirror only.
        ImageAugmentation.Transform(source, destination, shape, dy: 0, dx: 0, flip: true, fill: -1);
        Assert.Equal([4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9], destination);

        // Up by one and left by two, then mirrored: mirror(shift(x)).
        ImageAugmentation.Transform(source, destination, shape, dy: -1, dx: -2, flip: true, fill: 0);
        Assert.Equal([0, 0, 8, 7, 0, 0, 12, 11, 0, 0, 0, 0], destination);
    }

    [Fact]
    public void AugmentationIsSeededAndStaysWithinItsShift()
    {
        var augmentation = new ImageAugmentation(maxShift: 2, horizontalFlip: true, fillValue: -5f);
        var shape = new TensorShape(2, 6, 6);
        float[] source = Enumerable.Range(0, shape.Length).Select(i => (float)i).ToArray();
        var a = new float[shape.Length];
        var b = new float[shape.Length];
        var seen = new System.Collections.Generic.HashSet<string>();
        for (int stream = 0; stream < 40; stream++)
        {
            var r1 = new DeterministicRandom(1, stream);
            var r2 = new DeterministicRandom(1, stream);
            augmentation.Apply(source, a, shape, ref r1);
            augmentation.Apply(source, b, shape, ref r2);
            Assert.Equal(a, b);
            seen.Add(string.Join(",", a));

            // Some (dy, dx, flip) within range reproduces the output.
            bool found = false;
            var candidate = new float[shape.Length];
            for (int dy = -2; dy <= 2 && !found; dy++)
            {
                for (int dx = -2; dx <= 2 && !found; dx++)
                {
                    foreach (bool flip in new[] { false, true })
                    {
                        ImageAugmentation.Transform(source, candidate, shape, dy, dx, flip, -5f);
                        found |= candidate.AsSpan().SequenceEqual(a);
                    }
                }
            }

            Assert.True(found);
        }

        Assert.True(seen.Count > 10, "40 streams should give many different augmentations");
        Assert.True(new ImageAugmentation(0, false).IsIdentity);
    }

    private static ImageDataset Numbered(int count)
    {
        // Sample i is one float equal to i, with label i.
        float[] images = Enumerable.Range(0, count).Select(i => (float)i).ToArray();
        int[] labels = Enumerable.Range(0, count).ToArray();
        return new ImageDataset(images, labels, TensorShape.Flat(1), classCount: count);
    }
}

using System;
using System.Collections.Generic;
using System.IO;

namespace StaticCnn.Data;

/// <summary>
/// Labelled images in memory, as floats ready for a network: sample after sample, each C,H,W
/// (<see cref="SampleShape"/>), with an integer class label in [0, <see cref="ClassCount"/>). Immutable once built;
/// safe to read from several threads.
/// </summary>
public sealed class ImageDataset
{
    private readonly float[] _images;
    private readonly int[] _labels;

    /// <summary>Wraps <paramref name="images"/> (count * shape.Length floats) and <paramref name="labels"/> (count labels); the arrays are not copied.</summary>
    /// <exception cref="ArgumentException">The lengths do not match, or a label is outside [0, classCount).</exception>
    public ImageDataset(float[] images, int[] labels, TensorShape sampleShape, int classCount, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        int sampleLength = sampleShape.Length;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleLength, nameof(sampleShape));
        if ((long)labels.Length * sampleLength != images.LongLength)
        {
            throw new ArgumentException(
                $"images has {images.LongLength} floats; expected labels.Length x {sampleShape} = {labels.Length} x {sampleLength} = {(long)labels.Length * sampleLength}.",
                nameof(images));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {i} is {labels[i]}; expected a class in [0, {classCount}).", nameof(labels));
            }
        }

        if (classNames is not null && classNames.Count != classCount)
        {
            throw new ArgumentException($"Expected {classCount} class names; got {classNames.Count}.", nameof(classNames));
        }

        _images = images;
        _labels = labels;
        SampleShape = sampleShape;
        SampleLength = sampleLength;
        ClassCount = classCount;
        ClassNames = classNames ?? DefaultNames(classCount);
    }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Shape of one sample (C,H,W).</summary>
    public TensorShape SampleShape { get; }

    /// <summary>Floats per sample.</summary>
    public int SampleLength { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>A display name per class (the class index when none were given).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Every sample's floats, one after another.</summary>
    public ReadOnlySpan<float> Images => _images;

    /// <summary>Every sample's label.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The floats of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Sample(int index) => _images.AsSpan(checked(index * SampleLength), SampleLength);

    /// <summary>The label of sample <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>
    /// Builds a dataset from IDX images and labels (one channel), normalising every pixel with <paramref name="normalization"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The image and label counts differ, or a label is not below <paramref name="classCount"/>.</exception>
    public static ImageDataset FromIdx(IdxImages images, byte[] labels, PixelNormalization normalization, int classCount = 10, IReadOnlyList<string>? classNames = null, string imagesName = "images", string labelsName = "labels")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException(
                $"{imagesName} holds {images.Count} images but {labelsName} holds {labels.Length} labels; expected one label per image.");
        }

        var table = new float[256];
        for (int v = 0; v < 256; v++)
        {
            table[v] = normalization.Apply((byte)v);
        }

        var floats = new float[images.Pixels.Length];
        byte[] pixels = images.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            floats[i] = table[pixels[i]];
        }

        var ints = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new InvalidDataException($"{labelsName}: label {i} is {labels[i]}; expected a class in [0, {classCount}).");
            }

            ints[i] = labels[i];
        }

        return new ImageDataset(floats, ints, new TensorShape(1, images.Rows, images.Columns), classCount, classNames);
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order (copied).</summary>
    public ImageDataset Select(ReadOnlySpan<int> indices)
    {
        var images = new float[(long)indices.Length * SampleLength];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Sample(indices[i]).CopyTo(images.AsSpan(i * SampleLength, SampleLength));
            labels[i] = _labels[indices[i]];
        }

        return new ImageDataset(images, labels, SampleShape, ClassCount, ClassNames);
    }

    /// <summary>The <paramref name="count"/> samples from <paramref name="start"/> on (copied).</summary>
    public ImageDataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + (long)count, Count, nameof(count));
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = start + i;
        }

        return Select(indices);
    }

    /// <summary>
    /// Splits off <paramref name="secondCount"/> samples chosen by a seeded shuffle (for a validation set); both
    /// parts keep the original order of their samples.
    /// </summary>
    public (ImageDataset First, ImageDataset Second) Split(int secondCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(secondCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(secondCount, Count);
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var random = new DeterministicRandom(seed, 0x5E1EC7);
        Shuffle.InPlace(order, ref random);
        int[] second = order[..secondCount];
        int[] first = order[secondCount..];
        Array.Sort(first);
        Array.Sort(second);
        return (Select(first), Select(second));
    }

    private static string[] DefaultNames(int classCount)
    {
        var names = new string[classCount];
        for (int i = 0; i < classCount; i++)
        {
            names[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }
}

using System;
using System.Collections.Generic;
using System.IO;

namespace StaticCnn.Data;

/// <summary>Which half of an MNIST-style data set to load.</summary>
public enum MnistSplit
{
    /// <summary><c>train-images-idx3-ubyte</c> and <c>train-labels-idx1-ubyte</c> (60,000 images).</summary>
    Train,

    /// <summary><c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c> (10,000 images).</summary>
    Test,
}

/// <summary>
/// Loads a directory laid out like MNIST and Fashion-MNIST: <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte</c>,
/// each either gzip-compressed with a <c>.gz</c> suffix or raw without one.
/// </summary>
public static class MnistFiles
{
    /// <summary>The file name stem of the images of <paramref name="split"/> (without <c>.gz</c>).</summary>
    public static string ImagesFile(MnistSplit split) => split == MnistSplit.Train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";

    /// <summary>The file name stem of the labels of <paramref name="split"/> (without <c>.gz</c>).</summary>
    public static string LabelsFile(MnistSplit split) => split == MnistSplit.Train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte";

    /// <summary>Whether <paramref name="directory"/> holds both files of both splits (gzip or raw).</summary>
    public static bool Exists(string directory) =>
        Find(directory, ImagesFile(MnistSplit.Train)) is not null && Find(directory, LabelsFile(MnistSplit.Train)) is not null
        && Find(directory, ImagesFile(MnistSplit.Test)) is not null && Find(directory, LabelsFile(MnistSplit.Test)) is not null;

    /// <summary>Reads the raw images and labels of <paramref name="split"/> from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing (neither the <c>.gz</c> nor the raw name exists).</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or image and label counts differ.</exception>
    public static (IdxImages Images, byte[] Labels, string ImagesPath, string LabelsPath) Read(string directory, MnistSplit split)
    {
        string imagesPath = Require(directory, ImagesFile(split));
        string labelsPath = Require(directory, LabelsFile(split));
        IdxImages images = IdxReader.ReadImages(imagesPath);
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException(
                $"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels; expected one label per image.");
        }

        return (images, labels, imagesPath, labelsPath);
    }

    /// <summary>
    /// Loads training and test sets, both normalised with the statistics of the training images
    /// (<see cref="PixelNormalization.Standardize"/>) unless <paramref name="normalization"/> is given.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Test, PixelNormalization Normalization) Load(string directory, IReadOnlyList<string>? classNames = null, PixelNormalization? normalization = null)
    {
        var train = Read(directory, MnistSplit.Train);
        var test = Read(directory, MnistSplit.Test);
        PixelNormalization norm = normalization ?? PixelNormalization.Standardize(train.Images);
        return (
            ImageDataset.FromIdx(train.Images, train.Labels, norm, 10, classNames, train.ImagesPath, train.LabelsPath),
            ImageDataset.FromIdx(test.Images, test.Labels, norm, 10, classNames, test.ImagesPath, test.LabelsPath),
            norm);
    }

    private static string? Find(string directory, string stem)
    {
        string gz = Path.Combine(directory, stem + ".gz");
        if (File.Exists(gz))
        {
            return gz;
        }

        string raw = Path.Combine(directory, stem);
        return File.Exists(raw) ? raw : null;
    }

    private static string Require(string directory, string stem)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Find(directory, stem) ?? throw new FileNotFoundException(
            $"Expected {stem}.gz or {stem} in {directory}.", Path.Combine(directory, stem + ".gz"));
    }
}

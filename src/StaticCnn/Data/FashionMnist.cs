using System.Collections.Generic;

namespace StaticCnn.Data;

/// <summary>Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 28x28 grey images of 10 kinds of clothing.</summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>Loads training and test sets from <paramref name="directory"/>, standardised with the training statistics.</summary>
    public static (ImageDataset Train, ImageDataset Test, PixelNormalization Normalization) Load(string directory = DefaultDirectory) =>
        MnistFiles.Load(directory, ClassNames);
}

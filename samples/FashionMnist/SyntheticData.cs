using System;
using System.Collections.Generic;
using StaticCnn;
using StaticCnn.Data;

namespace FashionMnist;

/// <summary>
/// A small stand-in for Fashion-MNIST when the real files are missing: 28x28 images of ten simple shapes
/// (bars, boxes, crosses, rings, diagonals, ...) at random offsets and brightness, with noise. It exercises the
/// same code paths; its accuracy says nothing about Fashion-MNIST.
/// </summary>
internal static class SyntheticData
{
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "horizontal bar", "vertical bar", "box", "filled box", "cross", "ring", "diagonal", "anti-diagonal", "two dots", "L shape",
    ];

    public static (ImageDataset Train, ImageDataset Test, PixelNormalization Normalization) Create(int trainCount, int testCount, int seed)
    {
        IdxImages trainImages = Images(trainCount, seed, 0, out byte[] trainLabels);
        IdxImages testImages = Images(testCount, seed, 1, out byte[] testLabels);
        PixelNormalization normalization = PixelNormalization.Standardize(trainImages);
        return (
            ImageDataset.FromIdx(trainImages, trainLabels, normalization, 10, ClassNames),
            ImageDataset.FromIdx(testImages, testLabels, normalization, 10, ClassNames),
            normalization);
    }

    private static IdxImages Images(int count, int seed, int stream, out byte[] labels)
    {
        const int size = 28;
        var random = new DeterministicRandom(seed, 1000 + stream);
        var pixels = new byte[count * size * size];
        labels = new byte[count];
        var canvas = new float[size, size];
        for (int n = 0; n < count; n++)
        {
            int label = random.NextInt32(10);
            labels[n] = (byte)label;
            Array.Clear(canvas);
            Draw(canvas, label, random.NextInt32(11) - 5, random.NextInt32(11) - 5, 0.25f + (0.5f * random.NextSingle()));
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    float value = canvas[y, x] + (0.6f * random.NextSingle());
                    pixels[(n * size * size) + (y * size) + x] = (byte)Math.Clamp((int)(value * 255f), 0, 255);
                }
            }
        }

        return new IdxImages(count, size, size, pixels);
    }

    private static void Draw(float[,] c, int shape, int dy, int dx, float ink)
    {
        void Set(int y, int x)
        {
            y += dy;
            x += dx;
            if ((uint)y < 28 && (uint)x < 28)
            {
                c[y, x] = ink;
            }
        }

        for (int i = 6; i < 22; i++)
        {
            switch (shape)
            {
                case 0: Set(13, i); Set(14, i); break;
                case 1: Set(i, 13); Set(i, 14); break;
                case 2: Set(6, i); Set(21, i); Set(i, 6); Set(i, 21); break;
                case 3: for (int j = 9; j < 19; j++) { if (i >= 9 && i < 19) { Set(i, j); } } break;
                case 4: Set(14, i); Set(i, 14); break;
                case 5:
                    double angle = (i - 6) / 16.0 * 2 * Math.PI;
                    for (int k = 0; k < 4; k++)
                    {
                        double a = angle + (k * Math.PI / 32);
                        Set(14 + (int)Math.Round(7 * Math.Sin(a)), 14 + (int)Math.Round(7 * Math.Cos(a)));
                    }

                    break;
                case 6: Set(i, i); Set(i, i + 1); break;
                case 7: Set(i, 27 - i); Set(i, 26 - i); break;
                case 8: if (i < 10) { Set(i, 8); Set(i, 9); Set(i + 8, 18); Set(i + 8, 19); } break;
                default: Set(i, 8); Set(i, 9); Set(21, i); Set(20, i); break;
            }
        }
    }
}

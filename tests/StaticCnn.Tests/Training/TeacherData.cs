using System;
using StaticCnn.Data;

namespace StaticCnn.Tests.Training;

/// <summary>
/// A learnable synthetic task: 1x6x6 images of uniform noise in [0, 1) where the label (0, 1 or 2) says which band
/// of two rows (rows 0-1, 2-3 or 4-5) was brightened by 0.35. The three classes are equally likely.
/// </summary>
internal static class TeacherData
{
    public static ImageDataset Create(int count, int seed)
    {
        var shape = new TensorShape(1, 6, 6);
        var random = new DeterministicRandom(seed, 77);
        var images = new float[count * shape.Length];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = random.NextInt32(3);
            labels[n] = label;
            Span<float> image = images.AsSpan(n * shape.Length, shape.Length);
            for (int i = 0; i < image.Length; i++)
            {
                int row = i / 6;
                image[i] = random.NextSingle() + (row / 2 == label ? 0.35f : 0f);
            }
        }

        return new ImageDataset(images, labels, shape, classCount: 3);
    }
}

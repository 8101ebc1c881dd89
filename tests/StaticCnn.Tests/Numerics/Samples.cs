using System;

namespace StaticCnn.Tests.Numerics;

/// <summary>Deterministic test data.</summary>
public static class Samples
{
    public static float[] Uniform(int length, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + ((high - low) * (float)random.NextDouble());
        }

        return values;
    }

    public static double[] Widen(ReadOnlySpan<float> values)
    {
        double[] wide = new double[values.Length];
        for (int i = 0; i < wide.Length; i++)
        {
            wide[i] = values[i];
        }

        return wide;
    }
}

using System;

namespace StaticCnn.Tests.Numerics;

/// <summary>Deterministic test data.</summary>
public static class Samples
{
    /// <summary>
    /// Whether this process may tier its methods (the default). The ARM64 check runs with tiered compilation off
    /// (tests/StaticCnn.Arm64Check: under emulation every call is expensive), and then a method is compiled once,
    /// fully optimized, at its first call.
    /// </summary>
    public static bool Tiered { get; } = !AppContext.TryGetSwitch("System.Runtime.TieredCompilation", out bool enabled) || enabled;

    /// <summary>Calls before an allocation count: past tiered compilation's call-counting threshold (30), or 2 without tiering.</summary>
    public static int WarmUpCalls => Tiered ? 40 : 2;

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

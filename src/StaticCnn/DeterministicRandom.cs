using System;

namespace StaticCnn;

/// <summary>
/// A small, fast, seeded random number generator (SplitMix64) whose sequence is fixed by this library, not by
/// the runtime version, so that initialisation, shuffling and augmentation are reproducible everywhere.
/// A <c>stream</c> number gives independent sequences for the same seed (one per layer, per worker, ...).
/// </summary>
public struct DeterministicRandom
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/> and <paramref name="stream"/>.</summary>
    public DeterministicRandom(int seed, int stream = 0)
    {
        _state = Mix(((ulong)(uint)seed << 32) ^ (uint)stream ^ 0x5DEECE66DUL);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A float uniformly distributed in [0, 1), with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>A float uniformly distributed in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public float NextSingle(float low, float high) => low + ((high - low) * NextSingle());

    /// <summary>A double uniformly distributed in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer uniformly distributed in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt32(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);
    }

    /// <summary>A standard normal sample (Box-Muller).</summary>
    public float NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

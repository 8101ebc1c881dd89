using System;

namespace StaticCnn.Data;

/// <summary>Seeded shuffling whose result depends only on the random sequence, never on the runtime.</summary>
public static class Shuffle
{
    /// <summary>Fisher-Yates shuffle of <paramref name="values"/> in place.</summary>
    public static void InPlace(Span<int> values, ref DeterministicRandom random)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>Writes the permutation of 0..n-1 for <paramref name="random"/> into <paramref name="order"/> (n = its length).</summary>
    public static void Permutation(Span<int> order, ref DeterministicRandom random)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        InPlace(order, ref random);
    }
}

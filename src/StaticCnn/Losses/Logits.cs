using System;

namespace StaticCnn.Losses;

/// <summary>Helpers on one sample's logits.</summary>
public static class Logits
{
    /// <summary>The index of the largest value; the first one on ties. NaN never wins against a number.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("Expected at least one value.", nameof(values));
        }

        int best = 0;
        float bestValue = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > bestValue || (float.IsNaN(bestValue) && !float.IsNaN(values[i])))
            {
                best = i;
                bestValue = values[i];
            }
        }

        return best;
    }

    /// <summary>Writes the softmax of <paramref name="logits"/> (computed stably, shifted by the maximum) into <paramref name="probabilities"/>.</summary>
    /// <exception cref="ArgumentException">The spans are empty or of different lengths.</exception>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (logits.IsEmpty || probabilities.Length != logits.Length)
        {
            throw new ArgumentException(
                $"Expected non-empty logits and probabilities of the same length; got {logits.Length} and {probabilities.Length}.",
                nameof(probabilities));
        }

        float max = logits[0];
        for (int i = 1; i < logits.Length; i++)
        {
            max = MathF.Max(max, logits[i]);
        }

        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            sum += Math.Exp((double)logits[i] - max);
        }

        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = (float)(Math.Exp((double)logits[i] - max) / sum);
        }
    }
}

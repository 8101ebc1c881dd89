using System;

namespace StaticCnn.Losses;

/// <summary>The argument checks every loss shares, with messages naming what was expected.</summary>
internal static class LossArguments
{
    public static void Check(ReadOnlySpan<float> logits, int label, Span<float> logitGradient)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("Expected at least one logit.", nameof(logits));
        }

        if (!logitGradient.IsEmpty && logitGradient.Length != logits.Length)
        {
            throw new ArgumentException(
                $"logitGradient has {logitGradient.Length} floats; expected 0 or logits.Length = {logits.Length}.",
                nameof(logitGradient));
        }

        if ((uint)label >= (uint)logits.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(label), label, $"Expected a class index in [0, {logits.Length}).");
        }
    }
}

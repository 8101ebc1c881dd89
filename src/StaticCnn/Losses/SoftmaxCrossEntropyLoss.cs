using System;

namespace StaticCnn.Losses;

/// <summary>
/// Softmax followed by cross-entropy, fused and numerically stable: with <c>m = max(z)</c> and
/// <c>log Z = m + log(sum exp(z_i - m))</c>, the loss is <c>log Z - sum_i q_i z_i</c> and the gradient
/// <c>softmax(z)_i - q_i</c>, where the target <c>q</c> is one-hot on the label, or with label smoothing
/// <c>eps</c>: <c>q_i = (1 - eps) [i = label] + eps / K</c> (<c>torch.nn.CrossEntropyLoss(label_smoothing=eps)</c>
/// on one sample). No exponential can overflow, and the loss stays finite for any finite logits.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : ILoss
{
    /// <summary>Plain cross-entropy against the one-hot label.</summary>
    public SoftmaxCrossEntropyLoss()
        : this(0f)
    {
    }

    /// <summary>Cross-entropy against a smoothed target.</summary>
    /// <param name="labelSmoothing">The share <c>eps</c> of probability spread evenly over all classes, in [0, 1).</param>
    public SoftmaxCrossEntropyLoss(float labelSmoothing)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Expected a label smoothing in [0, 1).");
        }

        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The label smoothing <c>eps</c> (0 for plain cross-entropy).</summary>
    public float LabelSmoothing { get; }

    /// <inheritdoc/>
    public string Name => LabelSmoothing == 0f ? "softmax cross-entropy" : $"softmax cross-entropy (label smoothing {LabelSmoothing})";

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> logits, int label, Span<float> logitGradient)
    {
        LossArguments.Check(logits, label, logitGradient);
        int k = logits.Length;
        float max = logits[0];
        for (int i = 1; i < k; i++)
        {
            max = MathF.Max(max, logits[i]);
        }

        // Shifted exponentials are in (0, 1], so the sum is in [1, K]: no overflow, no underflow to a zero sum.
        double sum = 0;
        for (int i = 0; i < k; i++)
        {
            sum += Math.Exp((double)logits[i] - max);
        }

        double logZ = max + Math.Log(sum);
        double offLabel = (double)LabelSmoothing / k;
        double onLabel = 1.0 - LabelSmoothing + offLabel;
        double targetDotLogits = 0;
        if (LabelSmoothing == 0f)
        {
            targetDotLogits = logits[label];
        }
        else
        {
            for (int i = 0; i < k; i++)
            {
                targetDotLogits += (i == label ? onLabel : offLabel) * logits[i];
            }
        }

        if (!logitGradient.IsEmpty)
        {
            double inverseSum = 1.0 / sum;
            for (int i = 0; i < k; i++)
            {
                double probability = Math.Exp((double)logits[i] - max) * inverseSum;
                logitGradient[i] = (float)(probability - (i == label ? onLabel : offLabel));
            }
        }

        return (float)(logZ - targetDotLogits);
    }
}

using System;

namespace StaticCnn.Losses;

/// <summary>
/// The multiclass SVM hinge loss (Weston-Watkins, as in CS231n): <c>L = sum over j != y of max(0, z_j - z_y + margin)</c>.
/// Its (sub)gradient is 1 for every class j whose margin is violated (<c>z_j - z_y + margin &gt; 0</c>), minus the
/// number of violations for the true class y, and 0 elsewhere. With <see cref="AverageOverClasses"/> the loss and
/// gradient are divided by the class count K, which is <c>torch.nn.MultiMarginLoss(p=1, margin)</c> on one sample.
/// </summary>
public sealed class MulticlassHingeLoss : ILoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">The margin by which the true class must beat every other; positive and finite.</param>
    /// <param name="averageOverClasses">Divide by the class count, as PyTorch's <c>MultiMarginLoss</c> does.</param>
    public MulticlassHingeLoss(float margin = 1f, bool averageOverClasses = false)
    {
        if (!(margin > 0f && float.IsFinite(margin)))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "Expected a positive, finite margin.");
        }

        Margin = margin;
        AverageOverClasses = averageOverClasses;
    }

    /// <summary>The margin (the CS231n delta).</summary>
    public float Margin { get; }

    /// <summary>Whether loss and gradient are divided by the class count.</summary>
    public bool AverageOverClasses { get; }

    /// <inheritdoc/>
    public string Name => AverageOverClasses ? "multiclass hinge (averaged over classes)" : "multiclass hinge";

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> logits, int label, Span<float> logitGradient)
    {
        LossArguments.Check(logits, label, logitGradient);
        int k = logits.Length;
        float scale = AverageOverClasses ? 1f / k : 1f;
        float correct = logits[label];
        float loss = 0f;
        int violations = 0;
        for (int j = 0; j < k; j++)
        {
            if (j == label)
            {
                continue;
            }

            float margin = logits[j] - correct + Margin;
            bool violated = margin > 0f;
            if (violated)
            {
                loss += margin;
                violations++;
            }

            if (!logitGradient.IsEmpty)
            {
                logitGradient[j] = violated ? scale : 0f;
            }
        }

        if (!logitGradient.IsEmpty)
        {
            logitGradient[label] = -violations * scale;
        }

        return loss * scale;
    }
}

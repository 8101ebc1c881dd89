using System;

namespace StaticCnn.Losses;

/// <summary>
/// A classification loss over one sample's logits (the raw outputs of a network's last layer) and its label.
/// Implementations allocate nothing and keep no per-call state, so one instance may be shared by every worker.
/// </summary>
public interface ILoss
{
    /// <summary>A short name for logs and reports, e.g. <c>softmax cross-entropy</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Returns the loss of <paramref name="logits"/> for the true class <paramref name="label"/> and writes
    /// dLoss/dLogits into <paramref name="logitGradient"/>, unless it is empty (evaluation only needs the loss).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty, or <paramref name="logitGradient"/> is neither empty nor as long as <paramref name="logits"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is not in [0, logits.Length).</exception>
    float Compute(ReadOnlySpan<float> logits, int label, Span<float> logitGradient);
}

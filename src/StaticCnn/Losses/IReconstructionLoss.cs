using System;

namespace StaticCnn.Losses;

/// <summary>
/// A loss over one sample's outputs and a target of the same length (regression, reconstruction), as
/// <see cref="ILoss"/> is for a class label. Implementations allocate nothing and keep no per-call state, so one
/// instance may be shared by every worker.
/// </summary>
public interface IReconstructionLoss
{
    /// <summary>A short name for logs and reports, e.g. <c>mean squared error</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Returns the loss of <paramref name="outputs"/> against <paramref name="targets"/> and writes dLoss/dOutputs
    /// into <paramref name="outputGradient"/>, unless it is empty (scoring only needs the loss).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="outputs"/> is empty, <paramref name="targets"/> is not as long as it, or <paramref name="outputGradient"/> is neither empty nor as long as it.</exception>
    float Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> outputGradient);
}

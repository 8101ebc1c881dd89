using System;

namespace StaticCnn;

/// <summary>
/// Batch normalisation: after a convolution, per channel over the batch and the plane (PyTorch's
/// <c>nn.BatchNorm2d</c>); after a Dense layer, per feature over the batch (<c>nn.BatchNorm1d</c>). In training mode
/// (<see cref="INetwork.Training"/>) it normalises with the mini-batch's mean and biased variance and updates the
/// running statistics; in evaluation mode (the default) it uses the running statistics, and a BatchNorm right after a
/// convolution or dense layer is folded into that layer's outputs, so it costs nothing at inference. Parameters: weight
/// (gamma, initialised to 1) and bias (beta, 0) per channel; buffers (<see cref="INetwork.Buffers"/>): running mean (0),
/// running variance (1) and the number of batches tracked, saved with the weights under PyTorch's <c>state_dict</c>
/// names.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Declares a batch normalisation layer.</summary>
    /// <param name="features">
    /// The channels (or features) it normalises, as PyTorch's <c>num_features</c>: checked against its input at compile
    /// time; 0 (the default) takes the input's.
    /// </param>
    public BatchNormAttribute(int features = 0) => Features = features;

    /// <summary>The declared channel or feature count (0: the input's).</summary>
    public int Features { get; }

    /// <summary>
    /// Added to the variance before its square root. When not set, the network's
    /// <see cref="NetworkAttribute.BatchNormEpsilon"/> (by default 1e-5, PyTorch's; Keras's is 1e-3).
    /// </summary>
    public float Epsilon { get; set; } = 1e-5f;

    /// <summary>
    /// The weight of a new batch's statistics in the running ones, PyTorch's convention (default 0.1):
    /// <c>running = (1 - Momentum) * running + Momentum * batch</c>. Keras's <c>momentum=0.99</c> is PyTorch's 0.01.
    /// When not set, the network's <see cref="NetworkAttribute.BatchNormMomentum"/> (by default 0.1).
    /// </summary>
    public float Momentum { get; set; } = 0.1f;
}

/// <summary>
/// Inverted dropout: in training mode each value is kept with probability <c>1 - p</c> and scaled by <c>1 / (1 - p)</c>,
/// the others zeroed, by a mask that depends only on <see cref="INetwork.TrainingSeed"/>, the training step, the layer
/// and the sample (so it is the same whatever the worker count); in evaluation mode it is the identity and costs
/// nothing. No parameters (PyTorch's <c>nn.Dropout(p)</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares a dropout layer.</summary>
    /// <param name="probability">The probability p that a value is zeroed, in [0, 1).</param>
    public DropoutAttribute(float probability) => Probability = probability;

    /// <summary>The probability that a value is zeroed.</summary>
    public float Probability { get; }
}

namespace StaticCnn.Kernels;

/// <summary>
/// A generated network's kernels over a range of batch slots, layer by layer: every layer runs over all the
/// samples of the range before the next starts, so its weights are read from cache once per layer rather than
/// once per sample. <see cref="NetworkStorage"/> drives these for the batched APIs.
/// </summary>
public abstract class BatchKernels
{
    /// <summary>
    /// Forward over slots [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>), each
    /// holding its sample at <see cref="BatchLayout.Input"/>; leaves every activation in its slot.
    /// </summary>
    public abstract void Forward(NetworkStorage storage, int first, int count);

    /// <summary>
    /// Backward over the same slots from the output gradients at <see cref="BatchLayout.OutputGradient"/>, adding
    /// the parameter gradients of every sample, in slot order, into <paramref name="gradients"/>; writes each
    /// slot's input gradient when <paramref name="inputGradients"/> is set.
    /// </summary>
    public abstract void Backward(NetworkStorage storage, float[] gradients, int first, int count, bool inputGradients);

    /// <summary>Writes the constant parts of a new workspace (e.g. the -infinity borders of padded max pooling).</summary>
    public abstract void Prepare(float[] workspace);

    /// <summary>
    /// Brings <see cref="NetworkStorage.Transformed"/> up to date with the parameters before a batched forward pass,
    /// on the calling thread, so that the slots and workers only read it. Nothing by default.
    /// </summary>
    public virtual void PrepareWeights(NetworkStorage storage)
    {
    }

    /// <summary>
    /// As <see cref="PrepareWeights"/>, for the forms the backward pass multiplies with (Winograd's flipped filters
    /// for input gradients), before a batched backward pass. Nothing by default.
    /// </summary>
    public virtual void PrepareBackwardWeights(NetworkStorage storage)
    {
    }
}

/// <summary>Where a sample's input, output and their gradients live in every workspace.</summary>
/// <param name="Input">Offset of the input sample.</param>
/// <param name="InputLength">Floats per input sample.</param>
/// <param name="Output">Offset of the last layer's output.</param>
/// <param name="OutputLength">Floats per output sample.</param>
/// <param name="OutputGradient">Offset of dLoss/dOutput.</param>
/// <param name="InputGradient">Offset of dLoss/dInput.</param>
public readonly record struct BatchLayout(int Input, int InputLength, int Output, int OutputLength, int OutputGradient, int InputGradient);

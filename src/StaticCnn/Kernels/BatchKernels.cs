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
    /// Whether batched inference on one worker should run whole chunks of <see cref="NetworkStorage.BatchCapacity"/>
    /// samples layer by layer (its Dense layers then multiply four samples per pass over their weights) rather than
    /// sample by sample through one workspace. False by default; the generator says true for networks above the
    /// layer-by-layer threshold that have Dense layers.
    /// </summary>
    public virtual bool BatchesInference => false;

    /// <summary>
    /// As <see cref="PrepareWeights"/>, for the inference plan of a network with BatchNorm or Dropout (its layers keep
    /// transformed weights of their own), before batched inference. By default the one plan serves both.
    /// </summary>
    public virtual void PrepareInferenceWeights(NetworkStorage storage) => PrepareWeights(storage);

    /// <summary>
    /// As <see cref="PrepareWeights"/>, for the forms the backward pass multiplies with (Winograd's flipped filters
    /// for input gradients), before a batched backward pass. Nothing by default.
    /// </summary>
    public virtual void PrepareBackwardWeights(NetworkStorage storage)
    {
    }

    /// <summary>
    /// Phases of a <see cref="NetworkStorage.ForwardBatch"/> in <paramref name="training"/> mode: 1, or in training mode
    /// one more per BatchNorm layer, whose batch statistics need every sample of the batch before the next phase.
    /// </summary>
    public virtual int ForwardPhases(bool training) => 1;

    /// <summary>
    /// One phase of a forward pass that keeps its activations for backward (<see cref="NetworkStorage.ForwardBatch"/>),
    /// over slots [<paramref name="first"/>, first + count), in training or evaluation mode. By default (networks
    /// whose layers compute the same in both modes) <see cref="Forward(NetworkStorage, int, int)"/>.
    /// </summary>
    public virtual void Forward(NetworkStorage storage, int first, int count, int phase, bool training) => Forward(storage, first, count);

    /// <summary>
    /// Between training-mode forward phases <paramref name="phase"/> and phase + 1, on the calling thread: the BatchNorm
    /// that ends the phase combines the samples' statistics (in sample order: the same numbers whatever the worker
    /// count) and updates its running statistics.
    /// </summary>
    public virtual void ForwardSync(NetworkStorage storage, int count, int phase)
    {
    }

    /// <summary>Phases of a <see cref="NetworkStorage.BackwardBatch"/> after a forward in <paramref name="training"/> mode.</summary>
    public virtual int BackwardPhases(bool training) => 1;

    /// <summary>One phase of a backward pass; by default <see cref="Backward(NetworkStorage, float[], int, int, bool)"/>.</summary>
    public virtual void Backward(NetworkStorage storage, float[] gradients, int first, int count, bool inputGradients, int phase, bool training) =>
        Backward(storage, gradients, first, count, inputGradients);

    /// <summary>
    /// Between training-mode backward phases, on the calling thread: the BatchNorm that ends the phase combines the
    /// samples' gradient sums and adds its weight and bias gradients into <see cref="NetworkStorage.Gradients"/>.
    /// </summary>
    public virtual void BackwardSync(NetworkStorage storage, int count, int phase)
    {
    }

    /// <summary>
    /// Before an evaluation-mode pass, on the calling thread: every BatchNorm's scale and shift from its running
    /// statistics (a BatchNorm after a convolution or dense layer is folded into that layer's outputs).
    /// </summary>
    public virtual void PrepareEvaluation(NetworkStorage storage)
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
/// <param name="InferenceOutput">
/// Offset of the last layer's output in batched inference, for a network whose inference runs a plan of its own
/// (BatchNorm folded, Dropout left out); -1: <paramref name="Output"/>.
/// </param>
public readonly record struct BatchLayout(int Input, int InputLength, int Output, int OutputLength, int OutputGradient, int InputGradient, int InferenceOutput = -1)
{
    /// <summary>Where batched inference finds each sample's output.</summary>
    public int InferenceResult => InferenceOutput < 0 ? Output : InferenceOutput;
}

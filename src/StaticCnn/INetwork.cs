using System;
using System.Collections.Generic;
using StaticCnn.Kernels;

namespace StaticCnn;

/// <summary>
/// What every generated network implements, so that trainers, exporters and tools can take any of them.
/// The generated class also exposes the same facts as constants (<c>InputLength</c>, <c>OutputLength</c>,
/// <c>ParameterCount</c>) and a static <c>Summary</c>.
/// </summary>
public interface INetwork
{
    /// <summary>C*H*W of one input sample.</summary>
    int InputLength { get; }

    /// <summary>Length of the last layer's output (the logits) for one sample.</summary>
    int OutputLength { get; }

    /// <summary>Number of learnable floats.</summary>
    int ParameterCount { get; }

    /// <summary>The input shape declared by <see cref="NetworkAttribute"/>.</summary>
    TensorShape InputShape { get; }

    /// <summary>The layers top to bottom, with their shapes and where their parameters live.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>The model-summary table (layer, output shape, parameters; totals), culture-invariant.</summary>
    string Summary { get; }

    /// <summary>
    /// All learnable floats, layer by layer in declaration order, each layer its weight then its bias, in
    /// PyTorch's layout (Conv2D <c>[filters, inChannels, k, k]</c>, Dense <c>[units, inputs]</c>).
    /// Writes through this span are seen by the next <see cref="Forward(ReadOnlySpan{float}, Span{float})"/>.
    /// Throws <see cref="InvalidOperationException"/> while <see cref="ParametersFrozen"/>.
    /// </summary>
    Span<float> Parameters { get; }

    /// <summary>The same floats as <see cref="Parameters"/>, read-only; readable while frozen (saving, exporting).</summary>
    ReadOnlySpan<float> ParameterValues { get; }

    /// <summary>Gradients of the loss with respect to <see cref="Parameters"/>, same length and layout.</summary>
    Span<float> Gradients { get; }

    /// <summary>Floats of state that is saved with the weights but not learned (BatchNorm running statistics); 0 for most networks.</summary>
    int BufferCount { get; }

    /// <summary>
    /// The buffers, layer by layer: per BatchNorm its running mean [C], running variance [C] and number of batches
    /// tracked (1 value), PyTorch's <c>state_dict</c> buffers. Training-mode forward passes update them; writes are seen
    /// by the next Forward. Throws <see cref="InvalidOperationException"/> while <see cref="ParametersFrozen"/>.
    /// </summary>
    Span<float> Buffers { get; }

    /// <summary>The same floats as <see cref="Buffers"/>, read-only; readable while frozen.</summary>
    ReadOnlySpan<float> BufferValues { get; }

    /// <summary>
    /// Whether the parameters and buffers are frozen for inference (<see cref="FreezeParameters"/>); false on a new
    /// network.
    /// </summary>
    bool ParametersFrozen { get; }

    /// <summary>
    /// Freezes the parameters and buffers for deployment, as an inference engine holds its weights constant: until
    /// <see cref="UnfreezeParameters"/>, <see cref="Parameters"/>, <see cref="Buffers"/>, setting <see cref="Training"/>
    /// to true and <see cref="InitializeParameters"/> throw <see cref="InvalidOperationException"/>, so that inference
    /// makes its derived weights (transposed filters, Winograd transforms, folded BatchNorm scales) once, on the next
    /// Forward, instead of comparing them with the parameters on every call. Writes through a span taken before freezing
    /// are not seen until the network is unfrozen. Throws <see cref="InvalidOperationException"/> in training mode.
    /// </summary>
    void FreezeParameters();

    /// <summary>Ends <see cref="FreezeParameters"/>: the spans are writable again and every Forward checks its derived weights.</summary>
    void UnfreezeParameters();

    /// <summary>
    /// Training or evaluation mode (PyTorch's <c>model.train()</c> / <c>model.eval()</c>); false, evaluation, on a new
    /// network. In training mode BatchNorm normalises with the statistics of the batch being run (all the samples of a
    /// ForwardBatch; a per-sample Forward is a batch of one) and updates its running statistics, and Dropout drops; in
    /// evaluation mode BatchNorm uses the running statistics (folded into the layer before it) and Dropout is the
    /// identity. Networks without either layer compute the same in both modes. The batched inference
    /// <see cref="Forward(ReadOnlySpan{float}, Span{float}, int)"/> always evaluates.
    /// </summary>
    bool Training { get; set; }

    /// <summary>
    /// The seed of Dropout's masks (default 0): the mask of a sample depends only on this seed, the training step (one
    /// per training-mode forward call), the layer and the sample's position in its batch, so it is the same whatever
    /// the worker count.
    /// </summary>
    int TrainingSeed { get; set; }

    /// <summary>
    /// The SIMD width the kernels run with; defaults to <see cref="SimdSupport.Default"/>. Setting a width this
    /// machine cannot run throws <see cref="NotSupportedException"/>.
    /// </summary>
    SimdWidth VectorWidth { get; set; }

    /// <summary>Deterministically initialises every parameter for <paramref name="seed"/>.</summary>
    void InitializeParameters(int seed);

    /// <summary>Runs one sample (C,H,W floats) through the network and writes the last layer's raw outputs.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, Span{float})"/> in evaluation mode, recording where the time goes:
    /// <paramref name="layerTimestamps"/> (<c>Layers.Count + 1</c> values) gets the
    /// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> before the first layer (element 0) and after each layer
    /// (element k for layer k, 1-based), so layer k took element k minus element k - 1. A layer fused into the one before
    /// it (a folded BatchNorm, an in-place ReLU, Dropout at inference) shows about zero. Allocates nothing;
    /// <see cref="Metrics.LayerProfile"/> turns repeated calls into per-layer figures.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the documented length.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Training"/> is true (the profile is of the inference pass).</exception>
    void ForwardProfiled(ReadOnlySpan<float> input, Span<float> output, Span<long> layerTimestamps);

    /// <summary>
    /// Back-propagates dLoss/dOutput through the most recent <see cref="Forward(ReadOnlySpan{float}, Span{float})"/> on this instance, adds the
    /// parameter gradients into <see cref="Gradients"/> and writes dLoss/dInput into
    /// <paramref name="inputGradient"/> unless it is empty.
    /// </summary>
    void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>
    /// Samples one batched call holds at once (default 1). <see cref="ForwardBatch"/> takes at most this many;
    /// batched inference on several workers runs in chunks of it (on one, it needs no more than 1). Setting it
    /// allocates one workspace per sample, once; the batched calls then allocate nothing.
    /// </summary>
    int BatchCapacity { get; set; }

    /// <summary>
    /// Threads the batched calls split their samples over, the caller's included (default 1). Each gets a
    /// contiguous range of samples and, in backward, its own gradient buffer; the buffers are added into
    /// <see cref="Gradients"/> in worker order, so results are deterministic for a given worker count. Setting
    /// it starts the threads and allocates the buffers, once.
    /// </summary>
    int BatchWorkers { get; set; }

    /// <summary>
    /// Inference on <paramref name="count"/> samples stored one after another in <paramref name="inputs"/>
    /// (<c>count * InputLength</c> floats), writing <c>count * OutputLength</c> floats. With one worker, sample by
    /// sample through one workspace, which stays in cache; with several, in chunks of <see cref="BatchCapacity"/>
    /// samples split between them. Keeps no activations for backward.
    /// </summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int count);

    /// <summary>
    /// Training forward on <paramref name="count"/> samples (at most <see cref="BatchCapacity"/>), layer by
    /// layer, keeping every sample's activations for <see cref="BackwardBatch"/>.
    /// </summary>
    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int count);

    /// <summary>
    /// Back-propagates the <paramref name="count"/> output gradients (one per sample of the last
    /// <see cref="ForwardBatch"/>, which must have had the same count): ADDS the sum of the samples' parameter
    /// gradients into <see cref="Gradients"/> and writes each sample's dLoss/dInput into
    /// <paramref name="inputGradients"/> unless it is empty.
    /// </summary>
    void BackwardBatch(ReadOnlySpan<float> outputGradients, Span<float> inputGradients, int count);
}

using System;
using System.Numerics;

namespace StaticCnn.Kernels;

/// <summary>
/// The arrays a generated network owns, allocated once in its constructor: parameters, gradients, one
/// workspace holding every activation and scratch buffer at constant offsets, and the transformed weights.
/// Generated code reads and writes these fields directly; nothing is allocated after construction.
/// For the batched APIs it also owns one workspace per batch slot (<see cref="Slots"/>, slot 0 being
/// <see cref="Workspace"/>), one gradient buffer per extra worker, and the worker threads; these are allocated
/// when <see cref="BatchCapacity"/> or <see cref="Workers"/> is set, never by a batched call.
/// </summary>
public sealed class NetworkStorage
{
    private readonly BatchKernels? _kernels;
    private readonly BatchLayout _layout;
    private readonly Action<int> _work;
    private float[][] _slots;
    private float[][] _workerGradients = [];
    private WorkerPool? _pool;
    private int _workers = 1;

    // The batched call the workers are running: forward or backward, over how many slots.
    private bool _backward;
    private bool _inputGradients;
    private int _count;
    private int _phase;
    private bool _training;

    /// <summary>Allocates every array a network needs, <paramref name="transformedLength"/> floats of transformed weights included.</summary>
    public NetworkStorage(int parameterCount, int workspaceLength, int transformedLength)
        : this(parameterCount, 0, workspaceLength, transformedLength)
    {
    }

    /// <summary>Allocates every array a network needs, <paramref name="bufferCount"/> floats of buffers (running statistics) included.</summary>
    public NetworkStorage(int parameterCount, int bufferCount, int workspaceLength, int transformedLength)
    {
        Parameters = Memory.AllocateAligned(parameterCount);
        Gradients = Memory.AllocateAligned(parameterCount);
        Buffers = Memory.AllocateAligned(bufferCount);
        Workspace = Memory.AllocateAligned(workspaceLength);
        Transformed = Memory.AllocateAligned(transformedLength);
        _slots = [Workspace];
        _work = RunWorker;
        if (bufferCount > 0)
        {
            // Evaluation-mode BatchNorm reads its epsilon as written (BatchNormKernels.AsWritten formats and parses
            // it), and a process's first number formatting initialises the invariant culture's number format (about
            // 1 KB, once). Done here, so that the first Forward allocates nothing, as every later one (found by the
            // NativeAOT sample, whose first ResNet-8 inference allocated 1,240 bytes).
            _ = BatchNormKernels.AsWritten(1e-5f);
        }
    }

    /// <summary>
    /// Allocates every array a network needs, <paramref name="transformedLength"/> floats of transformed weights
    /// included, with the kernels and layout its batched APIs run.
    /// </summary>
    public NetworkStorage(int parameterCount, int workspaceLength, int transformedLength, BatchKernels kernels, BatchLayout layout)
        : this(parameterCount, 0, workspaceLength, transformedLength, kernels, layout)
    {
    }

    /// <summary>
    /// Allocates every array a network needs, <paramref name="bufferCount"/> floats of buffers and
    /// <paramref name="transformedLength"/> floats of transformed weights included, with the kernels and layout its
    /// batched APIs run.
    /// </summary>
    public NetworkStorage(int parameterCount, int bufferCount, int workspaceLength, int transformedLength, BatchKernels kernels, BatchLayout layout)
        : this(parameterCount, bufferCount, workspaceLength, transformedLength)
    {
        _kernels = kernels;
        _layout = layout;
        kernels.Prepare(Workspace);
    }

    /// <summary>
    /// Whether the parameters and buffers are frozen for inference (<see cref="INetwork.FreezeParameters"/>): the
    /// generated members that could change them throw, so inference prepares its derived weights (transposed filters,
    /// Winograd's U, folded BatchNorm scales) once and then skips the comparisons that find out whether they are stale.
    /// </summary>
    public bool Frozen { get; private set; }

    private bool _preparedWhileFrozen;

    /// <summary>
    /// Freezes the parameters and buffers for <paramref name="networkName"/>'s <c>FreezeParameters</c>; training-mode
    /// passes update the running statistics, so freezing in training mode throws.
    /// </summary>
    public void Freeze(string networkName)
    {
        if (Training)
        {
            throw new InvalidOperationException($"{networkName}: FreezeParameters freezes a network for inference; set Training = false first.");
        }

        Frozen = true;
        _preparedWhileFrozen = false;
    }

    /// <summary>Unfreezes them: every inference pass checks its derived weights again.</summary>
    public void Unfreeze()
    {
        Frozen = false;
        _preparedWhileFrozen = false;
    }

    /// <summary>
    /// Before an inference pass (per-sample or batched): the inference plan's derived weights (transposed filters,
    /// Winograd's U, folded BatchNorm scales) compared with the parameters and buffers they came from and remade if
    /// stale; skipped when frozen and prepared once since (nothing can have changed them).
    /// </summary>
    public void PrepareInference()
    {
        if (_preparedWhileFrozen)
        {
            return;
        }

        BatchKernels kernels = Kernels;
        kernels.PrepareInferenceWeights(this);
        kernels.PrepareEvaluation(this);
        _preparedWhileFrozen = Frozen;
    }

    /// <summary>The learnable parameters, in PyTorch's layout.</summary>
    public readonly float[] Parameters;

    /// <summary>The accumulated gradients, same layout as <see cref="Parameters"/>.</summary>
    public readonly float[] Gradients;

    /// <summary>State saved with the weights but not learned: the BatchNorm layers' running statistics.</summary>
    public readonly float[] Buffers;

    /// <summary>Training mode (BatchNorm uses batch statistics, Dropout drops); false, evaluation, on a new network.</summary>
    public bool Training;

    /// <summary>The seed of Dropout's masks.</summary>
    public int TrainingSeed;

    /// <summary>Training-mode forward calls so far: the step that Dropout's masks depend on.</summary>
    public long TrainingStep;

    /// <summary>The mode of the forward pass whose activations the slots hold (its backward runs in the same mode).</summary>
    public bool ForwardTraining { get; private set; }

    /// <summary>Activations and scratch space, every buffer at an offset fixed by the generator.</summary>
    public readonly float[] Workspace;

    /// <summary>
    /// Weights in the form some kernels multiply with (Winograd's transformed filters), with a copy of the weights
    /// they were computed from: shared by every batch slot and worker, brought up to date before a forward pass.
    /// </summary>
    public readonly float[] Transformed;

    /// <summary>Set by Forward; Backward needs the activations of a Forward.</summary>
    public bool HasForward;

    /// <summary>The SIMD width the kernels run with.</summary>
    public SimdWidth Width = SimdSupport.Default;

    /// <summary>
    /// While a profiled per-sample Forward runs (<see cref="INetwork.ForwardProfiled"/>): element 0 gets
    /// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> before the first layer and element k (1-based layer index)
    /// when layer k is done; a layer computed inside another (a folded BatchNorm, an in-place ReLU, Dropout at inference)
    /// is stamped when the next step starts, so its time is about zero. Null otherwise: the check costs one compare per layer.
    /// </summary>
    public long[]? LayerTimestamps;

    /// <summary>Samples whose activations the last <see cref="ForwardBatch"/> kept (0: none).</summary>
    public int BatchCount { get; private set; }

    /// <summary>Records a per-sample Forward: slot 0 now holds its activations, no longer a batch's.</summary>
    public void MarkForward()
    {
        HasForward = true;
        BatchCount = 0;
        NeedsRecompute = false;
    }

    /// <summary>One workspace per batch slot; slot 0 is <see cref="Workspace"/>.</summary>
    public ReadOnlySpan<float[]> Slots => _slots;

    /// <summary>
    /// Samples one batched call holds at once (at least 1): the training pair takes at most this many, batched
    /// inference runs in chunks of it. Setting it allocates (or drops) one workspace per slot.
    /// </summary>
    public int BatchCapacity
    {
        get => _slots.Length;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            if (value == _slots.Length)
            {
                return;
            }

            var slots = new float[value][];
            for (int i = 0; i < value; i++)
            {
                slots[i] = i < _slots.Length ? _slots[i] : NewWorkspace();
            }

            _slots = slots;
            BatchCount = 0;
        }
    }

    /// <summary>
    /// Threads a batched call splits its samples over (the caller's included). Each worker takes a contiguous
    /// range of slots; backward adds each worker's gradients into <see cref="Gradients"/> in worker order, so
    /// results are deterministic for a given worker count. Setting it starts (or stops) the threads.
    /// </summary>
    public int Workers
    {
        get => _workers;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            if (value == _workers)
            {
                return;
            }

            _pool?.Dispose();
            _pool = value > 1 ? new WorkerPool(value) : null;
            _workerGradients = new float[value][];
            for (int i = 0; i < value; i++)
            {
                _workerGradients[i] = Memory.AllocateAligned(Parameters.Length);
            }

            _workers = value;
        }
    }

    /// <summary>
    /// Inference over <paramref name="count"/> samples. With one worker, one sample at a time through slot 0 (unless
    /// <see cref="BatchKernels.BatchesInference"/>: then in chunks of <see cref="BatchCapacity"/>, layer by layer), so
    /// that its activations stay in cache from layer to layer (64 slots in turn sent every sample's workspace out to
    /// memory and back: the small VGG ran 641 us per sample against 587 us at batch 1). With several workers, in
    /// chunks of <see cref="BatchCapacity"/> split between them. Leaves no activations for backward.
    /// </summary>
    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        HasForward = false;
        BatchCount = 0;
        PrepareInference();
        int chunk = ActiveWorkers(count) == 1 && !Kernels.BatchesInference ? 1 : _slots.Length;
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            ForwardChunk(inputs, outputs, start, n);
        }
    }

    /// <summary>
    /// Training forward over <paramref name="count"/> samples (at most <see cref="BatchCapacity"/>): keeps every
    /// sample's activations for <see cref="BackwardBatch"/>.
    /// </summary>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        HasForward = false;
        BatchCount = 0;
        BatchKernels kernels = Kernels;
        kernels.PrepareWeights(this);
        bool training = Training;
        if (training)
        {
            TrainingStep++;
        }
        else
        {
            kernels.PrepareEvaluation(this);
        }

        BatchLayout layout = _layout;
        for (int i = 0; i < count; i++)
        {
            inputs.Slice(i * layout.InputLength, layout.InputLength).CopyTo(_slots[i].AsSpan(layout.Input, layout.InputLength));
        }

        int phases = kernels.ForwardPhases(training);
        for (int phase = 0; phase < phases; phase++)
        {
            if (ActiveWorkers(count) == 1)
            {
                kernels.Forward(this, 0, count, phase, training);
            }
            else
            {
                Launch(backward: false, count, inputGradients: false, phase, training);
            }

            if (phase + 1 < phases)
            {
                kernels.ForwardSync(this, count, phase);
            }
        }

        for (int i = 0; i < count; i++)
        {
            _slots[i].AsSpan(layout.Output, layout.OutputLength).CopyTo(outputs.Slice(i * layout.OutputLength, layout.OutputLength));
        }

        ForwardTraining = training;
        BatchCount = count;
    }

    /// <summary>
    /// The last per-sample Forward ran the inference plan (BatchNorm folded, Dropout left out), which keeps no
    /// activations for backward: a Backward first recomputes the training plan's forward in evaluation mode.
    /// </summary>
    public bool NeedsRecompute { get; private set; }

    /// <summary>Records a per-sample evaluation-mode Forward of a network with BatchNorm or Dropout, run by the inference plan in slot 0.</summary>
    public void MarkInferenceForward()
    {
        HasForward = true;
        BatchCount = 0;
        NeedsRecompute = true;
    }

    /// <summary>
    /// Before a per-sample Backward after an evaluation-mode Forward: the training plan's forward on slot 0's input in
    /// evaluation mode (the running statistics, no dropout), which keeps the activations the backward pass reads.
    /// </summary>
    public void RecomputeForward()
    {
        BatchKernels kernels = Kernels;
        kernels.PrepareWeights(this);
        kernels.PrepareEvaluation(this);
        kernels.Forward(this, 0, 1, 0, training: false);
        ForwardTraining = false;
        BatchCount = 1;
        NeedsRecompute = false;
    }

    /// <summary>
    /// A per-sample Forward of a network with BatchNorm or Dropout: a batch of one in slot 0, in the current mode, whose
    /// activations the per-sample Backward uses.
    /// </summary>
    public void ForwardSample(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardBatch(input, output, 1);
        HasForward = true;
        NeedsRecompute = false;
    }

    /// <summary>
    /// Backward over the samples of the last <see cref="ForwardBatch"/>: adds the sum of their parameter
    /// gradients into <see cref="Gradients"/> and writes each sample's input gradient unless
    /// <paramref name="inputGradients"/> is empty.
    /// </summary>
    public void BackwardBatch(ReadOnlySpan<float> outputGradients, Span<float> inputGradients, int count)
    {
        BatchKernels kernels = Kernels;
        BatchLayout layout = _layout;
        for (int i = 0; i < count; i++)
        {
            outputGradients.Slice(i * layout.OutputLength, layout.OutputLength).CopyTo(_slots[i].AsSpan(layout.OutputGradient, layout.OutputLength));
        }

        bool wantInput = !inputGradients.IsEmpty;
        kernels.PrepareBackwardWeights(this);
        bool training = ForwardTraining;
        int phases = kernels.BackwardPhases(training);
        int workers = ActiveWorkers(count);
        for (int phase = 0; phase < phases; phase++)
        {
            if (workers == 1)
            {
                kernels.Backward(this, Gradients, 0, count, wantInput, phase, training);
            }
            else
            {
                Launch(backward: true, count, wantInput, phase, training);
            }

            if (phase + 1 < phases)
            {
                kernels.BackwardSync(this, count, phase);
            }
        }

        if (workers > 1)
        {
            for (int w = 0; w < workers; w++)
            {
                Add(_workerGradients[w], Gradients);
            }
        }

        if (wantInput)
        {
            for (int i = 0; i < count; i++)
            {
                _slots[i].AsSpan(layout.InputGradient, layout.InputLength).CopyTo(inputGradients.Slice(i * layout.InputLength, layout.InputLength));
            }
        }
    }

    private BatchKernels Kernels => _kernels ?? throw new InvalidOperationException("This storage was created without batch kernels.");

    private void ForwardChunk(ReadOnlySpan<float> inputs, Span<float> outputs, int start, int count)
    {
        BatchKernels kernels = Kernels;
        BatchLayout layout = _layout;
        for (int i = 0; i < count; i++)
        {
            inputs.Slice((start + i) * layout.InputLength, layout.InputLength).CopyTo(_slots[i].AsSpan(layout.Input, layout.InputLength));
        }

        if (ActiveWorkers(count) == 1)
        {
            kernels.Forward(this, 0, count);
        }
        else
        {
            Launch(backward: false, count, inputGradients: false, phase: -1, training: false);
        }

        for (int i = 0; i < count; i++)
        {
            _slots[i].AsSpan(layout.InferenceResult, layout.OutputLength).CopyTo(outputs.Slice((start + i) * layout.OutputLength, layout.OutputLength));
        }
    }

    private int ActiveWorkers(int count) => Math.Min(_workers, count);

    /// <summary>Runs one pass on the workers; <paramref name="phase"/> -1 is batched inference, otherwise a phase of a pass that keeps activations.</summary>
    private void Launch(bool backward, int count, bool inputGradients, int phase, bool training)
    {
        _backward = backward;
        _count = count;
        _inputGradients = inputGradients;
        _phase = phase;
        _training = training;
        _pool!.Run(_work);
    }

    /// <summary>Worker w's share of the current call: slots [w*n/W, (w+1)*n/W).</summary>
    private void RunWorker(int worker)
    {
        int workers = ActiveWorkers(_count);
        if (worker >= workers)
        {
            return;
        }

        int first = worker * _count / workers;
        int count = ((worker + 1) * _count / workers) - first;
        if (_backward)
        {
            float[] gradients = _workerGradients[worker];
            if (_phase == 0)
            {
                Array.Clear(gradients);
            }

            _kernels!.Backward(this, gradients, first, count, _inputGradients, _phase, _training);
        }
        else if (_phase < 0)
        {
            _kernels!.Forward(this, first, count);
        }
        else
        {
            _kernels!.Forward(this, first, count, _phase, _training);
        }
    }

    private float[] NewWorkspace()
    {
        float[] workspace = Memory.AllocateAligned(Workspace.Length);
        _kernels?.Prepare(workspace);
        return workspace;
    }

    private static void Add(float[] source, float[] destination)
    {
        Span<float> d = destination;
        ReadOnlySpan<float> s = source;
        int i = 0;
        for (; i <= d.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            (new Vector<float>(d[i..]) + new Vector<float>(s[i..])).CopyTo(d[i..]);
        }

        for (; i < d.Length; i++)
        {
            d[i] += s[i];
        }
    }
}

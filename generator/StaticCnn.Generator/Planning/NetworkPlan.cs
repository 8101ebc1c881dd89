using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>A region of the workspace or of the transformed-weights array at a constant offset.</summary>
internal sealed record BufferPlan(string Name, int Offset, int Length, string Comment);

/// <summary>
/// A folded BatchNorm: per channel c, y = scale[c] * x + shift[c], the rows at <paramref name="Scale"/> and
/// <paramref name="Shift"/> of the transformed array, from the running statistics (<paramref name="Layer"/>: the
/// BatchNorm's number, for comments).
/// </summary>
internal sealed record AffineEpilogue(int Scale, int Shift, int Layer);

/// <summary>How a network runs: every buffer at a constant offset and every kernel with its blocking.</summary>
internal sealed class NetworkPlan
{
    public NetworkPlan(NetworkSpec spec, NetworkShapes shapes, Readers? readers = null)
    {
        Spec = spec;
        Shapes = shapes;
        Readers = readers ?? new Readers(shapes);
    }

    /// <summary>Who reads each layer's output.</summary>
    public Readers Readers { get; }

    /// <summary>
    /// For a tensor several layers read (by layer index; 0: the input), the extra readers' gradient buffers, which
    /// backward adds into the tensor's own gradient buffer (the first reader's) before the tensor's layer runs backward.
    /// </summary>
    public Dictionary<int, List<(BufferPlan From, BufferPlan To)>> GradientSums { get; } = new();

    /// <summary>The comment that opens the input's gradient sums (the passes run them only when dLoss/dInput is wanted).</summary>
    public const string InputGradientSumComment = "// The input is read by several layers: dLoss/dInput is the sum of their gradients.";

    /// <summary>
    /// A comment and the statements that sum tensor <paramref name="index"/>'s gradients from its readers (0: the
    /// input, opened by <see cref="InputGradientSumComment"/>), or null when it has one reader.
    /// </summary>
    public string? GradientSumStatement(int index)
    {
        if (!GradientSums.TryGetValue(index, out List<(BufferPlan From, BufferPlan To)>? sums))
        {
            return null;
        }

        var lines = new List<string>
        {
            index == 0 ? InputGradientSumComment : $"// [{index}]'s output is read by several layers: dLoss/dOutput is the sum of their gradients.",
        };
        foreach ((BufferPlan from, BufferPlan to) in sums)
        {
            lines.Add($"global::StaticCnn.Kernels.Elementwise.Accumulate<TS, TV>(ref TS.At(ref ws, {from.Offset}), ref TS.At(ref ws, {to.Offset}), {to.Length}); // {to.Name} += {from.Name}");
        }

        return string.Join("\n", lines);
    }

    public NetworkSpec Spec { get; }

    public NetworkShapes Shapes { get; }

    public List<LayerPlan> Layers { get; } = new();

    public List<BufferPlan> Buffers { get; } = new();

    /// <summary>The copy of the input sample that the first layer reads.</summary>
    public BufferPlan Input { get; set; } = null!;

    /// <summary>Gradient with respect to the input (written only when the caller asks for it).</summary>
    public BufferPlan InputGradient { get; set; } = null!;

    public int WorkspaceLength { get; set; }

    /// <summary>Buffers of the storage's transformed-weights array (shared by every batch slot).</summary>
    public List<BufferPlan> TransformedBuffers { get; } = new();

    /// <summary>Floats in the storage's transformed-weights array (0: no layer needs one).</summary>
    public int TransformedLength { get; set; }

    /// <summary>Zero floats after every buffer, so whole-vector reads past a buffer's end see zeros.</summary>
    public int Slack { get; set; }

    /// <summary>Buffers whose border must hold negative infinity (padded max-pooling inputs).</summary>
    public List<BufferPlan> NegativeInfinityFills { get; } = new();

    /// <summary>Workspace tables that Prepare writes once (the flat depthwise kernel's lane masks): the buffer and the statement.</summary>
    public List<(BufferPlan Buffer, string Statement)> ConstantTables { get; } = new();

    public LayerPlan Last => Layers[Layers.Count - 1];

    /// <summary>The layers of this plan, then those of its inference plan if it has one: every layer whose kernels the file holds.</summary>
    public IEnumerable<LayerPlan> EveryLayer => Inference is null ? Layers : System.Linq.Enumerable.Concat(Layers, Inference.Layers);

    /// <summary>Buffers of this plan and of its inference plan whose border must hold negative infinity.</summary>
    public IEnumerable<BufferPlan> EveryNegativeInfinityFill =>
        Inference is null ? NegativeInfinityFills : System.Linq.Enumerable.Concat(NegativeInfinityFills, Inference.NegativeInfinityFills);

    /// <summary>Constant tables of this plan and of its inference plan.</summary>
    public IEnumerable<(BufferPlan Buffer, string Statement)> EveryConstantTable =>
        Inference is null ? ConstantTables : System.Linq.Enumerable.Concat(ConstantTables, Inference.ConstantTables);

    /// <summary>
    /// This plan's forward pass multiplies with transformed weights (Winograd's U, filters in lanes' T): its
    /// PrepareWeights (PrepareInferenceWeights for an inference plan) has work. The inference plan's layers are not
    /// counted: each plan checks only its own weights before its passes (the check reads every weight it covers).
    /// </summary>
    public bool TransformsForwardWeights => Layers.Exists(l => l.ReadsTransformedForward);

    /// <summary>
    /// Every layer of the pass reads only inside its input (<see cref="LayerPlan.ReadsOnlyInsideInput"/>): the zeros
    /// around the pooled outputs then need not be put back after each layer (the autoencoder: two clears per layer and
    /// sample).
    /// </summary>
    public bool ReadsOnlyInside => Layers.TrueForAll(l => l.ReadsOnlyInsideInput);

    /// <summary>This plan's backward pass multiplies with transformed weights (Winograd's U'): PrepareBackwardWeights has work.</summary>
    public bool TransformsBackwardWeights => Layers.Exists(l => l.ReadsTransformedBackward);

    /// <summary>Some layer applies evaluation-mode BatchNorm scales and shifts (folded or not), kept in the transformed array.</summary>
    public bool ReadsEvaluationState => Layers.Exists(l => l.Affine is not null || l.Kind == LayerKind.BatchNorm);

    /// <summary>Some layer computes differently in training and evaluation mode (BatchNorm, Dropout).</summary>
    public bool ModeDependent => Layers.Exists(l => l.ModeDependent);

    /// <summary>
    /// For a network with BatchNorm or Dropout, the plan inference runs: every BatchNorm right after a convolution or
    /// dense layer folded into that layer's outputs (its scale and shift applied as they are stored), Dropout left
    /// out, in buffers of its own after the training plan's (the input buffer shared). Null for other networks, whose
    /// one plan serves both.
    /// </summary>
    public NetworkPlan? Inference { get; set; }

    /// <summary>An inference plan's layer outputs planned by liveness (null for a training plan).</summary>
    public OutputPool? Pool { get; set; }

    /// <summary>This is an inference plan: its kernels are called with the transformed array in place of the gradients.</summary>
    public bool IsInference { get; set; }
}

/// <summary>
/// One layer's buffers (what it reads and writes forward, and the gradients backward) and how it runs: each kind's
/// plan emits its own statements in the network's passes and its own kernel methods.
/// </summary>
internal abstract class LayerPlan
{
    protected LayerPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
    {
        Shape = shape;
        Input = input;
        Output = output;
        InputGradient = inputGradient;
        OutputGradient = outputGradient;
    }

    public LayerShape Shape { get; }

    public BufferPlan Input { get; }

    public BufferPlan Output { get; }

    /// <summary>dLoss/dInput, which backward writes.</summary>
    public BufferPlan InputGradient { get; }

    /// <summary>dLoss/dOutput, which backward reads.</summary>
    public BufferPlan OutputGradient { get; }

    public LayerKind Kind => Shape.Kind;

    public int Index => Shape.Index;

    /// <summary>
    /// Every operand is the network's input: backward's dX is wanted only when the caller asks for the input gradient
    /// (the first layer of a plain sequence).
    /// </summary>
    public bool ReadsNetworkInput => System.Linq.Enumerable.All(Shape.Operands, i => i == 0);

    /// <summary>"Layer3Conv2D" ("Infer3Conv2D" in an inference plan): the prefix of this layer's generated methods.</summary>
    public string MethodPrefix => $"{(Inference ? "Infer" : "Layer")}{Shape.Index}{Shape.Kind}";

    /// <summary>
    /// In an inference plan: the layer's output when it is a place in the liveness pool (<see cref="OutputPool"/>), whose
    /// margin and slack the inference pass clears after the layer writes it; null otherwise.
    /// </summary>
    public BufferPlan? PooledOutput { get; set; }

    /// <summary>The layer belongs to an inference plan (<see cref="NetworkPlan.Inference"/>).</summary>
    public bool Inference { get; set; }

    /// <summary>
    /// A BatchNorm folded into this layer's outputs in the inference plan: y = scale * (W x + b) + shift per channel,
    /// scale and shift read from the transformed array (PrepareEvaluation keeps them current); null otherwise.
    /// </summary>
    public AffineEpilogue? Affine { get; set; }

    /// <summary>"[2] Conv2D(16, 5x5, s1) 6x14x14 -> 16x10x10".</summary>
    public string Heading => Emit.LayerText.Heading(Shape);

    // ---- the network's passes ------------------------------------------------------------------------------

    /// <summary>The layer's statement in the forward pass, on one sample's workspace (or a comment).</summary>
    public abstract string ForwardStatement { get; }

    /// <summary>
    /// False when <see cref="ForwardStatement"/> is a comment or touches no workspace (written once, not once per
    /// batch slot).
    /// </summary>
    public virtual bool ForwardPerSlot => true;

    /// <summary>"// [2] Conv2D(...) ...: db, dW, dX.": what the layer's backward step computes.</summary>
    public abstract string BackwardComment(bool first);

    /// <summary>The layer's statement in the backward pass; <paramref name="first"/>: it is the network's first layer.</summary>
    public abstract string BackwardStatement(bool first);

    /// <summary>The statement only runs when the input gradient is wanted (it computes nothing else) and the layer is first.</summary>
    public virtual bool BackwardOnlyForInputGradient => true;

    /// <summary>False when <see cref="BackwardStatement"/> touches no workspace (written once, not once per batch slot).</summary>
    public virtual bool BackwardPerSlot => true;

    /// <summary>
    /// Forward never reads past either end of its input (no vector overhanging it, no padding taken from the zeros
    /// around it), so it needs no zeros there. False unless a layer says so.
    /// </summary>
    public virtual bool ReadsOnlyInsideInput => false;

    /// <summary>Writes the layer's kernel methods into the kernels class.</summary>
    public virtual void EmitKernels(IndentedWriter w)
    {
    }

    // ---- transformed weights -------------------------------------------------------------------------------

    /// <summary>The forward pass multiplies with weights kept in the transformed array (PrepareWeights).</summary>
    public virtual bool ReadsTransformedForward => false;

    /// <summary>The backward pass multiplies with weights kept in the transformed array (PrepareBackwardWeights).</summary>
    public virtual bool ReadsTransformedBackward => false;

    /// <summary>The statements of PrepareWeights (or PrepareBackwardWeights) that bring this layer's transformed weights up to date.</summary>
    public virtual void EmitPrepareWeights(IndentedWriter w, bool backward)
    {
    }

    // ---- layers that compute differently in training and evaluation mode (BatchNorm, Dropout) -------------

    /// <summary>The layer computes differently in training and evaluation mode: the network gets a training mode.</summary>
    public virtual bool ModeDependent => false;

    /// <summary>
    /// A training-mode pass needs every sample of the batch at this layer (BatchNorm's statistics): the layer's part 0
    /// ends a phase, a sync combines the samples, and its part 1 starts the next phase.
    /// </summary>
    public virtual bool EndsTrainingPhase => false;

    /// <summary>The layer's statement in a forward pass in the given mode (<paramref name="part"/>: before or after its phase's sync).</summary>
    public virtual string ModeForwardStatement(bool training, int part) => ForwardStatement;

    /// <summary>The layer's statement in a backward pass in the given mode (<paramref name="part"/>: before or after its phase's sync).</summary>
    public virtual string ModeBackwardStatement(bool first, bool training, int part) => BackwardStatement(first);

    /// <summary>The statements that combine the samples after the training-mode forward phase this layer ends.</summary>
    public virtual void EmitForwardSync(IndentedWriter w)
    {
    }

    /// <summary>The statements that combine the samples after the training-mode backward phase this layer ends.</summary>
    public virtual void EmitBackwardSync(IndentedWriter w)
    {
    }

    /// <summary>The statements that prepare an evaluation-mode pass (BatchNorm's scale and shift from its running statistics).</summary>
    public virtual void EmitPrepareEvaluation(IndentedWriter w)
    {
    }

    // ---- after every layer is planned ----------------------------------------------------------------------

    /// <summary>Lets the layer take over work of the next one (a convolution computes the ReLU after it in its epilogue).</summary>
    public virtual void Fuse(LayerPlan next)
    {
    }

    /// <summary>Last decisions that depend on the fusions (a forward GEMM storing straight into the output).</summary>
    public virtual void Complete()
    {
    }
}

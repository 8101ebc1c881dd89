using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>A region of the workspace or of the transformed-weights array at a constant offset.</summary>
internal sealed record BufferPlan(string Name, int Offset, int Length, string Comment);

/// <summary>How a network runs: every buffer at a constant offset and every kernel with its blocking.</summary>
internal sealed class NetworkPlan
{
    public NetworkPlan(NetworkSpec spec, NetworkShapes shapes)
    {
        Spec = spec;
        Shapes = shapes;
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

    public LayerPlan Last => Layers[Layers.Count - 1];

    /// <summary>Some forward pass multiplies with transformed weights (Winograd's U): PrepareWeights has work.</summary>
    public bool TransformsForwardWeights => Layers.Exists(l => l.ReadsTransformedForward);

    /// <summary>Some backward pass multiplies with transformed weights (Winograd's U'): PrepareBackwardWeights has work.</summary>
    public bool TransformsBackwardWeights => Layers.Exists(l => l.ReadsTransformedBackward);
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

    /// <summary>"Layer3Conv2D": the prefix of this layer's generated methods.</summary>
    public string MethodPrefix => $"Layer{Shape.Index}{Shape.Kind}";

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

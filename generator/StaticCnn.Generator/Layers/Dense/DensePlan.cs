using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

internal sealed class DensePlan : LayerPlan
{
    public DensePlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    public TapReduce Forward { get; set; } = null!;

    public int UnitBlock { get; set; }

    /// <summary>
    /// y = W x + b; with a BatchNorm folded in (inference plan), then y = scale * y + shift per unit, in place, from the
    /// evaluation-mode rows in the transformed array (the pass's t).
    /// </summary>
    public override string ForwardStatement => $"{MethodPrefix}Forward<TS, TV>({Names.KernelArguments}{(UnitsInLanes is null ? "" : ", ref t")});{(ForwardEpilogue.Length > 0 ? " " + ForwardEpilogue : "")}";

    /// <summary>
    /// At inference, in a network whose batched inference runs layer by layer: the units in the vector lanes, from
    /// weights packed into panels once (<c>UnitsInLanes</c>); null otherwise (a dot product per unit).
    /// </summary>
    public UnitsInLanesPlan? UnitsInLanes { get; set; }

    public override bool ReadsTransformedForward => UnitsInLanes is not null;

    /// <summary>With the units in the lanes, the inputs are read one float at a time (broadcast), never a vector past the end.</summary>
    public override bool ReadsOnlyInsideInput => UnitsInLanes is not null;

    /// <summary>With the units in the lanes, a ReLU right after the layer (or after the BatchNorm folded into it) is applied as it stores.</summary>
    public ActivationPlan? FusedRelu { get; private set; }

    public override void Fuse(LayerPlan next)
    {
        if (UnitsInLanes is not null && next is ActivationPlan { Kind: LayerKind.ReLU } relu)
        {
            FusedRelu = relu;
            relu.FusedIntoPrevious = true;
        }
    }

    /// <summary>The kernel's epilogue argument: the folded BatchNorm's scale and shift, the fused ReLU.</summary>
    public string EpilogueArgument
    {
        get
        {
            string relu = FusedRelu is null ? "false" : "true";
            return Affine is AffineEpilogue affine
                ? $"new global::StaticCnn.Kernels.UnitsInLanes.Epilogue(ref TS.At(ref t, {affine.Scale}), ref TS.At(ref t, {affine.Shift}), relu: {relu})"
                : $"new global::StaticCnn.Kernels.UnitsInLanes.Epilogue(relu: {relu})";
        }
    }

    public override void EmitPrepareWeights(IndentedWriter w, bool backward)
    {
        if (!backward && UnitsInLanes is UnitsInLanesPlan lanes)
        {
            w.Line($"// {Heading}: T[panel][i][k] = W[16 panel + k][i], then b (the units in the vector lanes).");
            w.Line($"global::StaticCnn.Kernels.UnitsInLanes.Pack(storage.Parameters, {Shape.ParameterOffset}, {Shape.Input.Length}, {Shape.Output.C}, storage.Transformed, {lanes.Cache.Offset}, {lanes.Panels.Offset});");
        }
    }

    /// <summary>
    /// The product for the batch slots [first, first + count), with the units in the lanes: six samples per pass over
    /// each pair of weight columns (<c>UnitsInLanes.ForwardSlots</c>, summing every output as the one-sample kernel does);
    /// empty for a layer without them.
    /// </summary>
    public string SlotsStatement => UnitsInLanes is UnitsInLanesPlan lanes
        ? $"global::StaticCnn.Kernels.UnitsInLanes.ForwardSlots<TS, TV>(ref TS.At(ref t, {lanes.Panels.Offset}), {Shape.Input.Length}, {Shape.Output.C}, slots, first, count, {Forward.BOffset}, {Output.Offset}, {EpilogueArgument});"
        : "";

    /// <summary>
    /// What follows the product on each sample's workspace: the folded BatchNorm's scale and shift, or nothing (also with
    /// the units in the lanes, whose kernel applies it as it stores).
    /// </summary>
    public string ForwardEpilogue => Affine is AffineEpilogue affine && UnitsInLanes is null
        ? $"global::StaticCnn.Kernels.BatchNormKernels.Normalize<TS, TV>(ref TS.At(ref ws, {Output.Offset}), ref TS.At(ref ws, {Output.Offset}), {Shape.Output.Length}, 1, ref TS.At(ref t, {affine.Scale}), ref TS.At(ref t, {affine.Shift}), false);"
        : "";

    /// <summary>
    /// The product for the four samples whose workspaces are w0..w3, one pass over the weights
    /// (<c>DenseKernels.ForwardFour</c>, summing every output as <see cref="ForwardStatement"/>'s kernel does).
    /// </summary>
    public string FourSampleStatement
    {
        get
        {
            int inputs = (int)Shape.Input.Length;
            int units = Shape.Output.C;
            string x = string.Join(", ", System.Linq.Enumerable.Range(0, 4).Select(k => $"ref TS.At(ref w{k}, {Forward.BOffset})"));
            string y = string.Join(", ", System.Linq.Enumerable.Range(0, 4).Select(k => $"ref TS.At(ref w{k}, {Output.Offset})"));
            return $"global::StaticCnn.Kernels.DenseKernels.ForwardFour<TS, TV>(ref TS.At(ref p, {Shape.ParameterOffset}), ref TS.At(ref p, {Shape.BiasOffset}), {inputs}, {units}, {x}, {y});";
        }
    }

    public override string BackwardComment(bool first) => $"// {Heading}: db, dW{(first ? ", and dX if asked" : ", dX")}.";

    public override string BackwardStatement(bool first) =>
        $"{MethodPrefix}Backward<TS, TV>({Names.KernelArguments}, {(first ? "wantInput" : "true")});";

    /// <summary>Backward always runs: it computes db and dW, and dX only when its flag says so.</summary>
    public override bool BackwardOnlyForInputGradient => false;

    public override void EmitKernels(IndentedWriter w)
    {
        w.Line();
        DenseEmitter.EmitForward(w, this);
        DenseEmitter.EmitBackward(w, this);
    }
}

/// <summary>A Dense layer's packed panels in the transformed array and the weights and biases they were made from.</summary>
internal sealed record UnitsInLanesPlan(BufferPlan Panels, BufferPlan Cache)
{
    /// <summary>Units per panel (<c>UnitsInLanes.Panel</c>).</summary>
    public const int Panel = 16;

    /// <summary>Floats of the panels: <c>UnitsInLanes.PackedLength</c>.</summary>
    public static long PackedLength(int inputs, int units) => (long)((units + Panel - 1) / Panel) * (inputs + 1) * Panel;
}

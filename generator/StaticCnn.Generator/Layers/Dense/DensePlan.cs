using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
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
    public override string ForwardStatement => $"{MethodPrefix}Forward<TS, TV>({Names.KernelArguments});{(ForwardEpilogue.Length > 0 ? " " + ForwardEpilogue : "")}";

    /// <summary>What follows the product on each sample's workspace: the folded BatchNorm's scale and shift, or nothing.</summary>
    public string ForwardEpilogue => Affine is AffineEpilogue affine
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

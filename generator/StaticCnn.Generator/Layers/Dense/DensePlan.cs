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
    public override string ForwardStatement => Affine is AffineEpilogue affine
        ? $"{MethodPrefix}Forward<TS, TV>({Names.KernelArguments}); global::StaticCnn.Kernels.BatchNormKernels.Normalize<TS, TV>(ref TS.At(ref ws, {Output.Offset}), ref TS.At(ref ws, {Output.Offset}), {Shape.Output.Length}, 1, ref TS.At(ref t, {affine.Scale}), ref TS.At(ref t, {affine.Shift}), false);"
        : $"{MethodPrefix}Forward<TS, TV>({Names.KernelArguments});";

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

using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

internal sealed class PoolPlan : LayerPlan
{
    public PoolPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient)
        : base(shape, input, output, inputGradient, outputGradient)
    {
    }

    public override string ForwardStatement => $"{MethodPrefix}Forward<TS, TV>({Names.KernelArguments});";

    public override string BackwardComment(bool first) => $"// {Heading}: dX.";

    public override string BackwardStatement(bool first) => $"{MethodPrefix}Backward<TS, TV>({Names.KernelArguments});";

    public override void EmitKernels(IndentedWriter w)
    {
        w.Line();
        PoolEmitter.EmitForward(w, this);
        PoolEmitter.EmitBackward(w, this);
    }

    public int PaddedHeight { get; set; }

    public int PaddedWidth { get; set; }

    /// <summary>The padded input (-inf or zero border), or the input itself when there is no padding or overhang.</summary>
    public BufferPlan Padded { get; set; } = null!;

    /// <summary>The input is copied into a padded grid: padding, or a ceil-rounded window hanging over the edge.</summary>
    public bool CopiesIntoPadded { get; set; }

    /// <summary>Ceil rounding: the last window hangs over the bottom or right edge of the padded input.</summary>
    public bool Overhangs { get; set; }

    /// <summary>Max pooling 2x2, stride 2, no padding: the vertical maxima, rows of the input width.</summary>
    public BufferPlan? RowPairs { get; set; }

    /// <summary>Average pooling with padding or overhang: the gradient over the padded grid.</summary>
    public BufferPlan? PaddedGradient { get; set; }
}

using System;
using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// The node that ends a [Residual]: y = block(x) + shortcut(x), element by element (ONNX Add, PyTorch's <c>+</c>).
/// Backward hands dY to both operands unchanged. A ReLU right after it is computed as it stores its sums.
/// </summary>
internal sealed class AddLayer : LayerDefinition
{
    public AddLayer()
        : base(LayerKind.Add)
    {
    }

    /// <summary>Not an attribute: made by shape inference for each [Residual].</summary>
    public override string AttributeName => "<Residual's Add>";

    public override LayerSpec Parse(LayerArguments arguments) => new AddSpec();

    public override IEnumerable<LayerSpec> ProbeLayers() => Array.Empty<LayerSpec>();

    public override LayerShape? Infer(LayerSpec spec, LayerInput input) => throw new InvalidOperationException("An Add is made by GraphWalk.");

    public override bool ReluRunsInPlaceAfter => true;

    public override bool PassesGainThrough => true;

    /// <summary>"Add([6] + [3])": the block's output plus the shortcut's (or the block's input).</summary>
    public override string Describe(LayerShape layer) => $"Add({Operand(layer.Inputs[0])} + {Operand(layer.Inputs[1])})";

    public override string OutputArithmetic(LayerShape layer) => $"{Operand(layer.Inputs[0])} + {Operand(layer.Inputs[1])}, element by element";

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.AddInfo({InfoText.Head(layer, kind: false)}, {layer.ParameterOffset})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        return new AddPlan(layer, context.Inputs, output, context.InputGradients, outputGradient);
    }

    /// <summary>"[6]", or "input" for the network's input.</summary>
    internal static string Operand(int index) => index == 0 ? "input" : $"[{Format.Int(index)}]";
}

/// <summary>An Add: one vectorised pass forward (with the ReLU after it when fused), two copies of dY backward.</summary>
internal sealed class AddPlan : LayerPlan
{
    private readonly IReadOnlyList<BufferPlan> _inputs;
    private readonly IReadOnlyList<BufferPlan> _inputGradients;

    public AddPlan(LayerShape shape, IReadOnlyList<BufferPlan> inputs, BufferPlan output, IReadOnlyList<BufferPlan> inputGradients, BufferPlan outputGradient)
        : base(shape, inputs[0], output, inputGradients[0], outputGradient)
    {
        _inputs = inputs;
        _inputGradients = inputGradients;
    }

    /// <summary>The ReLU after the Add, computed as the sums are stored.</summary>
    public ActivationPlan? FusedRelu { get; private set; }

    private int Length => Shape.Output.Length > int.MaxValue ? int.MaxValue : (int)Shape.Output.Length;

    public override string ForwardStatement =>
        $"global::StaticCnn.Kernels.Elementwise.{(FusedRelu is null ? "Add" : "AddRelu")}<TS, TV>(ref TS.At(ref ws, {_inputs[0].Offset}), ref TS.At(ref ws, {_inputs[1].Offset}), ref TS.At(ref ws, {Output.Offset}), {Length});";

    public override string BackwardComment(bool first) => $"// {Heading}: d{AddLayer.Operand(Shape.Inputs[0])} = dY, d{AddLayer.Operand(Shape.Inputs[1])} = dY.";

    public override string BackwardStatement(bool first) =>
        $"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {OutputGradient.Offset}), ref TS.At(ref ws, {_inputGradients[0].Offset}), {Length});\n" +
        $"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {OutputGradient.Offset}), ref TS.At(ref ws, {_inputGradients[1].Offset}), {Length});";

    public override void Fuse(LayerPlan next)
    {
        if (next is ActivationPlan { Kind: LayerKind.ReLU } relu)
        {
            FusedRelu = relu;
            relu.FusedIntoPrevious = true;
        }
    }
}

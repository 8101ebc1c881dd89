using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Concat(typeof(A), typeof(B), IncludeInput = ...)]: read here; shape inference (<see cref="GraphWalk"/>) puts its
/// branches' layers into the network and then this layer as the node that stacks their outputs along the channels
/// (ONNX Concat on axis 1, <c>torch.cat(dim=1)</c>). In C,H,W layout each operand is one contiguous run of the output.
/// </summary>
internal sealed class ConcatLayer : LayerDefinition
{
    public ConcatLayer()
        : base(LayerKind.Concat)
    {
    }

    public override LayerSpec Parse(LayerArguments arguments)
    {
        var values = new BlockValues(arguments.NamedInt("Filters") ?? 0, arguments.NamedInt("Stride") ?? 0, arguments.NamedInt("Hidden") ?? 0);
        return new ConcatSpec(arguments.Blocks("branches", values), arguments.NamedBool("IncludeInput") ?? false, values);
    }

    public override IEnumerable<LayerSpec> ProbeLayers() => Array.Empty<LayerSpec>();

    public override LayerShape? Infer(LayerSpec spec, LayerInput input) => throw new InvalidOperationException("A [Concat] is expanded by GraphWalk.");

    public override bool PassesGainThrough => true;

    /// <summary>"Concat([3], [5], [7])".</summary>
    public override string Describe(LayerShape layer) => $"Concat({string.Join(", ", layer.Inputs.Select(AddLayer.Operand))})";

    public override string OutputArithmetic(LayerShape layer) => $"channels {string.Join(" + ", layer.Inputs.Select(AddLayer.Operand))} = {Format.Int(layer.Output.C)}";

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.ConcatInfo({InfoText.Head(layer, kind: false)}, {layer.ParameterOffset})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        return new ConcatPlan(layer, context.Inputs, output, context.InputGradients, outputGradient);
    }
}

/// <summary>A Concat: each operand copied into its run of the output forward, each run copied back to its gradient backward.</summary>
internal sealed class ConcatPlan : LayerPlan
{
    private readonly IReadOnlyList<BufferPlan> _inputs;
    private readonly IReadOnlyList<BufferPlan> _inputGradients;

    public ConcatPlan(LayerShape shape, IReadOnlyList<BufferPlan> inputs, BufferPlan output, IReadOnlyList<BufferPlan> inputGradients, BufferPlan outputGradient)
        : base(shape, inputs[0], output, inputGradients[0], outputGradient)
    {
        _inputs = inputs;
        _inputGradients = inputGradients;
    }

    /// <summary>Where each operand's run starts in the output and how long it is.</summary>
    private IEnumerable<(int Operand, int Start, int Length)> Runs()
    {
        int start = 0;
        for (int i = 0; i < _inputs.Count; i++)
        {
            yield return (i, start, _inputs[i].Length);
            start += _inputs[i].Length;
        }
    }

    public override string ForwardStatement => string.Join("\n", Runs().Select(r =>
        $"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {_inputs[r.Operand].Offset}), ref TS.At(ref ws, {Output.Offset + r.Start}), {r.Length});"));

    public override string BackwardComment(bool first) => $"// {Heading}: each operand's gradient is its channels' run of dY.";

    public override string BackwardStatement(bool first) => string.Join("\n", Runs().Select(r =>
        $"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {OutputGradient.Offset + r.Start}), ref TS.At(ref ws, {_inputGradients[r.Operand].Offset}), {r.Length});"));
}

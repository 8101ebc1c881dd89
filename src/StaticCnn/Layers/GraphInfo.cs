using System.Collections.Generic;
using System.Linq;

namespace StaticCnn;

/// <summary>The Add that ends a residual connection: the block's output plus the shortcut's (<see cref="LayerInfo.Inputs"/>).</summary>
public sealed record AddInfo : LayerInfo
{
    /// <summary>Describes the Add of a residual connection.</summary>
    public AddInfo(int index, TensorShape input, TensorShape output, int parameterOffset)
        : base(index, LayerKind.Add, input, output, parameterOffset, [])
    {
    }

    internal override bool PassesGainThrough => true;

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) =>
        throw new System.InvalidOperationException("An Add reads two operands.");

    internal override string AddOnnx(OnnxGraph graph, IReadOnlyList<string> inputs, string module, bool last) =>
        graph.Node(module, "Add", [.. inputs], last);
}

/// <summary>Branches concatenated along the channels (<see cref="LayerInfo.Inputs"/> in order); <see cref="LayerInfo.Input"/> is the first operand's shape.</summary>
public sealed record ConcatInfo : LayerInfo
{
    /// <summary>Describes a concatenation along the channels.</summary>
    public ConcatInfo(int index, TensorShape input, TensorShape output, int parameterOffset)
        : base(index, LayerKind.Concat, input, output, parameterOffset, [])
    {
    }

    internal override bool PassesGainThrough => true;

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) =>
        graph.Node(module, "Concat", [input], last, OnnxGraph.Int("axis", 1));

    internal override string AddOnnx(OnnxGraph graph, IReadOnlyList<string> inputs, string module, bool last) =>
        graph.Node(module, "Concat", [.. inputs], last, OnnxGraph.Int("axis", 1));
}

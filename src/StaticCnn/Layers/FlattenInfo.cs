namespace StaticCnn;

/// <summary>Flatten: C,H,W data becomes a vector in the same order.</summary>
public sealed record FlattenInfo : LayerInfo
{
    /// <summary>Describes a Flatten layer.</summary>
    public FlattenInfo(int index, TensorShape input, TensorShape output, int parameterOffset)
        : base(index, LayerKind.Flatten, input, output, parameterOffset, [])
    {
    }

    internal override bool PassesGainThrough => true;

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) =>
        graph.Node(module, "Flatten", [input], last, OnnxGraph.Int("axis", 1));
}

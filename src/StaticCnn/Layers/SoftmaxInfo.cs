namespace StaticCnn;

/// <summary>Softmax over the channels (PyTorch's <c>nn.Softmax(dim=1)</c>), the network's last layer.</summary>
public sealed record SoftmaxInfo : LayerInfo
{
    /// <summary>Describes a Softmax layer.</summary>
    public SoftmaxInfo(int index, TensorShape shape, int parameterOffset)
        : base(index, LayerKind.Softmax, shape, shape, parameterOffset, [])
    {
    }

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) =>
        graph.Node(module, "Softmax", [input], last, OnnxGraph.Int("axis", 1));
}

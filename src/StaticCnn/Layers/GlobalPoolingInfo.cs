namespace StaticCnn;

/// <summary>Global average or max pooling: each channel's mean or maximum, C x H x W -> C x 1 x 1.</summary>
public sealed record GlobalPoolingInfo : LayerInfo
{
    /// <summary>Describes a global pooling layer.</summary>
    public GlobalPoolingInfo(int index, LayerKind kind, TensorShape input, TensorShape output, int parameterOffset)
        : base(index, kind, input, output, parameterOffset, [])
    {
    }

    internal override bool PassesGainThrough => true;

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) =>
        graph.Node(module, Kind == LayerKind.GlobalAvgPool2D ? "GlobalAveragePool" : "GlobalMaxPool", [input], last);
}

using System;

namespace StaticCnn;

/// <summary>An element-wise activation: ReLU, LeakyReLU (with its slope), Sigmoid or Tanh.</summary>
public sealed record ActivationInfo : LayerInfo
{
    private readonly float _slope;

    /// <summary>Describes an activation layer; <paramref name="slope"/> is LeakyReLU's negative slope (0 for the others).</summary>
    public ActivationInfo(int index, LayerKind kind, TensorShape shape, int parameterOffset, float slope = 0f)
        : base(index, kind, shape, shape, parameterOffset, [])
    {
        _slope = slope;
    }

    /// <inheritdoc/>
    public override float Slope => _slope;

    /// <summary>torch.nn.init.calculate_gain: ReLU sqrt(2), LeakyReLU sqrt(2 / (1 + slope^2)), Tanh 5/3, otherwise 1.</summary>
    internal override float? Gain => Kind switch
    {
        LayerKind.ReLU => (float)Math.Sqrt(2.0),
        LayerKind.LeakyReLU => (float)Math.Sqrt(2.0 / (1.0 + ((double)_slope * _slope))),
        LayerKind.Tanh => 5f / 3f,
        _ => 1f,
    };

    internal override string AddOnnx(OnnxGraph graph, string input, int module, bool last) => Kind switch
    {
        LayerKind.ReLU => graph.Node(module, "Relu", [input], last),
        LayerKind.LeakyReLU => graph.Node(module, "LeakyRelu", [input], last, OnnxGraph.Float("alpha", _slope)),
        LayerKind.Sigmoid => graph.Node(module, "Sigmoid", [input], last),
        LayerKind.Tanh => graph.Node(module, "Tanh", [input], last),
        _ => throw new NotSupportedException($"Layer {Index} has kind {Kind}, which the ONNX exporter does not know."),
    };
}

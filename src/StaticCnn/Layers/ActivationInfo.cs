using System;

namespace StaticCnn;

/// <summary>
/// An element-wise activation: ReLU, LeakyReLU (with its slope), Sigmoid, Tanh, ReLU6, HardSigmoid, HardSwish, SiLU or
/// GELU (exact, or its tanh approximation).
/// </summary>
public sealed record ActivationInfo : LayerInfo
{
    private readonly float _slope;

    /// <summary>
    /// Describes an activation layer; <paramref name="slope"/> is LeakyReLU's negative slope (0 for the others),
    /// <paramref name="approximateTanh"/> selects GELU's tanh approximation.
    /// </summary>
    public ActivationInfo(int index, LayerKind kind, TensorShape shape, int parameterOffset, float slope = 0f, bool approximateTanh = false)
        : base(index, kind, shape, shape, parameterOffset, [])
    {
        _slope = slope;
        ApproximateTanh = approximateTanh;
    }

    /// <inheritdoc/>
    public override float Slope => _slope;

    /// <summary>A GELU computed with PyTorch's tanh approximation.</summary>
    public bool ApproximateTanh { get; }

    /// <summary>torch.nn.init.calculate_gain: ReLU sqrt(2), LeakyReLU sqrt(2 / (1 + slope^2)), Tanh 5/3, otherwise 1.</summary>
    internal override float? Gain => Kind switch
    {
        LayerKind.ReLU => (float)Math.Sqrt(2.0),
        LayerKind.LeakyReLU => (float)Math.Sqrt(2.0 / (1.0 + ((double)_slope * _slope))),
        LayerKind.Tanh => 5f / 3f,
        LayerKind.ReLU6 => (float)Math.Sqrt(2.0),
        _ => 1f,
    };

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) => Kind switch
    {
        LayerKind.ReLU => graph.Node(module, "Relu", [input], last),
        LayerKind.LeakyReLU => graph.Node(module, "LeakyRelu", [input], last, OnnxGraph.Float("alpha", _slope)),
        LayerKind.Sigmoid => graph.Node(module, "Sigmoid", [input], last),
        LayerKind.Tanh => graph.Node(module, "Tanh", [input], last),
        LayerKind.ReLU6 => graph.Node(module, "Clip", [input, graph.Scalar(module, "min", 0f), graph.Scalar(module, "max", 6f)], last),
        LayerKind.HardSigmoid => graph.Node(module, "HardSigmoid", [input], last, OnnxGraph.Float("alpha", 1f / 6f), OnnxGraph.Float("beta", 0.5f)),
        LayerKind.HardSwish => graph.Node(module, "HardSwish", [input], last),
        LayerKind.SiLU => graph.Node(module, "Mul", [input, graph.Node(module, "Sigmoid", [input], final: false)], last),
        LayerKind.GELU => ApproximateTanh ? GeluTanh(graph, input, module, last) : Gelu(graph, input, module, last),
        _ => throw new NotSupportedException($"Layer {Index} has kind {Kind}, which the ONNX exporter does not know."),
    };

    /// <summary>0.5 * x * (1 + erf(x / sqrt 2)) in opset-14 operators (ONNX's Gelu arrives in opset 20).</summary>
    private static string Gelu(OnnxGraph graph, string x, string module, bool last)
    {
        string scaled = graph.Node(module, "Div", "Div", [x, graph.Scalar(module, "sqrt2", MathF.Sqrt(2f))], final: false);
        string erf = graph.Node(module, "Erf", [scaled], final: false);
        string plus = graph.Node(module, "Add", "Add", [erf, graph.Scalar(module, "one", 1f)], final: false);
        string times = graph.Node(module, "Mul", "Mul", [x, plus], final: false);
        return graph.Node(module, "Mul", "Mul_1", [times, graph.Scalar(module, "half", 0.5f)], last);
    }

    /// <summary>0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) in opset-14 operators.</summary>
    private static string GeluTanh(OnnxGraph graph, string x, string module, bool last)
    {
        string square = graph.Node(module, "Mul", "Mul", [x, x], final: false);
        string cube = graph.Node(module, "Mul", "Mul_1", [square, x], final: false);
        string term = graph.Node(module, "Mul", "Mul_2", [cube, graph.Scalar(module, "coefficient", 0.044715f)], final: false);
        string inner = graph.Node(module, "Add", "Add", [x, term], final: false);
        string scaled = graph.Node(module, "Mul", "Mul_3", [inner, graph.Scalar(module, "sqrt2pi", MathF.Sqrt(2f / MathF.PI))], final: false);
        string tanh = graph.Node(module, "Tanh", [scaled], final: false);
        string plus = graph.Node(module, "Add", "Add_1", [tanh, graph.Scalar(module, "one", 1f)], final: false);
        string times = graph.Node(module, "Mul", "Mul_4", [x, plus], final: false);
        return graph.Node(module, "Mul", "Mul_5", [times, graph.Scalar(module, "half", 0.5f)], last);
    }
}

namespace StaticCnn;

/// <summary>Inverted dropout with probability <see cref="Probability"/>, active only in training mode.</summary>
public sealed record DropoutInfo : LayerInfo
{
    /// <summary>Describes a Dropout layer.</summary>
    public DropoutInfo(int index, TensorShape shape, float probability, int parameterOffset)
        : base(index, LayerKind.Dropout, shape, shape, parameterOffset, [])
    {
        Probability = probability;
    }

    /// <summary>The probability that a value is zeroed in training.</summary>
    public float Probability { get; }

    internal override bool PassesGainThrough => true;

    /// <summary>Nothing at inference: the ONNX graph leaves it out (an Identity when it is the last layer, to name the output).</summary>
    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) =>
        last ? graph.Node(module, "Identity", [input], last) : input;
}

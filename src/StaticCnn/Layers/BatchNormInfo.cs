using System.Collections.Generic;

namespace StaticCnn;

/// <summary>
/// Batch normalisation per channel (after spatial data, PyTorch's BatchNorm2d) or per feature (after flat data,
/// BatchNorm1d): weight and bias, and the buffers running_mean, running_var and num_batches_tracked.
/// </summary>
public sealed record BatchNormInfo : LayerInfo
{
    /// <summary>Describes a BatchNorm layer.</summary>
    public BatchNormInfo(int index, TensorShape shape, float epsilon, float momentum, int parameterOffset, IReadOnlyList<TensorInfo> tensors)
        : base(index, LayerKind.BatchNorm, shape, shape, parameterOffset, tensors)
    {
        Epsilon = epsilon;
        Momentum = momentum;
    }

    /// <summary>Added to the variance before its square root.</summary>
    public float Epsilon { get; }

    /// <summary>The weight of a new batch's statistics in the running ones (PyTorch's convention).</summary>
    public float Momentum { get; }

    internal override bool PassesGainThrough => true;

    /// <summary>ONNX's BatchNormalization in inference form (the running statistics); ONNX Runtime folds it itself.</summary>
    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last) =>
        graph.Node(module, "BatchNormalization",
            [input, graph.TensorName(module, "weight"), graph.TensorName(module, "bias"), graph.TensorName(module, "running_mean"), graph.TensorName(module, "running_var")],
            last, OnnxGraph.Float("epsilon", Epsilon), OnnxGraph.Float("momentum", 1f - Momentum));
}

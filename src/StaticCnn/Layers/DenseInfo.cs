using System.Collections.Generic;

namespace StaticCnn;

/// <summary>A fully connected layer: weight <c>[units, inputs]</c> over the input in C,H,W flatten order, and a bias.</summary>
public sealed record DenseInfo : LayerInfo
{
    /// <summary>Describes a dense layer.</summary>
    public DenseInfo(int index, TensorShape input, TensorShape output, int parameterOffset, IReadOnlyList<TensorInfo> tensors)
        : base(index, LayerKind.Dense, input, output, parameterOffset, tensors)
    {
    }

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last)
    {
        var inputs = new List<string> { input, graph.TensorName(module, "weight") };
        if (Tensor(TensorRole.Bias) is not null)
        {
            inputs.Add(graph.TensorName(module, "bias"));
        }

        return graph.Node(module, "Gemm", [.. inputs], last,
            OnnxGraph.Float("alpha", 1f), OnnxGraph.Float("beta", 1f), OnnxGraph.Int("transB", 1));
    }
}

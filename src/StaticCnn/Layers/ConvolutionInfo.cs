using System.Collections.Generic;

namespace StaticCnn;

/// <summary>A 2-D convolution: its window and its groups (weight <c>[filters, inChannels / groups, kh, kw]</c>).</summary>
public sealed record ConvolutionInfo : LayerInfo
{
    /// <summary>Describes a convolution layer.</summary>
    public ConvolutionInfo(int index, LayerKind kind, TensorShape input, TensorShape output, WindowInfo window, int groups, int parameterOffset, IReadOnlyList<TensorInfo> tensors)
        : base(index, kind, input, output, parameterOffset, tensors)
    {
        Window = window;
        Groups = groups;
    }

    /// <summary>Kernel, stride, padding and dilation per dimension.</summary>
    public WindowInfo Window { get; }

    /// <summary>Channel groups: each filter sees <c>inChannels / Groups</c> input channels.</summary>
    public int Groups { get; }

    /// <inheritdoc/>
    public override int KernelSize => Window.IsSquare ? Window.KernelHeight : 0;

    /// <inheritdoc/>
    public override int Stride => Window.IsSquare ? Window.StrideHeight : 0;

    /// <inheritdoc/>
    public override int Padding => Window.IsSquare ? Window.PaddingTop : 0;

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last)
    {
        var inputs = new List<string> { input, graph.TensorName(module, "weight") };
        if (Tensor(TensorRole.Bias) is not null)
        {
            inputs.Add(graph.TensorName(module, "bias"));
        }

        return graph.Node(module, "Conv", [.. inputs], last,
            OnnxGraph.Ints("dilations", [Window.DilationHeight, Window.DilationWidth]),
            OnnxGraph.Int("group", Groups),
            OnnxGraph.Ints("kernel_shape", [Window.KernelHeight, Window.KernelWidth]),
            OnnxGraph.Ints("pads", Window.OnnxPads),
            OnnxGraph.Ints("strides", [Window.StrideHeight, Window.StrideWidth]));
    }
}

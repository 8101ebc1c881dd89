using System.Collections.Generic;

namespace StaticCnn;

/// <summary>Max or average pooling over a window of every channel.</summary>
public sealed record PoolingInfo : LayerInfo
{
    /// <summary>Describes a pooling layer.</summary>
    public PoolingInfo(int index, LayerKind kind, TensorShape input, TensorShape output, WindowInfo window, int parameterOffset, bool countIncludePadding = true)
        : base(index, kind, input, output, parameterOffset, [])
    {
        Window = window;
        CountIncludePadding = countIncludePadding;
    }

    /// <summary>Average pooling: padded cells count in the divisor (PyTorch's <c>count_include_pad</c>); false divides by the real cells.</summary>
    public bool CountIncludePadding { get; }

    /// <summary>Kernel, stride and padding per dimension.</summary>
    public WindowInfo Window { get; }

    /// <inheritdoc/>
    public override int KernelSize => Window.IsSquare ? Window.KernelHeight : 0;

    /// <inheritdoc/>
    public override int Stride => Window.IsSquare ? Window.StrideHeight : 0;

    /// <inheritdoc/>
    public override int Padding => Window.IsSquare ? Window.PaddingTop : 0;

    internal override bool PassesGainThrough => true;

    /// <summary>
    /// Whether the output is larger than the floor of (N + 2P - F) / S + 1: the declaration used ShapeRounding.Ceil
    /// (PyTorch's and ONNX's ceil_mode). Floor and exact outputs need no attribute: ONNX floors.
    /// </summary>
    internal bool RoundsUp
    {
        get
        {
            static int Floor(int n, int before, int after, int f, int s) => ((n + before + after - f) / s) + 1;
            return Output.Height > Floor(Input.Height, Window.PaddingTop, Window.PaddingBottom, Window.KernelHeight, Window.StrideHeight)
                || Output.Width > Floor(Input.Width, Window.PaddingLeft, Window.PaddingRight, Window.KernelWidth, Window.StrideWidth);
        }
    }

    internal override string AddOnnx(OnnxGraph graph, string input, string module, bool last)
    {
        var attributes = new List<ProtoMessage> { OnnxGraph.Int("ceil_mode", RoundsUp ? 1 : 0) };
        if (Kind == LayerKind.AvgPool2D)
        {
            attributes.Add(OnnxGraph.Int("count_include_pad", CountIncludePadding ? 1 : 0));
        }

        attributes.Add(OnnxGraph.Ints("kernel_shape", [Window.KernelHeight, Window.KernelWidth]));
        attributes.Add(OnnxGraph.Ints("pads", Window.OnnxPads));
        attributes.Add(OnnxGraph.Ints("strides", [Window.StrideHeight, Window.StrideWidth]));
        return graph.Node(module, Kind == LayerKind.MaxPool2D ? "MaxPool" : "AveragePool", [input], last, [.. attributes]);
    }
}

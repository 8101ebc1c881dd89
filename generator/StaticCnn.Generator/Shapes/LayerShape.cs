using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// The resolved window of a convolution or pooling layer: kernel, stride, padding on each side and dilation per
/// dimension, after the defaults are applied (a pooling stride of 0 becomes the window size, 'same' padding its
/// sizes). Per dimension: out = (N + before + after - ((kernel - 1) * dilation + 1)) / stride + 1.
/// </summary>
internal readonly record struct Window(
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int PadTop,
    int PadBottom,
    int PadLeft,
    int PadRight,
    int DilationHeight = 1,
    int DilationWidth = 1)
{
    /// <summary>A square window: one kernel size, stride and padding, no dilation.</summary>
    public static Window Square(int kernel, int stride, int padding) => new(kernel, kernel, stride, stride, padding, padding, padding, padding);

    /// <summary>Kernel, stride and padding the same in both dimensions and on every side, no dilation.</summary>
    public bool IsSquare =>
        KernelHeight == KernelWidth && StrideHeight == StrideWidth && DilationHeight == 1 && DilationWidth == 1
        && PadTop == PadBottom && PadTop == PadLeft && PadTop == PadRight;

    /// <summary>The square kernel size (the height's for other windows).</summary>
    public int Kernel => KernelHeight;

    /// <summary>The square stride (the height's for other windows).</summary>
    public int Stride => StrideHeight;

    /// <summary>The square padding (the top's for other windows).</summary>
    public int Padding => PadTop;

    /// <summary>Input rows one window spans: (kernel - 1) * dilation + 1.</summary>
    public int SpanHeight => ((KernelHeight - 1) * DilationHeight) + 1;

    /// <summary>Input columns one window spans: (kernel - 1) * dilation + 1.</summary>
    public int SpanWidth => ((KernelWidth - 1) * DilationWidth) + 1;
}

/// <summary>A checked layer: its spec, its shapes, its window (spatial layers) and its tensors.</summary>
/// <param name="Layer">The declaration.</param>
/// <param name="Input">The shape it reads.</param>
/// <param name="Output">The shape it writes.</param>
/// <param name="Window">Kernel, stride and padding of a convolution or pooling layer; all 0 for the others.</param>
/// <param name="Parameters">Its learnable tensors in PyTorch's order (weight, then bias), with their offsets.</param>
/// <param name="ParameterOffset">Where its parameters start (for a layer without any: where the next layer's start).</param>
internal sealed record LayerShape(
    LayerSpec Layer,
    Shape Input,
    Shape Output,
    Window Window,
    EquatableArray<ParameterSpec> Parameters,
    int ParameterOffset)
{
    public LayerKind Kind => Layer.Kind;

    /// <summary>
    /// The layers whose outputs this one reads, by <see cref="Index"/> (0: the network's input), in operand order;
    /// empty for a layer of a plain sequence, which reads the layer before it.
    /// </summary>
    public EquatableArray<int> Inputs { get; init; }

    /// <summary>The layer it reads first: <see cref="Inputs"/>[0], or the layer before it.</summary>
    public int Source => Inputs.Count == 0 ? Index - 1 : Inputs[0];

    /// <summary>The layers it reads, once per operand: <see cref="Inputs"/>, or the layer before it.</summary>
    public IReadOnlyList<int> Operands => Inputs.Count == 0 ? new[] { Index - 1 } : Inputs;

    /// <summary>
    /// Its module path in the equivalent PyTorch module ("3", "4.body.0", "6.branches.1.2"): its tensors are named
    /// "{Module}.weight" and so on (docs/graphs.md has the rule). Set by shape inference.
    /// </summary>
    public string Module { get; init; } = "";

    /// <summary>How deep in blocks it sits (0: a layer of the network's own sequence), for indented text.</summary>
    public int Depth { get; init; }

    public int Index => Layer.Index;

    /// <summary>The layer kind's definition: parsing, shapes, text and planning.</summary>
    public LayerDefinition Definition => LayerDefinitions.For(Layer.Kind);

    public int KernelSize => Window.Kernel;

    public int Stride => Window.Stride;

    public int Padding => Window.Padding;

    /// <summary>Floats of the weight tensor (0 without one).</summary>
    public int WeightCount => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Weight)?.Length ?? 0;

    /// <summary>Floats of the bias tensor (0 without one).</summary>
    public int BiasCount => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Bias)?.Length ?? 0;

    /// <summary>Learnable floats (buffers not counted).</summary>
    public int ParameterCount => Parameters.Where(p => !p.Buffer).Sum(p => p.Length);

    /// <summary>Floats of the layer's buffers (running statistics).</summary>
    public int BufferCount => Parameters.Where(p => p.Buffer).Sum(p => p.Length);

    /// <summary>Where the bias starts (right after the weight).</summary>
    public int BiasOffset => Parameters.FirstOrDefault(p => p.Role == ParameterRole.Bias)?.Offset ?? (ParameterOffset + WeightCount);

    /// <summary>"Conv2D #1".</summary>
    public string Name => Layer.Name;
}

/// <summary>The result of shape inference over a whole network.</summary>
internal sealed record NetworkShapes(
    Shape Input,
    EquatableArray<LayerShape> Layers,
    EquatableArray<ShapeError> Errors,
    int ParameterCount,
    int BufferCount = 0)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>The network uses blocks ([Residual], [Concat]): its layers are a graph, not one sequence.</summary>
    public bool IsGraph => Layers.Any(l => l.Kind is LayerKind.Add or LayerKind.Concat);

    public Shape Output => Layers.Count == 0 ? Input : Layers[Layers.Count - 1].Output;
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace StaticCnn;

/// <summary>
/// One layer of a generated network as the generator saw it: kind, 1-based position, shapes and its tensors. Each
/// kind has its own record with its hyper-parameters (<see cref="ConvolutionInfo"/>, <see cref="PoolingInfo"/>,
/// <see cref="DenseInfo"/>, <see cref="ActivationInfo"/>, <see cref="FlattenInfo"/>), which also knows how the layer
/// is written in ONNX.
/// </summary>
public abstract record LayerInfo
{
    private protected LayerInfo(int index, LayerKind kind, TensorShape input, TensorShape output, int parameterOffset, IReadOnlyList<TensorInfo> tensors)
    {
        Index = index;
        Kind = kind;
        Input = input;
        Output = output;
        ParameterOffset = parameterOffset;
        Tensors = tensors ?? throw new ArgumentNullException(nameof(tensors));
    }

    /// <summary>1-based position among the layers (<see cref="NetworkAttribute"/> is not a layer).</summary>
    public int Index { get; }

    /// <summary>What the layer computes.</summary>
    public LayerKind Kind { get; }

    /// <summary>Shape of the layer's input.</summary>
    public TensorShape Input { get; }

    /// <summary>Shape of the layer's output.</summary>
    public TensorShape Output { get; }

    /// <summary>
    /// Index of the layer's first parameter in <see cref="INetwork.Parameters"/> (for a layer without parameters,
    /// where the next layer's start).
    /// </summary>
    public int ParameterOffset { get; }

    /// <summary>The layer's tensors in PyTorch's <c>state_dict</c> order (weight, then bias), with their offsets.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Number of weights (0 for layers without them).</summary>
    public int WeightCount => Tensor(TensorRole.Weight)?.Length ?? 0;

    /// <summary>Number of biases (0 for layers without them).</summary>
    public int BiasCount => Tensor(TensorRole.Bias)?.Length ?? 0;

    /// <summary>Every learnable float of the layer.</summary>
    public int ParameterCount => Tensors.Where(t => !t.IsBuffer).Sum(t => t.Length);

    /// <summary>Floats of the layer's buffers (running statistics) in <see cref="INetwork.Buffers"/>.</summary>
    public int BufferCount => Tensors.Where(t => t.IsBuffer).Sum(t => t.Length);

    /// <summary>Index of the layer's bias in <see cref="INetwork.Parameters"/> (right after its weight).</summary>
    public int BiasOffset => Tensor(TensorRole.Bias)?.Offset ?? (ParameterOffset + WeightCount);

    /// <summary>Filter or window size F of a square window (convolution and pooling); otherwise 0.</summary>
    public virtual int KernelSize => 0;

    /// <summary>Stride S of a square window (convolution and pooling); otherwise 0.</summary>
    public virtual int Stride => 0;

    /// <summary>Padding P of a square window (convolution and pooling); otherwise 0.</summary>
    public virtual int Padding => 0;

    /// <summary>Negative slope of a LeakyReLU; otherwise 0.</summary>
    public virtual float Slope => 0f;

    /// <summary>The tensor with <paramref name="role"/>, or null.</summary>
    public TensorInfo? Tensor(TensorRole role) => Tensors.FirstOrDefault(t => t.Role == role);

    /// <summary>
    /// Initialisers look through this layer to the activation after it for a weight's gain (pooling, Flatten).
    /// </summary>
    internal virtual bool PassesGainThrough => false;

    /// <summary>The Kaiming gain this layer gives the weights before it (activations); null for other kinds.</summary>
    internal virtual float? Gain => null;

    /// <summary>
    /// The layers whose outputs this one reads, by <see cref="Index"/> (0: the network's input), in operand order; null
    /// for a layer of a plain sequence, which reads the layer before it. Set for every layer of a network with
    /// [Residual] or [Concat].
    /// </summary>
    public IReadOnlyList<int>? Inputs { get; init; }

    /// <summary>
    /// The layer's module path in the equivalent PyTorch module (<c>"4.body.0"</c>); its tensors are named
    /// <c>"{Module}.weight"</c>. Null for a layer of a plain sequence, whose path is its <c>nn.Sequential</c> index
    /// (<see cref="ParameterTensors.ModuleIndices"/>).
    /// </summary>
    public string? Module { get; init; }

    /// <summary>The layers it reads: <see cref="Inputs"/>, or the one before it.</summary>
    public IReadOnlyList<int> Operands => Inputs ?? [Index - 1];

    /// <summary>Adds the layer's ONNX nodes reading <paramref name="input"/>; returns the name of their output.</summary>
    internal abstract string AddOnnx(OnnxGraph graph, string input, string module, bool last);

    /// <summary>Adds the layer's ONNX nodes reading <paramref name="inputs"/> (one per operand); returns the name of their output.</summary>
    internal virtual string AddOnnx(OnnxGraph graph, IReadOnlyList<string> inputs, string module, bool last) => AddOnnx(graph, inputs[0], module, last);
}

using System;
using System.Collections.Generic;

namespace StaticCnn;

/// <summary>
/// One learnable tensor of a network as PyTorch names it in the <c>state_dict</c> of the equivalent
/// <c>nn.Sequential</c>: a layer's weight (<c>"3.weight"</c>) or bias (<c>"3.bias"</c>), with its PyTorch shape and
/// the range of <see cref="INetwork.Parameters"/> that holds it. <see cref="ParameterTensors.Of"/> lists them.
/// </summary>
public sealed class ParameterTensor
{
    private readonly int[] _shape;

    internal ParameterTensor(string name, LayerInfo layer, int moduleIndex, TensorInfo tensor)
    {
        Name = name;
        Layer = layer;
        ModuleIndex = moduleIndex;
        Role = tensor.Role;
        IsBuffer = tensor.IsBuffer;
        _shape = [.. tensor.Shape];
        Offset = tensor.Offset;
        Length = tensor.Length;
    }

    /// <summary>The PyTorch <c>state_dict</c> key, such as <c>"0.weight"</c> or <c>"9.bias"</c>.</summary>
    public string Name { get; }

    /// <summary>The layer that owns the tensor.</summary>
    public LayerInfo Layer { get; }

    /// <summary>The index of the layer's module in the equivalent <c>nn.Sequential</c> (the number in <see cref="Name"/>).</summary>
    public int ModuleIndex { get; }

    /// <summary>What the tensor is for.</summary>
    public TensorRole Role { get; }

    /// <summary>True for a bias.</summary>
    public bool IsBias => Role == TensorRole.Bias;

    /// <summary>
    /// A buffer (running statistics): its floats are in <see cref="INetwork.Buffers"/> at <see cref="Offset"/>, not in
    /// the parameters; PyTorch's <c>num_batches_tracked</c> (<see cref="TensorRole.BatchesTracked"/>) is an int64 scalar
    /// in a file.
    /// </summary>
    public bool IsBuffer { get; }

    /// <summary>
    /// PyTorch's shape: Conv2D weight <c>[filters, inChannels / groups, kh, kw]</c>, Dense weight <c>[units, inputs]</c>,
    /// a bias <c>[count]</c>.
    /// </summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Index of the tensor's first float in <see cref="INetwork.Parameters"/> (a buffer's: in <see cref="INetwork.Buffers"/>).</summary>
    public int Offset { get; }

    /// <summary>Number of floats (the product of <see cref="Shape"/>).</summary>
    public int Length { get; }

    /// <summary>The shape as PyTorch prints it, such as <c>[16, 6, 5, 5]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    /// <summary>The name, shape and owning layer, for messages.</summary>
    public override string ToString() => $"'{Name}' {ShapeText} ({Layer.Kind} layer {Layer.Index} {RoleText})";

    internal int[] ShapeArray => _shape;

    /// <summary>The role in words, for messages: "weight", "bias", "running variance", ...</summary>
    internal string RoleText => Role switch
    {
        TensorRole.Scale => "scale",
        TensorRole.Shift => "shift",
        TensorRole.RunningMean => "running mean",
        TensorRole.RunningVariance => "running variance",
        TensorRole.BatchesTracked => "batch count",
        _ => Role.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// The naming rule that makes a StaticCnn network's parameters a PyTorch <c>nn.Sequential</c> <c>state_dict</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every declared layer is one module of the <c>nn.Sequential</c>, in declaration order, activations, pooling and
/// <c>Flatten</c> included: without implied flattening the layer at 1-based position <see cref="LayerInfo.Index"/>
/// is module <c>Index - 1</c>. The contract lets a network leave out the <c>Flatten</c> before its first
/// <c>Dense</c>; the generator then reports no layer for it (the <c>Dense</c> simply has a spatial
/// <see cref="LayerInfo.Input"/>), but PyTorch needs an <c>nn.Flatten()</c> there, and it takes an index. So a
/// <c>Dense</c> whose input is not flat is preceded by one implied <c>nn.Flatten()</c> module, and it and every
/// later layer are numbered one higher. Example: <c>Conv2D, ReLU, MaxPool2D, Dense(10)</c> is
/// <c>nn.Sequential(Conv2d, ReLU, MaxPool2d, Flatten, Linear)</c>, with tensors <c>0.weight</c>, <c>0.bias</c>,
/// <c>4.weight</c>, <c>4.bias</c>.
/// </para>
/// <para>
/// Shapes are PyTorch's (each layer lists its tensors in <see cref="LayerInfo.Tensors"/>): Conv2D weight
/// <c>[filters, inChannels / groups, kh, kw]</c>, Dense weight <c>[units, inputs]</c> with inputs in C,H,W flatten
/// order, biases <c>[count]</c>. The tensors are listed in <see cref="INetwork.Parameters"/>
/// order, which is also <c>nn.Sequential.parameters()</c> order.
/// </para>
/// </remarks>
public static class ParameterTensors
{
    /// <summary>
    /// The tensors of <paramref name="network"/>'s <c>state_dict</c>: layer by layer its parameters (weight, bias) and
    /// then its buffers (running_mean, running_var, num_batches_tracked), as PyTorch orders them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The network's <see cref="INetwork.Layers"/> are inconsistent with its parameter count.</exception>
    public static IReadOnlyList<ParameterTensor> Of(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyList<LayerInfo> layers = network.Layers;
        int[] modules = ModuleIndices(network);
        string[] paths = ModulePaths(network);
        var tensors = new List<ParameterTensor>();
        int expectedOffset = 0;
        int expectedBuffer = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerInfo layer = layers[i];
            foreach (TensorInfo tensor in layer.Tensors)
            {
                ref int expected = ref tensor.IsBuffer ? ref expectedBuffer : ref expectedOffset;
                if (tensor.Offset != expected)
                {
                    throw Inconsistent(network, layer, $"its {(tensor.IsBuffer ? "buffer" : "tensor")} '{tensor.Name}' starts at {tensor.Offset}, expected {expected}");
                }

                tensors.Add(new ParameterTensor(ModuleNames.Tensor(paths[i], tensor.Name), layer, modules[i], tensor));
                expected = checked(expected + tensor.Length);
            }
        }

        if (expectedBuffer != network.BufferCount)
        {
            throw new InvalidOperationException(
                $"The network's layers hold {expectedBuffer} buffer values but its BufferCount is {network.BufferCount}.");
        }

        if (expectedOffset != network.ParameterCount)
        {
            throw new InvalidOperationException(
                $"The network's layers hold {expectedOffset} parameters but its ParameterCount is {network.ParameterCount}.");
        }

        return tensors.AsReadOnly();
    }

    /// <summary>
    /// For each entry of <see cref="INetwork.Layers"/>, the index of its module in the equivalent
    /// <c>nn.Sequential</c> (see the remarks on <see cref="ParameterTensors"/> for the implied <c>Flatten</c>).
    /// </summary>
    public static int[] ModuleIndices(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyList<LayerInfo> layers = network.Layers;
        var implied = new bool[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            implied[i] = NeedsImpliedFlatten(layers[i]);
        }

        int[] indices = ModuleNames.Indices(implied);
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Module is { } path)
            {
                // A network with blocks: the top-level module the layer belongs to.
                int dot = path.IndexOf('.');
                indices[i] = int.Parse(dot < 0 ? path : path.Substring(0, dot), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return indices;
    }

    /// <summary>
    /// For each entry of <see cref="INetwork.Layers"/>, its module path in the equivalent PyTorch module: its
    /// <see cref="LayerInfo.Module"/> (a network with blocks: <c>"4.body.0"</c>), or its <c>nn.Sequential</c> index.
    /// </summary>
    public static string[] ModulePaths(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        int[] indices = ModuleIndices(network);
        var paths = new string[indices.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = network.Layers[i].Module ?? indices[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return paths;
    }

    /// <summary>True when <paramref name="layer"/> is a <c>Dense</c> that reads spatial data, so PyTorch needs an <c>nn.Flatten()</c> before it.</summary>
    public static bool NeedsImpliedFlatten(LayerInfo layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Kind == LayerKind.Dense && !layer.Input.IsFlat;
    }

    private static long Product(int[] shape)
    {
        long product = 1;
        foreach (int d in shape)
        {
            product *= d;
        }

        return product;
    }

    private static InvalidOperationException Inconsistent(INetwork network, LayerInfo layer, string what) =>
        new($"Layer {layer.Index} ({layer.Kind}) of the network (input {network.InputShape}) is inconsistent: {what}.");
}

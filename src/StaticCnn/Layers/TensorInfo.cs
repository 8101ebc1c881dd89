using System;
using System.Collections.Generic;
using System.Globalization;

namespace StaticCnn;

/// <summary>What a tensor of a layer is for.</summary>
public enum TensorRole
{
    /// <summary>A convolution's filters or a dense layer's matrix (learnable).</summary>
    Weight,

    /// <summary>One bias per filter or unit (learnable).</summary>
    Bias,

    /// <summary>A BatchNorm's scale per channel, gamma (learnable; PyTorch's <c>weight</c>).</summary>
    Scale,

    /// <summary>A BatchNorm's shift per channel, beta (learnable; PyTorch's <c>bias</c>).</summary>
    Shift,

    /// <summary>A BatchNorm's running mean (a buffer).</summary>
    RunningMean,

    /// <summary>A BatchNorm's running variance (a buffer).</summary>
    RunningVariance,

    /// <summary>A BatchNorm's number of training batches seen (a buffer; PyTorch stores it as an int64 scalar).</summary>
    BatchesTracked,
}

/// <summary>
/// One tensor of a layer as data: its PyTorch <c>state_dict</c> suffix (<c>"weight"</c>, <c>"bias"</c>), its PyTorch
/// shape, what it is for, and where its floats start in <see cref="INetwork.Parameters"/>. The generator lists every
/// layer's tensors in <see cref="LayerInfo.Tensors"/>; safetensors, ONNX export and the initialisers read them from
/// there instead of knowing each layer kind's layout.
/// </summary>
/// <param name="Name">The name after the module's index, such as <c>"weight"</c>.</param>
/// <param name="Shape">PyTorch's shape, such as <c>[16, 6, 5, 5]</c>.</param>
/// <param name="Role">What the tensor is for.</param>
/// <param name="Offset">Index of its first float in <see cref="INetwork.Parameters"/> (a buffer: in <see cref="INetwork.Buffers"/>).</param>
/// <param name="IsBuffer">State saved with the weights but not learned (running statistics), in <see cref="INetwork.Buffers"/>.</param>
public sealed record TensorInfo(string Name, IReadOnlyList<int> Shape, TensorRole Role, int Offset, bool IsBuffer = false)
{
    /// <summary>Floats in the tensor: the product of its shape.</summary>
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int d in Shape)
            {
                length = checked(length * d);
            }

            return length;
        }
    }

    /// <summary>The shape as PyTorch prints it, such as <c>[16, 6, 5, 5]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>"weight [16, 6, 5, 5] at 156".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {ShapeText} at {Offset}");
}

namespace StaticCnn.Reference;

/// <summary>How an inexact (N + 2P - F) / S + 1 is rounded: Exact rejects it; Floor rounds down (PyTorch's default);
/// Ceil rounds up (PyTorch's ceil_mode=True), dropping a last window that would start in the right or bottom
/// padding.</summary>
public enum RefRounding
{
    Exact,
    Floor,
    Ceil,
}

/// <summary>One layer of a <see cref="ReferenceNetwork"/>. The layers mean exactly what the PyTorch module of the
/// same name means in an <c>nn.Sequential</c> applied to one sample.</summary>
public abstract record RefLayer;

/// <summary>2-D convolution (cross-correlation, like PyTorch's <c>nn.Conv2d</c>) with zero padding. The positional
/// parameters describe a square kernel, one stride and symmetric padding; the init-only properties refine them per
/// dimension. Parameters: weight [Filters, inChannels / Groups, kernel height, kernel width] then, if
/// <see cref="Bias"/>, bias [Filters].</summary>
/// <remarks>
/// Per dimension, with kernel k, dilation d, stride S and padding before/after: the effective kernel is
/// (k - 1) * d + 1, tap (ky, kx) of output (oy, ox) reads input row oy * S + ky * d - padTop (likewise for columns)
/// and the output size is (N + padBefore + padAfter - effective kernel) / S + 1 under <see cref="Rounding"/>, or
/// ceil(N / S) when <see cref="Same"/> is set.
/// </remarks>
public sealed record RefConv2D(int Filters, int KernelSize, int Stride = 1, int Padding = 0, RefRounding Rounding = RefRounding.Exact) : RefLayer
{
    /// <summary>The kernel height; 0 (the default) means <see cref="KernelSize"/>.</summary>
    public int KernelHeight { get; init; }

    /// <summary>The kernel width; 0 (the default) means <see cref="KernelSize"/>.</summary>
    public int KernelWidth { get; init; }

    /// <summary>The vertical stride; 0 (the default) means <see cref="Stride"/>.</summary>
    public int StrideHeight { get; init; }

    /// <summary>The horizontal stride; 0 (the default) means <see cref="Stride"/>.</summary>
    public int StrideWidth { get; init; }

    /// <summary>Zero rows above the input; null (the default) means <see cref="Padding"/>. Ignored when
    /// <see cref="Same"/> is set.</summary>
    public int? PadTop { get; init; }

    /// <summary>Zero rows below the input; null (the default) means <see cref="Padding"/>. Ignored when
    /// <see cref="Same"/> is set.</summary>
    public int? PadBottom { get; init; }

    /// <summary>Zero columns left of the input; null (the default) means <see cref="Padding"/>. Ignored when
    /// <see cref="Same"/> is set.</summary>
    public int? PadLeft { get; init; }

    /// <summary>Zero columns right of the input; null (the default) means <see cref="Padding"/>. Ignored when
    /// <see cref="Same"/> is set.</summary>
    public int? PadRight { get; init; }

    /// <summary>TensorFlow's 'same' padding: per dimension the output is ceil(N / S), the total padding
    /// max((out - 1) * S + effective kernel - N, 0), of which total / 2 (rounded down) goes before the input and the
    /// rest after it. Overrides <see cref="Padding"/>, the explicit pads and <see cref="Rounding"/>.</summary>
    public bool Same { get; init; }

    /// <summary>The vertical dilation (spacing of the kernel taps), at least 1.</summary>
    public int DilationHeight { get; init; } = 1;

    /// <summary>The horizontal dilation (spacing of the kernel taps), at least 1.</summary>
    public int DilationWidth { get; init; } = 1;

    /// <summary>Grouped convolution: the input channels C and <see cref="Filters"/> must both be divisible by
    /// Groups, and filter o sees input channels [g * C / Groups, (g + 1) * C / Groups) with
    /// g = o / (Filters / Groups). Groups = C is a depthwise convolution.</summary>
    public int Groups { get; init; } = 1;

    /// <summary>Whether the layer has a bias (PyTorch's bias=True, the default); without one it has Filters fewer
    /// parameters.</summary>
    public bool Bias { get; init; } = true;
}

/// <summary>Max pooling (PyTorch <c>nn.MaxPool2d</c>): padded cells never win (they are -infinity), and of tied
/// maxima the first in row-major window order wins. <paramref name="Stride"/> 0 means a stride equal to the kernel.
/// Every padding must be at most the kernel of its dimension / 2. The init-only properties give rectangular kernels,
/// per-dimension strides, asymmetric padding and TensorFlow's 'same' padding, as on <see cref="RefConv2D"/> (without
/// dilation).</summary>
public sealed record RefMaxPool2D(int Size, int Stride = 0, int Padding = 0, RefRounding Rounding = RefRounding.Exact) : RefLayer
{
    /// <summary>The window height; 0 (the default) means <see cref="Size"/>.</summary>
    public int KernelHeight { get; init; }

    /// <summary>The window width; 0 (the default) means <see cref="Size"/>.</summary>
    public int KernelWidth { get; init; }

    /// <summary>The vertical stride; 0 (the default) means <see cref="Stride"/>, and if that is 0 too, the window
    /// height.</summary>
    public int StrideHeight { get; init; }

    /// <summary>The horizontal stride; 0 (the default) means <see cref="Stride"/>, and if that is 0 too, the window
    /// width.</summary>
    public int StrideWidth { get; init; }

    /// <summary>Padded rows above the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadTop { get; init; }

    /// <summary>Padded rows below the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadBottom { get; init; }

    /// <summary>Padded columns left of the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadLeft { get; init; }

    /// <summary>Padded columns right of the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadRight { get; init; }

    /// <summary>TensorFlow's 'same' padding (see <see cref="RefConv2D.Same"/>); overrides the paddings and
    /// <see cref="Rounding"/>.</summary>
    public bool Same { get; init; }
}

/// <summary>Average pooling (PyTorch <c>nn.AvgPool2d</c>). With <see cref="CountIncludePadding"/> (the default,
/// PyTorch's count_include_pad=True) padded cells count as zeros and the divisor is (hend - hstart) * (wend - wstart)
/// with the window's ends clipped to the padded input: the window area, except for ceil-mode windows hanging over the
/// bottom or right edge. <paramref name="Stride"/> 0 means a stride equal to the kernel. Every padding must be at most
/// the kernel of its dimension / 2. The init-only properties give rectangular kernels, per-dimension strides,
/// asymmetric padding and TensorFlow's 'same' padding, as on <see cref="RefConv2D"/> (without dilation).</summary>
public sealed record RefAvgPool2D(int Size, int Stride = 0, int Padding = 0, RefRounding Rounding = RefRounding.Exact) : RefLayer
{
    /// <summary>The window height; 0 (the default) means <see cref="Size"/>.</summary>
    public int KernelHeight { get; init; }

    /// <summary>The window width; 0 (the default) means <see cref="Size"/>.</summary>
    public int KernelWidth { get; init; }

    /// <summary>The vertical stride; 0 (the default) means <see cref="Stride"/>, and if that is 0 too, the window
    /// height.</summary>
    public int StrideHeight { get; init; }

    /// <summary>The horizontal stride; 0 (the default) means <see cref="Stride"/>, and if that is 0 too, the window
    /// width.</summary>
    public int StrideWidth { get; init; }

    /// <summary>Padded rows above the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadTop { get; init; }

    /// <summary>Padded rows below the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadBottom { get; init; }

    /// <summary>Padded columns left of the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadLeft { get; init; }

    /// <summary>Padded columns right of the input; null (the default) means <see cref="Padding"/>.</summary>
    public int? PadRight { get; init; }

    /// <summary>TensorFlow's 'same' padding (see <see cref="RefConv2D.Same"/>); overrides the paddings and
    /// <see cref="Rounding"/>. TensorFlow's own 'same' average pooling also sets
    /// <see cref="CountIncludePadding"/> to false.</summary>
    public bool Same { get; init; }

    /// <summary>True (the default): padded cells count in the divisor, as described on the record. False: the divisor
    /// is the number of real (non-padding) input cells in the window (PyTorch's count_include_pad=False,
    /// TensorFlow's 'same' average pooling).</summary>
    public bool CountIncludePadding { get; init; } = true;
}

/// <summary>max(0, x); gradient 1 where x &gt; 0, else 0.</summary>
public sealed record RefReLU : RefLayer;

/// <summary>x &gt; 0 ? x : Slope * x; gradient 1 where x &gt; 0, else Slope.</summary>
public sealed record RefLeakyReLU(double Slope = 0.01) : RefLayer;

/// <summary>1 / (1 + e^-x).</summary>
public sealed record RefSigmoid : RefLayer;

/// <summary>tanh(x).</summary>
public sealed record RefTanh : RefLayer;

/// <summary>Flattens C,H,W data in row-major (C,H,W) order; the data do not change.</summary>
public sealed record RefFlatten : RefLayer;

/// <summary>Fully connected layer (PyTorch <c>nn.Linear</c>), flattening spatial input first. Parameters:
/// weight [Units, inputs] then bias [Units].</summary>
public sealed record RefDense(int Units) : RefLayer;

/// <summary>Batch normalisation over the channels (PyTorch <c>nn.BatchNorm2d</c> after spatial data, per channel
/// over the batch, height and width; <c>nn.BatchNorm1d</c> after flat data, per feature over the batch).
/// Parameters: weight [C] then bias [C]. Buffers (see <see cref="ReferenceNetwork.BufferCount"/>): running_mean [C],
/// running_var [C], num_batches_tracked [1].</summary>
/// <remarks>
/// Training mode normalises with the batch mean and the biased batch variance and updates
/// running_mean = (1 - Momentum) * running_mean + Momentum * mean,
/// running_var = (1 - Momentum) * running_var + Momentum * unbiased variance, num_batches_tracked += 1. Evaluation mode
/// computes (x - running_mean) / sqrt(running_var + Epsilon) * weight + bias.
/// </remarks>
public sealed record RefBatchNorm(double Epsilon = 1e-5, double Momentum = 0.1) : RefLayer;

/// <summary>Dropout (PyTorch <c>nn.Dropout</c>): in training mode y = x * keep / (1 - P), with keep from the mask
/// function passed to <see cref="ReferenceNetwork.ForwardBatch"/> (P = 0 is the identity, as in PyTorch); in
/// evaluation mode the identity. P must be in [0, 1).</summary>
public sealed record RefDropout(double P) : RefLayer;

/// <summary>Average over each channel's whole plane: C x H x W to C x 1 x 1, still spatial (PyTorch
/// <c>nn.AdaptiveAvgPool2d(1)</c>).</summary>
public sealed record RefGlobalAvgPool2D : RefLayer;

/// <summary>Maximum over each channel's whole plane: C x H x W to C x 1 x 1, still spatial (PyTorch
/// <c>nn.AdaptiveMaxPool2d(1)</c>). The gradient goes to the first maximal cell in row-major order; a NaN replaces
/// the running maximum, as in PyTorch.</summary>
public sealed record RefGlobalMaxPool2D : RefLayer;

/// <summary>min(max(x, 0), 6) (PyTorch <c>nn.ReLU6</c>); gradient 1 where 0 &lt; x &lt; 6, else 0.</summary>
public sealed record RefReLU6 : RefLayer;

/// <summary>relu6(x + 3) / 6 (PyTorch <c>nn.Hardsigmoid</c>); gradient 1/6 where -3 &lt; x &lt; 3, else 0.</summary>
public sealed record RefHardSigmoid : RefLayer;

/// <summary>x * relu6(x + 3) / 6 (PyTorch <c>nn.Hardswish</c>); gradient as PyTorch's hardswish_backward: 0 where
/// x &lt; -3, x / 3 + 1/2 where -3 &lt;= x &lt;= 3, 1 where x &gt; 3.</summary>
public sealed record RefHardSwish : RefLayer;

/// <summary>x * sigmoid(x) (PyTorch <c>nn.SiLU</c>); gradient sigmoid(x) * (1 + x * (1 - sigmoid(x))).</summary>
public sealed record RefSiLU : RefLayer;

/// <summary>PyTorch <c>nn.GELU</c>: exactly x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt 2)), gradient
/// Phi(x) + x * phi(x); with <paramref name="TanhApproximation"/> (approximate='tanh')
/// 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) and its exact derivative.</summary>
public sealed record RefGELU(bool TanhApproximation = false) : RefLayer;

/// <summary>Softmax over the channel dimension (PyTorch <c>nn.Softmax(dim=1)</c>): over all features of flat data, over
/// the C channels at each pixel of C x H x W data. Computed after subtracting the maximum; gradient
/// dx = y * (dy - sum(dy * y)).</summary>
public sealed record RefSoftmax : RefLayer;

/// <summary>A residual block (a PyTorch module whose forward is <c>body(x) + shortcut(x)</c>, with body and shortcut
/// <c>nn.Sequential</c>s): y = Body(x) + Shortcut(x), where a null <paramref name="Shortcut"/> is the identity. Both
/// paths run on the block's input and must give the same shape (flat or spatial alike); the body must have at least
/// one layer. Parameters and buffers: the body's, in order, then the shortcut's (PyTorch's state_dict order).</summary>
/// <remarks>The layers may themselves be <see cref="RefResidual"/> or <see cref="RefConcat"/>, to any depth. For the
/// numbering that <see cref="ReferenceNetwork.ForwardBatch"/>'s dropout mask sees, a block contributes its body's
/// layers, then its shortcut's, then one entry for the addition (see
/// <see cref="ReferenceNetwork.FlatLayerCount"/>).</remarks>
public sealed record RefResidual(RefLayer[] Body, RefLayer[]? Shortcut = null) : RefLayer
{
    /// <summary>For example <c>RefResidual { Body = [RefConv2D, RefReLU], Shortcut = identity }</c>: nested layers by
    /// type, nested blocks in full.</summary>
    public override string ToString() =>
        $"RefResidual {{ Body = {RefLayerText.List(Body)}, Shortcut = "
        + $"{(Shortcut is null ? "identity" : RefLayerText.List(Shortcut))} }}";
}

/// <summary>A concatenation over channels (a PyTorch module whose forward is
/// <c>torch.cat(([x] if include_input else []) + [b(x) for b in branches], dim=1)</c>, with the branches an
/// <c>nn.ModuleList</c> of <c>nn.Sequential</c>s): the input itself first if <paramref name="IncludeInput"/>, then the
/// output of every branch run on the input, in order. Every operand must be spatial (not flat) with the same height
/// and width, and there must be at least two operands; a branch without layers is the identity. Parameters and
/// buffers: branch 0's, then branch 1's, and so on.</summary>
/// <remarks>The layers may themselves be <see cref="RefResidual"/> or <see cref="RefConcat"/>, to any depth. For the
/// numbering that <see cref="ReferenceNetwork.ForwardBatch"/>'s dropout mask sees, a concatenation contributes branch
/// 0's layers, branch 1's and so on, then one entry for the concatenation (see
/// <see cref="ReferenceNetwork.FlatLayerCount"/>).</remarks>
public sealed record RefConcat(RefLayer[][] Branches, bool IncludeInput = false) : RefLayer
{
    /// <summary>For example
    /// <c>RefConcat { Branches = [[RefConv2D], [RefMaxPool2D, RefConv2D]], IncludeInput = True }</c>: nested layers by
    /// type, nested blocks in full.</summary>
    public override string ToString()
    {
        string branches = "null";
        if (Branches is not null)
        {
            string[] parts = new string[Branches.Length];
            for (int b = 0; b < parts.Length; b++)
            {
                parts[b] = RefLayerText.List(Branches[b]);
            }
            branches = "[" + string.Join(", ", parts) + "]";
        }
        return $"RefConcat {{ Branches = {branches}, IncludeInput = {IncludeInput} }}";
    }
}

/// <summary>The short text of a nested layer list, for the ToString of the blocks.</summary>
internal static class RefLayerText
{
    public static string List(RefLayer[]? layers)
    {
        if (layers is null)
        {
            return "null";
        }
        string[] parts = new string[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            parts[i] = layers[i] switch
            {
                null => "null",
                RefLayer block when block is RefResidual or RefConcat => block.ToString(),
                RefLayer layer => layer.GetType().Name,
            };
        }
        return "[" + string.Join(", ", parts) + "]";
    }
}

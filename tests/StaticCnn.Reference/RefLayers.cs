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

/// <summary>2-D convolution (cross-correlation, like PyTorch's <c>nn.Conv2d</c>) with a square kernel, zero padding
/// and a bias. Parameters: weight [Filters, inChannels, KernelSize, KernelSize] then bias [Filters].</summary>
public sealed record RefConv2D(int Filters, int KernelSize, int Stride = 1, int Padding = 0, RefRounding Rounding = RefRounding.Exact) : RefLayer;

/// <summary>Max pooling over square windows (PyTorch <c>nn.MaxPool2d</c>): padded cells never win, and of tied
/// maxima the first in row-major window order wins. <paramref name="Stride"/> 0 means a stride equal to
/// <paramref name="Size"/>. Padding must be at most Size / 2.</summary>
public sealed record RefMaxPool2D(int Size, int Stride = 0, int Padding = 0, RefRounding Rounding = RefRounding.Exact) : RefLayer;

/// <summary>Average pooling over square windows (PyTorch <c>nn.AvgPool2d</c> with count_include_pad=True): padded
/// cells count as zeros and the divisor is (hend - hstart) * (wend - wstart) with the window's ends clipped to the
/// padded input: Size * Size, except for ceil-mode windows hanging over the bottom or right edge.
/// <paramref name="Stride"/> 0 means a stride equal to <paramref name="Size"/>. Padding must be at most Size / 2.</summary>
public sealed record RefAvgPool2D(int Size, int Stride = 0, int Padding = 0, RefRounding Rounding = RefRounding.Exact) : RefLayer;

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

namespace StaticCnn;

/// <summary>
/// The window of a convolution or pooling layer after every default is applied: kernel, stride, padding on each
/// side and dilation, per dimension. For each dimension, with input N, padding before and after Pb and Pa, kernel F,
/// dilation D and stride S: <c>out = (N + Pb + Pa - ((F - 1) * D + 1)) / S + 1</c>.
/// </summary>
public readonly record struct WindowInfo(
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int PaddingTop,
    int PaddingBottom,
    int PaddingLeft,
    int PaddingRight,
    int DilationHeight = 1,
    int DilationWidth = 1)
{
    /// <summary>A square window: kernel, stride and padding the same in both dimensions and on every side, no dilation.</summary>
    public bool IsSquare =>
        KernelHeight == KernelWidth && StrideHeight == StrideWidth && DilationHeight == 1 && DilationWidth == 1
        && PaddingTop == PaddingBottom && PaddingTop == PaddingLeft && PaddingTop == PaddingRight;

    /// <summary>The padding on each side as ONNX lists it: [top, left, bottom, right].</summary>
    public long[] OnnxPads => [PaddingTop, PaddingLeft, PaddingBottom, PaddingRight];
}

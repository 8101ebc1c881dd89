using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// The window of a convolution or pooling layer as declared: the constructor's square kernel, stride and padding,
/// and the named properties that set a dimension or a side of their own (null when not set), the padding mode,
/// the dilation and the rounding.
/// </summary>
/// <param name="KernelArgument">The constructor parameter of the square size: "kernelSize" or "size".</param>
internal sealed record WindowSpec(
    string KernelArgument,
    int Kernel,
    int? KernelHeight,
    int? KernelWidth,
    int Stride,
    int? StrideHeight,
    int? StrideWidth,
    int Padding,
    PaddingMode Mode,
    int? PaddingTop,
    int? PaddingBottom,
    int? PaddingLeft,
    int? PaddingRight,
    int Dilation,
    int? DilationHeight,
    int? DilationWidth,
    Rounding Rounding,
    bool RoundingSetOnLayer)
{
    /// <summary>
    /// Declared as before rectangular windows existed: one kernel size, stride and padding, explicit mode, no
    /// dilation. Such windows keep their messages and suggestions (strides, paddings and kernel sizes that fit).
    /// </summary>
    public bool IsSquare =>
        KernelHeight is null && KernelWidth is null && StrideHeight is null && StrideWidth is null
        && PaddingTop is null && PaddingBottom is null && PaddingLeft is null && PaddingRight is null
        && Mode == PaddingMode.Explicit && Dilation == 1 && DilationHeight is null && DilationWidth is null;

    /// <summary>A square window (the contract's shape) with the given values.</summary>
    public static WindowSpec Square(string kernelArgument, int kernel, int stride, int padding, Rounding rounding = Rounding.Exact, bool roundingSetOnLayer = false) =>
        new(kernelArgument, kernel, null, null, stride, null, null, padding, PaddingMode.Explicit, null, null, null, null, 1, null, null, rounding, roundingSetOnLayer);

    /// <summary>
    /// Reads the window's arguments: the constructor's <paramref name="kernelArgument"/>, "stride" and "padding", and
    /// the named KernelHeight/KernelWidth, StrideHeight/StrideWidth (0 means unset, as the attributes document),
    /// PaddingMode, PaddingTop/Bottom/Left/Right (any value counts once set), and, for convolutions, Dilation,
    /// DilationHeight/DilationWidth.
    /// </summary>
    public static WindowSpec Read(LayerArguments arguments, string kernelArgument, int strideFallback, Rounding rounding, bool roundingSetOnLayer, bool dilation)
    {
        static int? Dimension(int? value) => value == 0 ? null : value;
        return new WindowSpec(
            kernelArgument,
            arguments.Int(kernelArgument, 0),
            Dimension(arguments.NamedInt("KernelHeight")),
            Dimension(arguments.NamedInt("KernelWidth")),
            arguments.Int("stride", strideFallback),
            Dimension(arguments.NamedInt("StrideHeight")),
            Dimension(arguments.NamedInt("StrideWidth")),
            arguments.Int("padding", 0),
            (PaddingMode)(arguments.NamedInt("PaddingMode") ?? 0),
            arguments.NamedInt("PaddingTop"),
            arguments.NamedInt("PaddingBottom"),
            arguments.NamedInt("PaddingLeft"),
            arguments.NamedInt("PaddingRight"),
            dilation ? arguments.NamedInt("Dilation") ?? 1 : 1,
            dilation ? Dimension(arguments.NamedInt("DilationHeight")) : null,
            dilation ? Dimension(arguments.NamedInt("DilationWidth")) : null,
            rounding,
            roundingSetOnLayer);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;
using StaticCnn.Reference;

namespace StaticCnn.Generator.Tests.Fuzz;

/// <summary>
/// The named window properties of a Conv2D, DepthwiseConv2D, MaxPool2D or AvgPool2D as written (null: not written;
/// any int, including nonsense). PaddingMode is the enum's int value: 0 Explicit, 1 Valid, 2 Same, anything else an
/// undefined (PaddingMode)n. The dilations are written on convolutions only (pooling attributes have none).
/// </summary>
internal sealed record FuzzWindow(
    int? KernelHeight = null,
    int? KernelWidth = null,
    int? StrideHeight = null,
    int? StrideWidth = null,
    int? PaddingMode = null,
    int? PaddingTop = null,
    int? PaddingBottom = null,
    int? PaddingLeft = null,
    int? PaddingRight = null,
    int? Dilation = null,
    int? DilationHeight = null,
    int? DilationWidth = null)
{
    public static readonly FuzzWindow None = new();

    /// <summary>The padding mode as the layer sees it (Explicit when not written).</summary>
    public int Mode => PaddingMode ?? 0;

    public bool ModeDefined => Mode is >= 0 and <= 2;

    public bool AnySide => PaddingTop is not null || PaddingBottom is not null || PaddingLeft is not null || PaddingRight is not null;

    public bool AllSides => PaddingTop is not null && PaddingBottom is not null && PaddingLeft is not null && PaddingRight is not null;

    /// <summary>Both per-dimension strides set to a value that counts (0 means "not set", as the attributes document).</summary>
    public bool BothStrides => StrideHeight is int h && h != 0 && StrideWidth is int w && w != 0;

    public IEnumerable<string> Named(bool dilation)
    {
        foreach ((string name, int? value) in new[]
        {
            ("KernelHeight", KernelHeight), ("KernelWidth", KernelWidth), ("StrideHeight", StrideHeight), ("StrideWidth", StrideWidth),
        })
        {
            if (value is int v)
            {
                yield return $"{name} = {FuzzLayer.Int(v)}";
            }
        }

        if (PaddingMode is int mode)
        {
            yield return "PaddingMode = " + ModeText(mode);
        }

        foreach ((string name, int? value) in new[] { ("PaddingTop", PaddingTop), ("PaddingBottom", PaddingBottom), ("PaddingLeft", PaddingLeft), ("PaddingRight", PaddingRight) })
        {
            if (value is int v)
            {
                yield return $"{name} = {FuzzLayer.Int(v)}";
            }
        }

        if (dilation)
        {
            foreach ((string name, int? value) in new[] { ("Dilation", Dilation), ("DilationHeight", DilationHeight), ("DilationWidth", DilationWidth) })
            {
                if (value is int v)
                {
                    yield return $"{name} = {FuzzLayer.Int(v)}";
                }
            }
        }
    }

    public static string ModeText(int value) => value switch
    {
        0 => "PaddingMode.Explicit",
        1 => "PaddingMode.Valid",
        2 => "PaddingMode.Same",
        _ => $"(PaddingMode)({FuzzLayer.Int(value)})",
    };
}

/// <summary>
/// One random layer attribute as written: its kind and raw arguments (any int, including nonsense). A is Conv2D's
/// filters, the pools' and DepthwiseConv2D's size, Dense's units; B is Conv2D's kernel size; Slope is LeakyReLU's
/// slope and Dropout's probability. The init properties are the named arguments, null (or
/// <see cref="FuzzWindow.None"/>) when not written.
/// </summary>
internal sealed record FuzzLayer(string Kind, int A, int B, int Stride, int Padding, int? Rounding, float Slope)
{
    /// <summary>Named geometry of a convolution or pooling layer.</summary>
    public FuzzWindow Window { get; init; } = FuzzWindow.None;

    /// <summary>Conv2D's Groups.</summary>
    public int? Groups { get; init; }

    /// <summary>Conv2D's and DepthwiseConv2D's Bias.</summary>
    public bool? Bias { get; init; }

    /// <summary>DepthwiseConv2D's DepthMultiplier.</summary>
    public int? DepthMultiplier { get; init; }

    /// <summary>AvgPool2D's CountIncludePadding.</summary>
    public bool? CountIncludePadding { get; init; }

    /// <summary>BatchNorm's features argument (null: [BatchNorm] without it).</summary>
    public int? Features { get; init; }

    /// <summary>BatchNorm's Epsilon.</summary>
    public float? Epsilon { get; init; }

    /// <summary>BatchNorm's Momentum.</summary>
    public float? Momentum { get; init; }

    /// <summary>GELU's ApproximateTanh.</summary>
    public bool? ApproximateTanh { get; init; }

    public bool IsConvolution => Kind is "Conv2D" or "DepthwiseConv2D";

    public bool IsWindowed => IsConvolution || Kind is "MaxPool2D" or "AvgPool2D";

    public string Attribute()
    {
        var named = new List<string>();
        if (Rounding is int r)
        {
            named.Add($"Rounding = {RoundingText(r)}");
        }

        named.AddRange(Window.Named(dilation: IsConvolution));
        Add(named, "Groups", Groups);
        Add(named, "DepthMultiplier", DepthMultiplier);
        Add(named, "Bias", Bias);
        Add(named, "CountIncludePadding", CountIncludePadding);
        if (Epsilon is float epsilon)
        {
            named.Add("Epsilon = " + FloatText(epsilon));
        }

        if (Momentum is float momentum)
        {
            named.Add("Momentum = " + FloatText(momentum));
        }

        Add(named, "ApproximateTanh", ApproximateTanh);
        string rest = string.Concat(named.Select(n => ", " + n));
        string alone = string.Join(", ", named);
        return Kind switch
        {
            "Conv2D" => $"Conv2D({Int(A)}, {Int(B)}, stride: {Int(Stride)}, padding: {Int(Padding)}{rest})",
            "DepthwiseConv2D" => $"DepthwiseConv2D({Int(A)}, stride: {Int(Stride)}, padding: {Int(Padding)}{rest})",
            "MaxPool2D" or "AvgPool2D" => $"{Kind}({Int(A)}, stride: {Int(Stride)}, padding: {Int(Padding)}{rest})",
            "Dense" => $"Dense({Int(A)})",
            "LeakyReLU" => $"LeakyReLU({FloatText(Slope)})",
            "Dropout" => $"Dropout({FloatText(Slope)})",
            "BatchNorm" when Features is int features => $"BatchNorm({Int(features)}{rest})",
            _ => named.Count == 0 ? Kind : $"{Kind}({alone})",
        };
    }

    private static void Add(List<string> named, string name, int? value)
    {
        if (value is int v)
        {
            named.Add($"{name} = {Int(v)}");
        }
    }

    private static void Add(List<string> named, string name, bool? value)
    {
        if (value is bool v)
        {
            named.Add($"{name} = {(v ? "true" : "false")}");
        }
    }

    public static string RoundingText(int value) => value switch
    {
        0 => "ShapeRounding.Exact",
        1 => "ShapeRounding.Floor",
        2 => "ShapeRounding.Ceil",
        _ => $"(ShapeRounding)({Int(value)})",
    };

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string FloatText(float value) =>
        float.IsNaN(value) ? "float.NaN"
        : float.IsPositiveInfinity(value) ? "float.PositiveInfinity"
        : float.IsNegativeInfinity(value) ? "float.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + "f";
}

/// <summary>How the network class is named and nested: plain, keywords, generic, nested, record, or wrong.</summary>
internal enum FuzzShape
{
    Plain,
    Keywords,
    GenericNested,
    Record,
    StructContainer,
    ContainerNotPartial,
}

/// <summary>A random network declaration, rendered into its own file and namespace (Fuzz.N{index} or Fuzz.@event.N{index}).</summary>
internal sealed record FuzzDeclaration(FuzzShape Shape, int C, int H, int W, int? Rounding, FuzzLayer[] Layers)
{
    private static readonly Gen<int> Count = Gen.Frequency(
        (12, Gen.Int[1, 6]),
        (3, Gen.Int[-2, 12]),
        (1, Gen.Int[-2, 1_000_000]),
        (1, Gen.OneOf(int.MinValue, int.MaxValue, 0, 1_000_000, -1)));

    private static readonly Gen<int> Padding = Gen.Frequency((8, Gen.Const(0)), (6, Gen.Int[0, 2]), (1, Count));

    private static readonly Gen<int> PoolStride = Gen.Frequency((6, Gen.Const(0)), (4, Count));

    private static readonly Gen<int> ConvStride = Gen.Frequency((4, Gen.Const(1)), (1, Count));

    private static readonly Gen<int?> RoundingGen = Gen.Frequency(
        (10, Gen.Const((int?)null)),
        (3, Gen.Const<int?>(1)),
        (3, Gen.Const<int?>(2)),
        (1, Gen.Const<int?>(0)),
        (1, Gen.OneOf<int?>(3, -1, int.MaxValue)));

    /// <summary>A named kernel size, stride or dilation: mostly small, sometimes 0 ("not set") or nonsense.</summary>
    private static readonly Gen<int> Dimension = Gen.Frequency((12, Gen.Int[1, 4]), (1, Gen.Const(0)), (1, Count));

    /// <summary>A named padding side: mostly 0 to 2.</summary>
    private static readonly Gen<int> Side = Gen.Frequency((10, Gen.Int[0, 2]), (1, Count));

    /// <summary>Explicit, Valid, Same (most often: the new arithmetic), or undefined.</summary>
    private static readonly Gen<int> Mode = Gen.Frequency((2, Gen.Const(0)), (3, Gen.Const(1)), (6, Gen.Const(2)), (1, Gen.OneOf(7, -1, 3)));

    private static readonly Gen<bool?> MaybeBool = Gen.Frequency((6, Gen.Const((bool?)null)), (2, Gen.Const<bool?>(false)), (2, Gen.Const<bool?>(true)));

    private static Gen<int?> Maybe(Gen<int> gen, int percent) =>
        Gen.Frequency((100 - percent, Gen.Const((int?)null)), (percent, gen.Select(v => (int?)v)));

    private static Gen<float?> Maybe(Gen<float> gen, int percent) =>
        Gen.Frequency((100 - percent, Gen.Const((float?)null)), (percent, gen.Select(v => (float?)v)));

    /// <summary>
    /// The named geometry: mostly none (the square window as before); else a rectangular one (kernel, stride and
    /// dilation per dimension), a padding mode (sometimes with a padding beside it: SCNN0023), or explicit sides.
    /// </summary>
    private static Gen<FuzzWindow> WindowGen(bool dilation)
    {
        Gen<int?> dilationGen = dilation ? Maybe(Gen.Frequency((8, Gen.Int[1, 3]), (1, Gen.OneOf(0, -1, 1_000_000))), 35) : Gen.Const((int?)null);
        Gen<FuzzWindow> rectangular = Gen.Select(
            Maybe(Dimension, 50), Maybe(Dimension, 50), Maybe(Dimension, 40), Maybe(Dimension, 40), dilationGen, dilationGen, dilationGen,
            (kh, kw, sh, sw, d, dh, dw) => new FuzzWindow(kh, kw, sh, sw, Dilation: d, DilationHeight: dh, DilationWidth: dw));
        Gen<FuzzWindow> mode = Gen.Select(
            Mode, Maybe(Dimension, 30), Maybe(Dimension, 30), Maybe(Dimension, 40), Maybe(Dimension, 30), Maybe(Side, 8), Maybe(Side, 8), dilationGen,
            (m, kh, kw, sh, sw, top, left, d) => new FuzzWindow(kh, kw, sh, sw, m, PaddingTop: top, PaddingLeft: left, Dilation: d));
        Gen<FuzzWindow> sides = Gen.Select(
            Maybe(Side, 60), Maybe(Side, 60), Maybe(Side, 60), Maybe(Side, 60), Maybe(Dimension, 25), Maybe(Dimension, 25), Maybe(Mode, 10), dilationGen,
            (top, bottom, left, right, kh, sw, m, d) => new FuzzWindow(kh, null, null, sw, m, top, bottom, left, right, d));
        return Gen.Frequency((12, Gen.Const(FuzzWindow.None)), (4, rectangular), (4, mode), (3, sides));
    }

    private static readonly Gen<FuzzWindow> ConvWindow = WindowGen(dilation: true);

    private static readonly Gen<FuzzWindow> PoolWindow = WindowGen(dilation: false);

    private static readonly Gen<FuzzLayer> Conv2D = Gen.Select(
        Count, Count, ConvStride, Padding, RoundingGen, ConvWindow,
        Maybe(Gen.Frequency((8, Gen.Int[1, 4]), (2, Gen.Int[5, 8]), (1, Count)), 25), MaybeBool,
        (f, k, s, p, r, window, groups, bias) => new FuzzLayer("Conv2D", f, k, s, p, r, 0f) { Window = window, Groups = groups, Bias = bias });

    private static readonly Gen<FuzzLayer> DepthwiseConv2D = Gen.Select(
        Count, ConvStride, Padding, RoundingGen, ConvWindow,
        Maybe(Gen.Frequency((8, Gen.Int[1, 3]), (1, Gen.OneOf(0, -1, 1_000_000, int.MaxValue))), 35), MaybeBool,
        (k, s, p, r, window, multiplier, bias) => new FuzzLayer("DepthwiseConv2D", k, 0, s, p, r, 0f) { Window = window, DepthMultiplier = multiplier, Bias = bias });

    private static Gen<FuzzLayer> Pool(string kind) => Gen.Select(
        Count, PoolStride, Padding, RoundingGen, PoolWindow, kind == "AvgPool2D" ? MaybeBool : Gen.Const((bool?)null),
        (k, s, p, r, window, countPadding) => new FuzzLayer(kind, k, 0, s, p, r, 0f) { Window = window, CountIncludePadding = countPadding });

    private static readonly Gen<FuzzLayer> BatchNorm = Gen.Select(
        Gen.Frequency((6, Gen.Const((int?)null)), (4, Gen.Int[1, 6].Select(v => (int?)v)), (1, Gen.OneOf<int?>(0, -1, 1_000_000))),
        Maybe(Gen.Frequency((6, Gen.OneOf(1e-5f, 1e-3f, 0.1f, 1f)), (1, Gen.OneOf(0f, -1e-5f, float.NaN, float.PositiveInfinity))), 30),
        Maybe(Gen.Frequency((6, Gen.OneOf(0.1f, 0f, 1f, 0.01f)), (1, Gen.OneOf(-0.1f, 1.5f, float.NaN, float.NegativeInfinity))), 30),
        (features, epsilon, momentum) => new FuzzLayer("BatchNorm", 0, 0, 0, 0, null, 0f) { Features = features, Epsilon = epsilon, Momentum = momentum });

    private static readonly Gen<FuzzLayer> Dropout = Gen.Frequency(
            (6, Gen.OneOf(0f, 0.1f, 0.5f, 0.9f, 0.99999994f)),
            (1, Gen.OneOf(1f, -0.1f, 1.5f, float.NaN, float.PositiveInfinity)))
        .Select(p => new FuzzLayer("Dropout", 0, 0, 0, 0, null, p));

    private static readonly Gen<FuzzLayer> Layer = Gen.Frequency(
        (10, Conv2D),
        (3, DepthwiseConv2D),
        (6, Pool("MaxPool2D")),
        (4, Pool("AvgPool2D")),
        (6, Gen.Select(Count, u => new FuzzLayer("Dense", u, 0, 0, 0, null, 0f))),
        (6, Gen.OneOf("ReLU", "Sigmoid", "Tanh", "Flatten").Select(kind => new FuzzLayer(kind, 0, 0, 0, 0, null, 0f))),
        (2, Gen.OneOf(0.01f, -0.5f, 2f, float.NaN, float.PositiveInfinity).Select(slope => new FuzzLayer("LeakyReLU", 0, 0, 0, 0, null, slope))),
        (4, Gen.OneOf("ReLU6", "HardSigmoid", "HardSwish", "SiLU").Select(kind => new FuzzLayer(kind, 0, 0, 0, 0, null, 0f))),
        (1, MaybeBool.Select(tanh => new FuzzLayer("GELU", 0, 0, 0, 0, null, 0f) { ApproximateTanh = tanh })),
        (2, Gen.OneOf("GlobalAvgPool2D", "GlobalMaxPool2D").Select(kind => new FuzzLayer(kind, 0, 0, 0, 0, null, 0f))),
        (3, BatchNorm),
        (2, Dropout),
        (2, Gen.Const(new FuzzLayer("Softmax", 0, 0, 0, 0, null, 0f))));

    public static readonly Gen<FuzzDeclaration> Generator = Gen.Select(
        Gen.Frequency((10, Gen.Const(FuzzShape.Plain)), (1, Gen.OneOf(FuzzShape.Keywords, FuzzShape.GenericNested, FuzzShape.Record, FuzzShape.StructContainer, FuzzShape.ContainerNotPartial))),
        Gen.Frequency((6, Gen.Int[1, 3]), (1, Count)),
        Gen.Frequency((6, Gen.Int[1, 12]), (1, Count)),
        Gen.Frequency((6, Gen.Int[1, 12]), (1, Count)),
        RoundingGen,
        Layer.Array[0, 8],
        (shape, c, h, w, r, layers) => new FuzzDeclaration(shape, c, h, w, r, layers));

    /// <summary>The namespace's last segment, unique in a batch; the generated file names the metadata name containing it.</summary>
    public static string Marker(int index) => "N" + index.ToString(CultureInfo.InvariantCulture);

    public string Source(int index)
    {
        string marker = Marker(index);
        string rounding = Rounding is int r ? $", Rounding = {FuzzLayer.RoundingText(r)}" : "";
        var attributes = new StringBuilder();
        attributes.Append($"[Network({C}, {H}, {W}{rounding})]\n");
        foreach (FuzzLayer layer in Layers)
        {
            attributes.Append('[').Append(layer.Attribute()).Append("]\n");
        }

        string a = attributes.ToString();
        return Shape switch
        {
            FuzzShape.Keywords => $"using StaticCnn;\nnamespace Fuzz.@event.{marker};\n{a}public sealed partial class @class;\n",
            FuzzShape.GenericNested => $"using StaticCnn;\nnamespace Fuzz.{marker};\npublic partial class Outer<T> where T : struct\n{{\n{a}internal partial class Net<@void>;\n}}\n",
            FuzzShape.Record => $"using StaticCnn;\nnamespace Fuzz.{marker};\n{a}public partial record Net;\n",
            FuzzShape.StructContainer => $"using StaticCnn;\nnamespace Fuzz.{marker};\npublic partial struct Holder\n{{\n{a}public partial class @int;\n}}\n",
            FuzzShape.ContainerNotPartial => $"using StaticCnn;\nnamespace Fuzz.{marker};\npublic class Holder\n{{\n{a}public partial class Net;\n}}\n",
            _ => $"using StaticCnn;\nnamespace Fuzz.{marker};\n{a}public partial class Net;\n",
        };
    }

    /// <summary>The runtime type's name in the emitted assembly (generic parameters to close with int).</summary>
    public string MetadataName(int index) => Shape switch
    {
        FuzzShape.Keywords => $"Fuzz.event.{Marker(index)}.class",
        FuzzShape.GenericNested => $"Fuzz.{Marker(index)}.Outer`1+Net`1",
        FuzzShape.StructContainer => $"Fuzz.{Marker(index)}.Holder+int",
        _ => $"Fuzz.{Marker(index)}.Net",
    };

    /// <summary>
    /// The same layers for the naive reference, with the rounding each layer gets (its own, else the network's; Ceil
    /// floors a convolution) and the named geometry as documented: 0 for a kernel, stride or dilation per dimension
    /// means "not set"; a padding side replaces the constructor's padding on its side; PaddingMode.Valid pads nothing
    /// (a padding beside it is an error), Same is the reference's Same; a DepthwiseConv2D(k) { DepthMultiplier = m }
    /// on C channels is RefConv2D(C * m, k) { Groups = C }; an average pool counts padded cells unless it is 'same' or
    /// CountIncludePadding says otherwise. A constructor argument that the named properties override entirely (the
    /// padding under four sides, a pooling stride under both strides) is not passed on: the attributes never read
    /// it. With <paramref name="shapesOnly"/>, every BatchNorm becomes a Dropout(0) (the same shape, no parameters
    /// and no buffers): such a network only checks the arithmetic and never allocates for a huge channel count.
    /// </summary>
    public RefLayer[] ReferenceLayers(bool shapesOnly = false)
    {
        var layers = new List<RefLayer>();
        int inherited = Rounding ?? 0;
        long channels = C; // only spatial data reach a depthwise convolution in a valid declaration
        foreach (FuzzLayer l in Layers)
        {
            RefRounding rounding = (RefRounding)(l.Rounding ?? (l.IsConvolution && inherited == 2 ? 1 : inherited));
            FuzzWindow w = l.Window;
            bool same = w.Mode == 2;
            int padding = w.AllSides ? 0 : l.Padding;
            switch (l.Kind)
            {
                case "Conv2D":
                case "DepthwiseConv2D":
                {
                    bool depthwise = l.Kind == "DepthwiseConv2D";
                    long filters = depthwise ? channels * (l.DepthMultiplier ?? 1) : l.A;
                    int dilation = w.Dilation ?? 1;
                    layers.Add(new RefConv2D(filters is < int.MinValue or > int.MaxValue ? -1 : (int)filters, depthwise ? l.A : l.B, l.Stride, padding, rounding)
                    {
                        KernelHeight = w.KernelHeight ?? 0,
                        KernelWidth = w.KernelWidth ?? 0,
                        StrideHeight = w.StrideHeight ?? 0,
                        StrideWidth = w.StrideWidth ?? 0,
                        PadTop = w.PaddingTop,
                        PadBottom = w.PaddingBottom,
                        PadLeft = w.PaddingLeft,
                        PadRight = w.PaddingRight,
                        Same = same,
                        DilationHeight = w.DilationHeight is int dh && dh != 0 ? dh : dilation,
                        DilationWidth = w.DilationWidth is int dw && dw != 0 ? dw : dilation,
                        Groups = depthwise ? (int)Math.Clamp(channels, int.MinValue, int.MaxValue) : l.Groups ?? 1,
                        Bias = l.Bias ?? true,
                    });
                    channels = filters;
                    break;
                }

                case "MaxPool2D":
                    layers.Add(new RefMaxPool2D(l.A, w.BothStrides ? 0 : l.Stride, padding, rounding)
                    {
                        KernelHeight = w.KernelHeight ?? 0,
                        KernelWidth = w.KernelWidth ?? 0,
                        StrideHeight = w.StrideHeight ?? 0,
                        StrideWidth = w.StrideWidth ?? 0,
                        PadTop = w.PaddingTop,
                        PadBottom = w.PaddingBottom,
                        PadLeft = w.PaddingLeft,
                        PadRight = w.PaddingRight,
                        Same = same,
                    });
                    break;
                case "AvgPool2D":
                    layers.Add(new RefAvgPool2D(l.A, w.BothStrides ? 0 : l.Stride, padding, rounding)
                    {
                        KernelHeight = w.KernelHeight ?? 0,
                        KernelWidth = w.KernelWidth ?? 0,
                        StrideHeight = w.StrideHeight ?? 0,
                        StrideWidth = w.StrideWidth ?? 0,
                        PadTop = w.PaddingTop,
                        PadBottom = w.PaddingBottom,
                        PadLeft = w.PaddingLeft,
                        PadRight = w.PaddingRight,
                        Same = same,
                        CountIncludePadding = l.CountIncludePadding ?? !same,
                    });
                    break;
                case "Dense":
                    layers.Add(new RefDense(l.A));
                    channels = l.A;
                    break;
                case "Flatten":
                    layers.Add(new RefFlatten());
                    channels = -1; // not needed: no depthwise convolution may follow
                    break;
                case "BatchNorm":
                    layers.Add(shapesOnly ? new RefDropout(0) : new RefBatchNorm(l.Epsilon ?? 1e-5f, l.Momentum ?? 0.1f));
                    break;
                case "Dropout":
                    layers.Add(new RefDropout(shapesOnly ? 0 : l.Slope));
                    break;
                case "LeakyReLU":
                    layers.Add(new RefLeakyReLU(l.Slope));
                    break;
                case "GELU":
                    layers.Add(new RefGELU(l.ApproximateTanh ?? false));
                    break;
                default:
                    layers.Add(l.Kind switch
                    {
                        "ReLU" => new RefReLU(),
                        "Sigmoid" => new RefSigmoid(),
                        "Tanh" => new RefTanh(),
                        "ReLU6" => new RefReLU6(),
                        "HardSigmoid" => new RefHardSigmoid(),
                        "HardSwish" => new RefHardSwish(),
                        "SiLU" => new RefSiLU(),
                        "GlobalAvgPool2D" => new RefGlobalAvgPool2D(),
                        "GlobalMaxPool2D" => new RefGlobalMaxPool2D(),
                        "Softmax" => new RefSoftmax(),
                        _ => throw new InvalidOperationException($"No reference layer for {l.Kind}."),
                    });
                    break;
            }
        }

        return layers.ToArray();
    }

    /// <summary>
    /// The SCNN errors that the fuzz's own model of the layer-local rules says the declaration must get, whatever
    /// the shapes: no layers (SCNN0004); a non-partial container (SCNN0012); an undefined rounding (SCNN0014: the
    /// network's always, a window's unless its padding mode already failed); a convolution with its own Ceil
    /// (SCNN0015); a non-finite LeakyReLU slope (SCNN0011); an undefined PaddingMode (SCNN0024); Valid or Same with a
    /// padding or a padding side beside it (SCNN0023); a Softmax before the last layer (SCNN0025); a Dropout
    /// probability outside [0, 1) (SCNN0026); a BatchNorm Epsilon that is not positive and finite or a Momentum
    /// outside [0, 1] (SCNN0029); a negative BatchNorm feature count (SCNN0005).
    /// </summary>
    public IReadOnlyCollection<string> ExpectedErrors()
    {
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        if (Layers.Length == 0)
        {
            expected.Add("SCNN0004");
        }

        if (Shape == FuzzShape.ContainerNotPartial)
        {
            expected.Add("SCNN0012");
        }

        if (Rounding is int r && r is < 0 or > 2)
        {
            expected.Add("SCNN0014");
        }

        for (int i = 0; i < Layers.Length; i++)
        {
            FuzzLayer l = Layers[i];
            FuzzWindow w = l.Window;
            if (l.IsWindowed)
            {
                if (!w.ModeDefined)
                {
                    expected.Add("SCNN0024");
                }
                else if (w.Mode != 0 && (l.Padding != 0 || w.AnySide))
                {
                    expected.Add("SCNN0023");
                }
                else if (l.Rounding is int own && own is < 0 or > 2)
                {
                    expected.Add("SCNN0014");
                }

                if (l.IsConvolution && l.Rounding == 2)
                {
                    expected.Add("SCNN0015");
                }
            }

            switch (l.Kind)
            {
                case "LeakyReLU" when !float.IsFinite(l.Slope):
                    expected.Add("SCNN0011");
                    break;
                case "Softmax" when i != Layers.Length - 1:
                    expected.Add("SCNN0025");
                    break;
                case "Dropout" when !(l.Slope >= 0f && l.Slope < 1f):
                    expected.Add("SCNN0026");
                    break;
                case "BatchNorm":
                    float epsilon = l.Epsilon ?? 1e-5f, momentum = l.Momentum ?? 0.1f;
                    if (!(epsilon > 0f && float.IsFinite(epsilon)) || !(momentum >= 0f && momentum <= 1f))
                    {
                        expected.Add("SCNN0029");
                    }

                    if (l.Features < 0)
                    {
                        expected.Add("SCNN0005");
                    }

                    break;
            }
        }

        return expected;
    }

    /// <summary>
    /// The fuzz's own verdict: null when the declaration should compile, else why not. It should when none of
    /// <see cref="ExpectedErrors"/> applies, the naive reference accepts the layers' arithmetic
    /// (<paramref name="shapes"/>, built from <see cref="ReferenceLayers"/> with shapesOnly), every BatchNorm's
    /// declared feature count is 0 or its input's channels (SCNN0027), and the parameters fit in an int.
    /// </summary>
    public string? ModelRejection(out ReferenceNetwork? shapes)
    {
        shapes = null;
        IReadOnlyCollection<string> expected = ExpectedErrors();
        if (expected.Count > 0)
        {
            return "the layer-local rules: " + string.Join(", ", expected);
        }

        try
        {
            shapes = new ReferenceNetwork(C, H, W, ReferenceLayers(shapesOnly: true));
        }
        catch (ArgumentException e)
        {
            return "the reference: " + e.Message;
        }

        long parameters = shapes.ParameterCount;
        for (int i = 0; i < Layers.Length; i++)
        {
            if (Layers[i].Kind != "BatchNorm")
            {
                continue;
            }

            int channels = i == 0 ? shapes.InputShape.Channels : shapes.OutputShapes[i - 1].Channels;
            if (Layers[i].Features is int features && features != 0 && features != channels)
            {
                return $"SCNN0027: layer {i + 1} is BatchNorm({features}) on {channels} channels";
            }

            parameters += 2L * channels;
        }

        return parameters > int.MaxValue ? $"SCNN0010: {parameters} parameters" : null;
    }

    /// <summary>What the declaration exercises, for the property test's coverage tally: layer kinds and options.</summary>
    public IEnumerable<string> Features()
    {
        var features = new SortedSet<string>(StringComparer.Ordinal);
        bool flat = false;
        foreach (FuzzLayer l in Layers)
        {
            string kind = l.Kind;
            FuzzWindow w = l.Window;
            features.Add(kind == "BatchNorm" && flat ? "BatchNorm1d" : kind == "GELU" && l.ApproximateTanh == true ? "GELU(tanh)" : kind);
            flat |= kind is "Flatten" or "Dense";
            if (l.IsWindowed)
            {
                string prefix = kind switch { "Conv2D" => "conv", "DepthwiseConv2D" => "depthwise", _ => "pool" };
                int kh = w.KernelHeight is int h && h != 0 ? h : kind == "Conv2D" ? l.B : l.A;
                int kw = w.KernelWidth is int x && x != 0 ? x : kind == "Conv2D" ? l.B : l.A;
                if (kh != kw)
                {
                    features.Add(prefix + " rectangular");
                }

                if ((w.StrideHeight ?? 0) != 0 || (w.StrideWidth ?? 0) != 0)
                {
                    features.Add(prefix + " stride per dimension");
                }

                if (w.Mode != 0)
                {
                    features.Add(prefix + (w.Mode == 1 ? " Valid" : " Same"));
                }

                if (w.AnySide)
                {
                    features.Add(prefix + " padding sides");
                }

                if ((w.Dilation ?? 1) != 1 || (w.DilationHeight ?? 0) > 1 || (w.DilationWidth ?? 0) > 1)
                {
                    features.Add(prefix + " dilation");
                }

                if (l.Bias == false)
                {
                    features.Add(prefix + " Bias=false");
                }
            }

            if (l.Groups > 1)
            {
                features.Add("conv Groups>1");
            }

            if (l.DepthMultiplier > 1)
            {
                features.Add("depthwise DepthMultiplier>1");
            }

            if (kind == "AvgPool2D" && l.CountIncludePadding is bool count)
            {
                features.Add($"avgpool CountIncludePadding={(count ? "true" : "false")}");
            }

            if (kind == "AvgPool2D" && w.Mode == 2 && l.CountIncludePadding is null)
            {
                features.Add("avgpool Same (real cells)");
            }

            if (l.Features is > 0)
            {
                features.Add("BatchNorm(features)");
            }
        }

        return features;
    }

    public override string ToString() => Source(0);
}

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;
using StaticCnn.Reference;

namespace StaticCnn.Generator.Tests.Fuzz;

/// <summary>One random layer attribute as written: its kind and raw arguments (any int, including nonsense).</summary>
internal sealed record FuzzLayer(string Kind, int A, int B, int Stride, int Padding, int? Rounding, float Slope)
{
    public string Attribute()
    {
        string rounding = Rounding is int r ? $", Rounding = {RoundingText(r)}" : "";
        return Kind switch
        {
            "Conv2D" => $"Conv2D({Int(A)}, {Int(B)}, stride: {Int(Stride)}, padding: {Int(Padding)}{rounding})",
            "MaxPool2D" or "AvgPool2D" => $"{Kind}({Int(A)}, stride: {Int(Stride)}, padding: {Int(Padding)}{rounding})",
            "Dense" => $"Dense({Int(A)})",
            "LeakyReLU" => $"LeakyReLU({FloatText(Slope)})",
            _ => Kind,
        };
    }

    public static string RoundingText(int value) => value switch
    {
        0 => "ShapeRounding.Exact",
        1 => "ShapeRounding.Floor",
        2 => "ShapeRounding.Ceil",
        _ => $"(ShapeRounding)({Int(value)})",
    };

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string FloatText(float value) =>
        float.IsNaN(value) ? "float.NaN" : float.IsPositiveInfinity(value) ? "float.PositiveInfinity" : value.ToString("R", CultureInfo.InvariantCulture) + "f";
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

    private static readonly Gen<int?> RoundingGen = Gen.Frequency(
        (10, Gen.Const((int?)null)),
        (3, Gen.Const<int?>(1)),
        (3, Gen.Const<int?>(2)),
        (1, Gen.Const<int?>(0)),
        (1, Gen.OneOf<int?>(3, -1, int.MaxValue)));

    private static readonly Gen<FuzzLayer> Layer = Gen.Frequency(
        (5, Gen.Select(Count, Count, Gen.Frequency((4, Gen.Const(1)), (1, Count)), Padding, RoundingGen, (f, k, s, p, r) => new FuzzLayer("Conv2D", f, k, s, p, r, 0f))),
        (3, Gen.Select(Count, PoolStride, Padding, RoundingGen, (k, s, p, r) => new FuzzLayer("MaxPool2D", k, 0, s, p, r, 0f))),
        (2, Gen.Select(Count, PoolStride, Padding, RoundingGen, (k, s, p, r) => new FuzzLayer("AvgPool2D", k, 0, s, p, r, 0f))),
        (3, Gen.Select(Count, u => new FuzzLayer("Dense", u, 0, 0, 0, null, 0f))),
        (3, Gen.OneOf("ReLU", "Sigmoid", "Tanh", "Flatten").Select(kind => new FuzzLayer(kind, 0, 0, 0, 0, null, 0f))),
        (1, Gen.OneOf(0.01f, -0.5f, 2f, float.NaN, float.PositiveInfinity).Select(slope => new FuzzLayer("LeakyReLU", 0, 0, 0, 0, null, slope))));

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

    /// <summary>The same layers for the naive reference, with the rounding each layer gets (its own, else the network's; Ceil floors a Conv2D).</summary>
    public RefLayer[] ReferenceLayers() => Layers.Select(l =>
    {
        int inherited = Rounding ?? 0;
        RefRounding rounding = (RefRounding)(l.Rounding ?? (l.Kind == "Conv2D" && inherited == 2 ? 1 : inherited));
        return l.Kind switch
        {
            "Conv2D" => (RefLayer)new RefConv2D(l.A, l.B, l.Stride, l.Padding, rounding),
            "MaxPool2D" => new RefMaxPool2D(l.A, l.Stride, l.Padding, rounding),
            "AvgPool2D" => new RefAvgPool2D(l.A, l.Stride, l.Padding, rounding),
            "Dense" => new RefDense(l.A),
            "LeakyReLU" => new RefLeakyReLU(l.Slope),
            "ReLU" => new RefReLU(),
            "Sigmoid" => new RefSigmoid(),
            "Tanh" => new RefTanh(),
            _ => new RefFlatten(),
        };
    }).ToArray();

    public override string ToString() => Source(0);
}

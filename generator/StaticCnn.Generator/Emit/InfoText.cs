using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// C# expressions for the runtime's description of a layer (StaticCnn.LayerInfo and its per-kind records), which
/// the generated <c>Layers</c> table is made of: every layer kind writes its own record with these parts.
/// </summary>
internal static class InfoText
{
    public const string Runtime = "global::StaticCnn";

    /// <summary>"new global::StaticCnn.TensorShape(6, 28, 28)", or "global::StaticCnn.TensorShape.Flat(120)".</summary>
    public static string Shape(Shape shape) => shape.Flat
        ? $"{Runtime}.TensorShape.Flat({shape.C})"
        : $"new {Runtime}.TensorShape({shape.C}, {shape.H}, {shape.W})";

    /// <summary>"global::StaticCnn.LayerKind.Conv2D".</summary>
    public static string Kind(LayerShape layer) => $"{Runtime}.LayerKind.{layer.Kind}";

    /// <summary>"1, global::StaticCnn.LayerKind.Conv2D, input, output": what every record starts with.</summary>
    public static string Head(LayerShape layer, bool kind = true) =>
        $"{layer.Index}, {(kind ? Kind(layer) + ", " : "")}{Shape(layer.Input)}, {Shape(layer.Output)}";

    /// <summary>The window of a convolution or pooling layer.</summary>
    public static string Window(LayerShape layer)
    {
        Window w = layer.Window;
        string dilation = w.DilationHeight == 1 && w.DilationWidth == 1 ? "" : $", {w.DilationHeight}, {w.DilationWidth}";
        return $"new {Runtime}.WindowInfo({w.KernelHeight}, {w.KernelWidth}, {w.StrideHeight}, {w.StrideWidth}, {w.PadTop}, {w.PadBottom}, {w.PadLeft}, {w.PadRight}{dilation})";
    }

    /// <summary>The layer's tensors: "new global::StaticCnn.TensorInfo[] { new("weight", new int[] { 6, 1, 5, 5 }, ..., 0), ... }".</summary>
    public static string Tensors(LayerShape layer) =>
        $"new {Runtime}.TensorInfo[] {{ {string.Join(", ", layer.Parameters.Select(Tensor))} }}";

    private static string Tensor(ParameterSpec tensor) =>
        $"new({Text.Literal(tensor.Name)}, new int[] {{ {string.Join(", ", tensor.Dimensions.Select(d => Format.Int(d)))} }}, {Runtime}.TensorRole.{tensor.Role}, {Format.Int(tensor.Offset)}{(tensor.Buffer ? ", true" : "")})";
}

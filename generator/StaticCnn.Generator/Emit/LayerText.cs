using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Emit;

/// <summary>How layers are described to people: in the summary, the remarks and the comments of the code.</summary>
internal static class LayerText
{
    /// <summary>"Conv2D(6, 5x5, s1, p2)", "MaxPool2D(2x2, s2)", "Dense(120)", "LeakyReLU(0.1)".</summary>
    public static string Describe(LayerShape layer)
    {
        LayerSpec spec = layer.Layer;
        string window = $"{Format.Int(spec.KernelSize)}x{Format.Int(spec.KernelSize)}";
        string padding = spec.Padding > 0 ? $", p{Format.Int(spec.Padding)}" : "";
        return spec.Kind switch
        {
            LayerKind.Conv2D => $"Conv2D({Format.Int(spec.Filters)}, {window}, s{Format.Int(layer.Stride)}{padding})",
            LayerKind.MaxPool2D or LayerKind.AvgPool2D => $"{spec.Kind}({window}, s{Format.Int(layer.Stride)}{padding})",
            LayerKind.Dense => $"Dense({Format.Int(spec.Units)})",
            LayerKind.LeakyReLU => $"LeakyReLU({Format.Float(spec.Slope)})",
            _ => spec.Kind.ToString(),
        };
    }

    /// <summary>"(28 + 2*2 - 5) / 1 + 1 = 28", for height and, when it differs, width.</summary>
    public static string OutputArithmetic(LayerShape layer)
    {
        if (!layer.Kind.IsSpatial())
        {
            return "";
        }

        int f = layer.KernelSize;
        int p = layer.Padding;
        int s = layer.Stride;
        string height = $"{OutputSize.Arithmetic(layer.Input.H, f, s, p)} = {Format.Int(layer.Output.H)}";
        return layer.Input.H == layer.Input.W
            ? height
            : $"height {height}, width {OutputSize.Arithmetic(layer.Input.W, f, s, p)} = {Format.Int(layer.Output.W)}";
    }

    /// <summary>"(5*5*1 + 1) * 6 = 156 params", "(400 + 1) * 120 = 48,120 params", or "0 params".</summary>
    public static string ParameterArithmetic(LayerShape layer) => layer.Kind switch
    {
        LayerKind.Conv2D => $"(F*F*C + 1) * K = ({Format.Int(layer.KernelSize)}*{Format.Int(layer.KernelSize)}*{Format.Int(layer.Input.C)} + 1) * {Format.Int(layer.Output.C)} = {Format.Count(layer.ParameterCount)} params",
        LayerKind.Dense => $"(inputs + 1) * units = ({Format.Int(layer.Input.Length)} + 1) * {Format.Int(layer.Output.C)} = {Format.Count(layer.ParameterCount)} params",
        _ => "0 params",
    };

    /// <summary>"[2] Conv2D(16, 5x5, s1) 6x14x14 -> 16x10x10".</summary>
    public static string Heading(LayerShape layer) =>
        $"[{layer.Index}] {Describe(layer)} {layer.Input} -> {layer.Output}";

    /// <summary>The summary table: one row per layer with its output shape and parameter count, then the totals.</summary>
    public static IReadOnlyList<string> SummaryTable(NetworkShapes shapes, string name)
    {
        var rows = new List<(string Index, string Layer, string Output, string Params)>
        {
            ("", "Input", shapes.Input.ToString(), "0"),
        };
        foreach (LayerShape layer in shapes.Layers)
        {
            rows.Add((Format.Int(layer.Index), Describe(layer), layer.Output.ToString(), Format.Count(layer.ParameterCount)));
        }

        int indexWidth = System.Math.Max(1, rows.Max(r => r.Index.Length));
        int layerWidth = System.Math.Max("Layer".Length, rows.Max(r => r.Layer.Length));
        int outputWidth = System.Math.Max("Output".Length, rows.Max(r => r.Output.Length));
        int paramsWidth = System.Math.Max("Params".Length, rows.Max(r => r.Params.Length));
        string Row(string i, string l, string o, string p) =>
            $"{i.PadLeft(indexWidth)}  {l.PadRight(layerWidth)}  {o.PadRight(outputWidth)}  {p.PadLeft(paramsWidth)}".TrimEnd();

        var lines = new List<string> { $"{name}", Row("#", "Layer", "Output", "Params") };
        lines.Add(new string('-', lines[1].Length));
        lines.AddRange(rows.Select(r => Row(r.Index, r.Layer, r.Output, r.Params)));
        lines.Add(new string('-', lines[1].Length));
        lines.Add($"Total parameters: {Format.Count(shapes.ParameterCount)} ({Format.Count(shapes.ParameterCount * 4L)} bytes as float32)");
        lines.Add($"Input {shapes.Input} ({Format.Count(shapes.Input.Length)} floats) -> output {shapes.Output} ({Format.Count(shapes.Output.Length)} floats)");
        return lines;
    }
}

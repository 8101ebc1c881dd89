using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// How layers are described to people: in the summary, the remarks and the comments of the code. Each layer kind
/// says how it is written (<see cref="Layers.LayerDefinition.Describe"/> and its neighbours); this puts it together.
/// </summary>
internal static class LayerText
{
    /// <summary>"Conv2D(6, 5x5, s1, p2)", "MaxPool2D(3x3, s2, ceil)", "Dense(120)", "LeakyReLU(0.1)".</summary>
    public static string Describe(LayerShape layer) => layer.Definition.Describe(layer);

    /// <summary>"(28 + 2*2 - 5) / 1 + 1 = 28", "floor((7 + 2*0 - 2) / 2) + 1 = 3", for height and, when it differs, width.</summary>
    public static string OutputArithmetic(LayerShape layer) => layer.Definition.OutputArithmetic(layer);

    /// <summary>Multiply-adds of one forward pass: Ho*Wo*K*F*F*C for a convolution, inputs*units for a Dense, otherwise 0.</summary>
    public static long MultiplyAdds(LayerShape layer) => layer.Definition.MultiplyAdds(layer);

    /// <summary>Bytes of the layer's output activation (float32), which Forward keeps for Backward; 0 for Flatten (it reuses its input).</summary>
    public static long ActivationBytes(LayerShape layer) => layer.Definition.ActivationBytes(layer);

    /// <summary>"(5*5*1 + 1) * 6 = 156 params", "(400 + 1) * 120 = 48,120 params", or "0 params".</summary>
    public static string ParameterArithmetic(LayerShape layer) => layer.Definition.ParameterArithmetic(layer);

    /// <summary>"[2] Conv2D(16, 5x5, s1) 6x14x14 -> 16x10x10".</summary>
    public static string Heading(LayerShape layer) =>
        $"[{layer.Index}] {Describe(layer)} {layer.Input} -> {layer.Output}";

    /// <summary>
    /// The summary table: one row per layer with its output shape, parameter count, multiply-adds and activation
    /// memory, then the totals.
    /// </summary>
    public static IReadOnlyList<string> SummaryTable(NetworkShapes shapes, string name)
    {
        var rows = new List<string[]>
        {
            new[] { "", "Input", shapes.Input.ToString(), "0", "0", Format.Count(shapes.Input.Length * 4) },
        };
        long macs = 0;
        long activations = shapes.Input.Length * 4;
        foreach (LayerShape layer in shapes.Layers)
        {
            rows.Add(new[]
            {
                Format.Int(layer.Index), Describe(layer), layer.Output.ToString(), Format.Count(layer.ParameterCount),
                Format.Count(MultiplyAdds(layer)), Format.Count(ActivationBytes(layer)),
            });
            macs += MultiplyAdds(layer);
            activations += ActivationBytes(layer);
        }

        string[] header = { "#", "Layer", "Output", "Params", "MACs", "Activations (bytes)" };
        bool[] right = { true, false, false, true, true, true };
        int[] widths = new int[header.Length];
        for (int i = 0; i < header.Length; i++)
        {
            widths[i] = System.Math.Max(header[i].Length, rows.Max(r => r[i].Length));
        }

        string Row(string[] cells) => string.Join("  ", cells.Select((c, i) => right[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();

        var lines = new List<string> { $"{name}", Row(header) };
        lines.Add(new string('-', lines[1].Length));
        lines.AddRange(rows.Select(Row));
        lines.Add(new string('-', lines[1].Length));
        lines.Add($"Total parameters: {Format.Count(shapes.ParameterCount)} ({Format.Count(shapes.ParameterCount * 4L)} bytes as float32)");
        if (shapes.BufferCount > 0)
        {
            lines.Add($"Buffers (BatchNorm running statistics, not learned): {Format.Count(shapes.BufferCount)} floats");
        }

        lines.Add($"Multiply-adds per sample: {Format.Count(macs)} forward");
        lines.Add($"Activation memory per sample: {Format.Count(activations)} bytes (the input and every layer's output, kept for Backward)");
        lines.Add($"Input {shapes.Input} ({Format.Count(shapes.Input.Length)} floats) -> output {shapes.Output} ({Format.Count(shapes.Output.Length)} floats)");
        return lines;
    }
}

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
        string? group = null;
        foreach (LayerShape layer in shapes.Layers)
        {
            if (BlockHeading(layer) is { } heading && heading != group)
            {
                rows.Add(new[] { "", new string(' ', 2 * (layer.Depth - 1)) + heading, "", "", "", "" });
            }

            group = BlockHeading(layer);
            rows.Add(new[]
            {
                Format.Int(layer.Index), new string(' ', 2 * layer.Depth) + Describe(layer), layer.Output.ToString(), Format.Count(layer.ParameterCount),
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
        if (shapes.IsGraph)
        {
            lines.Add($"Activation memory at inference: {Format.Count(LiveActivationBytes(shapes))} bytes at most alive at once (each output kept until its last reader has run)");
        }

        lines.Add($"Input {shapes.Input} ({Format.Count(shapes.Input.Length)} floats) -> output {shapes.Output} ({Format.Count(shapes.Output.Length)} floats)");
        return lines;
    }

    /// <summary>
    /// "Residual #4 › ResNetBlock (body)": the block a layer inside one belongs to, as the summary heads its rows;
    /// null for a layer of the network's own sequence.
    /// </summary>
    public static string? BlockHeading(LayerShape layer)
    {
        if (layer.Depth == 0 || layer.Layer.Label is not { } label)
        {
            return null;
        }

        string[] parts = label.Split(new[] { " › " }, System.StringSplitOptions.None);
        string use = parts.Length >= 3 ? $"{parts[parts.Length - 3]} › {parts[parts.Length - 2]}" : label;
        string path = layer.Module.Substring(0, System.Math.Max(0, layer.Module.LastIndexOf('.')));
        string role = path.EndsWith(".shortcut", System.StringComparison.Ordinal) ? "shortcut"
            : path.EndsWith(".body", System.StringComparison.Ordinal) ? "body"
            : $"branch {Format.Int(int.Parse(path.Substring(path.LastIndexOf('.') + 1), System.Globalization.CultureInfo.InvariantCulture) + 1)}";
        return $"{use} ({role})";
    }

    /// <summary>
    /// The most activation memory alive at once when each layer's output is kept only until its last reader has run
    /// (the input until its own last reader): what inference needs, with buffers planned by liveness.
    /// </summary>
    public static long LiveActivationBytes(NetworkShapes shapes)
    {
        int n = shapes.Layers.Count;
        var lastRead = new int[n + 1];
        for (int i = 0; i <= n; i++)
        {
            lastRead[i] = i;
        }

        foreach (LayerShape layer in shapes.Layers)
        {
            foreach (int input in layer.Operands)
            {
                lastRead[input] = System.Math.Max(lastRead[input], layer.Index);
            }
        }

        lastRead[n] = n + 1; // the output is read by the caller
        long peak = 0;
        for (int step = 1; step <= n; step++)
        {
            // While layer `step` runs: its output and every earlier tensor still to be read at or after it.
            long live = 0;
            for (int t = 0; t <= step; t++)
            {
                if (t == step || lastRead[t] >= step)
                {
                    live += t == 0 ? shapes.Input.Length * 4 : ActivationBytes(shapes.Layers[t - 1]);
                }
            }

            peak = System.Math.Max(peak, live);
        }

        return peak;
    }
}

using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>What convolution and pooling layers share about their windows: how they are written and what is linted.</summary>
internal static class Windows
{
    /// <summary>"5x5, s1, p2", "3x3, s2, ceil": the window part of a layer's description.</summary>
    public static string Describe(LayerShape layer, Rounding rounding)
    {
        string window = $"{Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)}";
        string padding = layer.Padding > 0 ? $", p{Format.Int(layer.Padding)}" : "";
        string rounded = rounding switch
        {
            Rounding.Floor => ", floor",
            Rounding.Ceil => ", ceil",
            _ => "",
        };
        return $"{window}, s{Format.Int(layer.Stride)}{padding}{rounded}";
    }

    /// <summary>"(28 + 2*2 - 5) / 1 + 1 = 28", "floor((7 + 2*0 - 2) / 2) + 1 = 3", for height and, when it differs, width.</summary>
    public static string OutputArithmetic(LayerShape layer, Rounding rounding)
    {
        int f = layer.KernelSize;
        int p = layer.Padding;
        int s = layer.Stride;
        string Rule(int n, int output)
        {
            string exact = OutputSize.Arithmetic(n, f, s, p);
            long span = (long)n + (2L * p) - f;
            if (span % s == 0 || rounding == Rounding.Exact)
            {
                return $"{exact} = {Format.Int(output)}";
            }

            string division = exact.Substring(0, exact.Length - " + 1".Length);
            string rounded = rounding == Rounding.Floor ? $"floor({division}) + 1" : $"ceil({division}) + 1";
            long ceil = ((span + s - 1) / s) + 1;
            return output < ceil && rounding == Rounding.Ceil
                ? $"{rounded} = {Format.Int(ceil)}, less the window that would start in the padding = {Format.Int(output)}"
                : $"{rounded} = {Format.Int(output)}";
        }

        string height = Rule(layer.Input.H, layer.Output.H);
        return layer.Input.H == layer.Input.W
            ? height
            : $"height {height}, width {Rule(layer.Input.W, layer.Output.W)}";
    }

    /// <summary>SCNN0019: a stride larger than the window skips rows and columns of the input, which then get no gradient.</summary>
    public static void StrideSkipsInput(LayerShape layer, Rounding rounding, string what, List<ShapeError> found)
    {
        if (layer.Stride <= layer.KernelSize)
        {
            return;
        }

        string where = $"{layer.Name} (input {layer.Input})";
        long skipped = layer.Stride - layer.KernelSize;
        var fixes = new List<FitSuggestion>();
        for (int stride = layer.KernelSize; stride >= 1 && fixes.Count == 0; stride--)
        {
            if (OutputSize.Rounded(layer.Input.H, layer.KernelSize, stride, layer.Padding, rounding) is long h
                && OutputSize.Rounded(layer.Input.W, layer.KernelSize, stride, layer.Padding, rounding) is long w
                && Shape.Product(Shape.Product(layer.Output.C, h), w) <= int.MaxValue)
            {
                fixes.Add(new FitSuggestion("stride", stride, $"{Format.Int(h)}x{Format.Int(w)}"));
            }
        }

        string advice = fixes.Count > 0 ? $" Stride {Format.Int(fixes[0].Value)} reads every cell ({fixes[0].Output})." : "";
        found.Add(new ShapeError(Rule.StrideSkipsInput, layer.Index, "stride",
            $"{where}: stride {Format.Int(layer.Stride)} is larger than the {Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)} {what}, so {Format.Count(skipped)} of every {Format.Count(layer.Stride)} " +
            $"rows and columns of the input {(skipped == 1 ? "is never read and gets" : "are never read and get")} no gradient.{advice}",
            fixes.ToEquatableArray()));
    }
}

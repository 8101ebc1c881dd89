using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>What convolution and pooling layers share about their windows: how they are written and what is linted.</summary>
internal static class Windows
{
    /// <summary>
    /// "5x5, s1, p2", "3x3, s2, ceil": the window part of a layer's description; other windows add what differs:
    /// "10x4, s2, same p(4,5,1,2)" (paddings top, bottom, left, right), "3x3, s1x2, p(0,1,1,1)", "3x3, s1, p2, d2".
    /// </summary>
    public static string Describe(LayerShape layer, WindowSpec declared)
    {
        Window w = layer.Window;
        string window = $"{Format.Int(w.KernelHeight)}x{Format.Int(w.KernelWidth)}";
        string stride = w.StrideHeight == w.StrideWidth ? Format.Int(w.StrideHeight) : $"{Format.Int(w.StrideHeight)}x{Format.Int(w.StrideWidth)}";
        bool symmetric = w.PadTop == w.PadBottom && w.PadTop == w.PadLeft && w.PadTop == w.PadRight;
        string pads = symmetric ? $"p{Format.Int(w.PadTop)}" : $"p({Format.Int(w.PadTop)},{Format.Int(w.PadBottom)},{Format.Int(w.PadLeft)},{Format.Int(w.PadRight)})";
        string padding = declared.Mode switch
        {
            PaddingMode.Same => symmetric && w.PadTop == 0 ? ", same" : $", same {pads}",
            PaddingMode.Valid => ", valid",
            _ => symmetric && w.PadTop == 0 ? "" : $", {pads}",
        };
        string dilation = w.DilationHeight == 1 && w.DilationWidth == 1 ? ""
            : w.DilationHeight == w.DilationWidth ? $", d{Format.Int(w.DilationHeight)}" : $", d{Format.Int(w.DilationHeight)}x{Format.Int(w.DilationWidth)}";
        string rounded = declared.Mode == PaddingMode.Same ? "" : declared.Rounding switch
        {
            Rounding.Floor => ", floor",
            Rounding.Ceil => ", ceil",
            _ => "",
        };
        return $"{window}, s{stride}{padding}{dilation}{rounded}";
    }

    /// <summary>"(28 + 2*2 - 5) / 1 + 1 = 28", "floor((7 + 2*0 - 2) / 2) + 1 = 3", for height and, when it differs, width.</summary>
    public static string OutputArithmetic(LayerShape layer, WindowSpec declared)
    {
        Window w = layer.Window;
        Rounding rounding = declared.Mode == PaddingMode.Same ? Rounding.Floor : declared.Rounding;
        string same = declared.Mode == PaddingMode.Same ? $"'same' pads {Format.Int(w.PadTop)}/{Format.Int(w.PadBottom)} rows and {Format.Int(w.PadLeft)}/{Format.Int(w.PadRight)} columns: " : "";
        string Rule(int n, int output, int f, int s, int before, int after)
        {
            string exact = OutputSize.Arithmetic(n, f, s, before, after);
            long span = (long)n + before + after - f;
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

        string height = Rule(layer.Input.H, layer.Output.H, w.SpanHeight, w.StrideHeight, w.PadTop, w.PadBottom);
        bool sameArithmetic = layer.Input.H == layer.Input.W && w.SpanHeight == w.SpanWidth && w.StrideHeight == w.StrideWidth
            && w.PadTop == w.PadLeft && w.PadBottom == w.PadRight;
        return same + (sameArithmetic
            ? height
            : $"height {height}, width {Rule(layer.Input.W, layer.Output.W, w.SpanWidth, w.StrideWidth, w.PadLeft, w.PadRight)}");
    }

    /// <summary>SCNN0019 for windows with a stride per dimension: a stride larger than the window's span skips input rows or columns.</summary>
    public static void StrideSkipsInputPerDimension(LayerShape layer, string what, List<ShapeError> found)
    {
        Window w = layer.Window;
        bool rows = w.StrideHeight > w.SpanHeight, columns = w.StrideWidth > w.SpanWidth;
        if (!rows && !columns)
        {
            return;
        }

        string where = $"{layer.Name} (input {layer.Input})";
        string dimension = rows && columns ? "rows and columns" : rows ? "rows" : "columns";
        string stride = rows ? $"stride {Format.Int(w.StrideHeight)} in height is larger than the window's {Format.Int(w.SpanHeight)} rows" : $"stride {Format.Int(w.StrideWidth)} in width is larger than the window's {Format.Int(w.SpanWidth)} columns";
        found.Add(new ShapeError(Rule.StrideSkipsInput, layer.Index, rows ? "StrideHeight" : "StrideWidth",
            $"{where}: {stride} of the {Format.Int(w.KernelHeight)}x{Format.Int(w.KernelWidth)} {what}, so some {dimension} of the input are never read and get no gradient.",
            EquatableArray<FitSuggestion>.Empty));
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

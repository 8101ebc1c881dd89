using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// The checks every layer kind's shape inference shares: positive counts, the window arithmetic
/// out = (N + 2P - F) / S + 1 with its "what would fit" advice, spatial data, and counts that must fit in an int.
/// Each adds its error, with the finished message, to the list it is given.
/// </summary>
internal static class ShapeChecks
{
    public const long IntMax = int.MaxValue;

    /// <summary>
    /// Checks a convolution or pooling window over both dimensions; returns the output size or null.
    /// <paramref name="sizeArgument"/> is the argument that declares the window ("kernelSize" or "size"), which the
    /// too-large error squiggles and suggests.
    /// </summary>
    public static (long, long)? Window(LayerSpec layer, Rounding rounding, string sizeArgument, string name, string what, Shape input, int f, int s, int p, int maxPadding, int channels, List<ShapeError> errors)
    {
        long oh = OutputSize.Rounded(input.H, f, s, p, rounding) ?? -1;
        long ow = OutputSize.Rounded(input.W, f, s, p, rounding) ?? -1;
        if (oh > 0 && ow > 0)
        {
            return (oh, ow);
        }

        // A suggestion is only worth making if the layer's output it gives can be counted in an int.
        bool Fits(long h, long w) => Shape.Product(Shape.Product(channels, h), w) <= IntMax;
        string window = $"{Format.Int(f)}x{Format.Int(f)} {what}";
        bool convolution = sizeArgument == "kernelSize";
        bool tooLarge = input.H + (2L * p) < f || input.W + (2L * p) < f;
        if (tooLarge)
        {
            long n = input.H + (2L * p) < f ? input.H : input.W;
            var suggestions = new List<FitSuggestion>();
            foreach ((int padding, long h, long w) in OutputSize.PaddingsThatFit(input.H, input.W, f, s, p, maxPadding, 1, rounding))
            {
                if (Fits(h, w))
                {
                    suggestions.Add(new FitSuggestion("padding", padding, $"{Format.Int(h)}x{Format.Int(w)}"));
                }
            }

            foreach ((int kernel, long h, long w) in OutputSize.KernelsThatFit(input.H, input.W, f, s, p, 1, rounding))
            {
                if (Fits(h, w) && (convolution || p <= kernel / 2))
                {
                    suggestions.Add(new FitSuggestion(sizeArgument, kernel, $"{Format.Int(h)}x{Format.Int(w)}"));
                }
            }

            string message = $"{name}: the {window} is larger than the {input.Spatial} input padded by {Format.Int(p)} " +
                $"({Format.Int(input.H + (2L * p))}x{Format.Int(input.W + (2L * p))}); {OutputSize.Arithmetic(n, f, s, p)} = {OutputSize.Real(n, f, s, p)} is less than 1."
                + Advice(suggestions, s);
            errors.Add(Error(Rule.WindowTooLarge, layer.Index, sizeArgument, message, suggestions.ToArray()));
            return null;
        }

        {
            long n = oh <= 0 ? input.H : input.W;
            string dimension = input.H == input.W || (oh <= 0 && ow <= 0) ? "" : (oh <= 0 ? " in height" : " in width");
            var suggestions = new List<FitSuggestion>();
            foreach ((int stride, long h, long w) in OutputSize.StridesThatFit(input.H, input.W, f, s, p, 2))
            {
                if (Fits(h, w))
                {
                    suggestions.Add(new FitSuggestion("stride", stride, $"{Format.Int(h)}x{Format.Int(w)}"));
                }
            }

            foreach ((int padding, long h, long w) in OutputSize.PaddingsThatFit(input.H, input.W, f, s, p, maxPadding, 1, Rounding.Exact))
            {
                if (Fits(h, w))
                {
                    suggestions.Add(new FitSuggestion("padding", padding, $"{Format.Int(h)}x{Format.Int(w)}", Also: "stride"));
                }
            }

            long floorH = OutputSize.Rounded(input.H, f, s, p, Rounding.Floor) ?? 0;
            long floorW = OutputSize.Rounded(input.W, f, s, p, Rounding.Floor) ?? 0;
            if (Fits(floorH, floorW))
            {
                suggestions.Add(new FitSuggestion("Rounding", (int)Rounding.Floor, $"{Format.Int(floorH)}x{Format.Int(floorW)}"));
            }

            string message = $"{name}: {OutputSize.Arithmetic(n, f, s, p)} = {OutputSize.Real(n, f, s, p)} is not a whole number{dimension}; " +
                $"the {window} with stride {Format.Int(s)} does not fit the {input.Spatial} input." + Advice(suggestions, s);
            errors.Add(Error(Rule.NotWhole, layer.Index, "stride", message, suggestions.ToArray()));
            return null;
        }
    }

    /// <summary>" Stride 1 (28x28) or 3 (10x10) fit; so does padding 1 with stride 2 (15x15)."</summary>
    private static string Advice(List<FitSuggestion> suggestions, int stride)
    {
        var strides = suggestions.Where(x => x.Argument == "stride").ToList();
        var paddings = suggestions.Where(x => x.Argument == "padding").ToList();
        var kernels = suggestions.Where(x => x.Argument is "kernelSize" or "size").ToList();
        var roundings = suggestions.Where(x => x.Argument == "Rounding").ToList();
        var parts = new List<string>();
        if (strides.Count > 0)
        {
            string list = string.Join(" or ", strides.Select(x => $"{Format.Int(x.Value)} ({x.Output})"));
            parts.Add($"Stride {list} {(strides.Count == 1 ? "fits" : "fit")}");
        }

        foreach (FitSuggestion padding in paddings)
        {
            string withStride = padding.Also == "stride" ? $" with stride {Format.Int(stride)}" : "";
            parts.Add(parts.Count == 0
                ? $"Padding {Format.Int(padding.Value)}{withStride} fits ({padding.Output})"
                : $"so does padding {Format.Int(padding.Value)}{withStride} ({padding.Output})");
        }

        foreach (FitSuggestion kernel in kernels)
        {
            parts.Add(parts.Count == 0
                ? $"A {Format.Int(kernel.Value)}x{Format.Int(kernel.Value)} window fits ({kernel.Output})"
                : $"so does a {Format.Int(kernel.Value)}x{Format.Int(kernel.Value)} window ({kernel.Output})");
        }

        foreach (FitSuggestion rounding in roundings)
        {
            string text = $"Rounding = ShapeRounding.{(Rounding)rounding.Value} drops the cells no window reaches, as PyTorch and Keras's 'valid' padding do ({rounding.Output})";
            parts.Add(parts.Count == 0 ? text : "or " + text);
        }

        return parts.Count == 0 ? "" : " " + string.Join("; ", parts) + ".";
    }

    public static bool RoundingKnown(List<ShapeError> errors, LayerSpec layer, Rounding rounding, string where)
    {
        if (rounding.IsDefined())
        {
            return true;
        }

        errors.Add(Error(Rule.UnknownRounding, layer.Index, "Rounding",
            $"{where}: Rounding = {Format.Int((int)rounding)} is not a ShapeRounding value; use ShapeRounding.Exact, Floor or Ceil."));
        return false;
    }

    /// <summary>True when the input is C x H x W; otherwise adds the "spatial layer after flat data" error.</summary>
    public static bool Spatial(LayerSpec layer, string name, Shape input, string? flattenedBy, List<ShapeError> errors)
    {
        if (!input.Flat)
        {
            return true;
        }

        errors.Add(Error(Rule.SpatialAfterFlat, layer.Index, "",
            $"{name} needs a C x H x W input, but {flattenedBy ?? "an earlier layer"} made the data flat ({input}); " +
            "convolution and pooling layers must come before Flatten and Dense."));
        return false;
    }

    public static bool Positive(List<ShapeError> errors, int index, string where, string argument, string label, int value)
    {
        if (value > 0)
        {
            return true;
        }

        errors.Add(Error(Rule.NonPositive, index, argument, $"{where}: {label} must be positive, but is {Format.Int(value)}."));
        return false;
    }

    public static bool NotNegative(List<ShapeError> errors, int index, string where, string argument, int value)
    {
        if (value >= 0)
        {
            return true;
        }

        errors.Add(Error(Rule.NonPositive, index, argument, $"{where}: {argument} must be 0 or more, but is {Format.Int(value)}."));
        return false;
    }

    /// <summary>True when the output's <paramref name="count"/> values can be counted in an int.</summary>
    public static bool Fits(List<ShapeError> errors, LayerSpec layer, string name, Shape output, long count)
    {
        if (count <= IntMax)
        {
            return true;
        }

        errors.Add(Error(Rule.Overflow, layer.Index, "",
            $"{name}: its output {Format.Int(output.C)}x{Format.Int(output.H)}x{Format.Int(output.W)} has {Format.Count(count)} values, more than int can count ({Format.Count(IntMax)})."));
        return false;
    }

    /// <summary>True when the layer's <paramref name="count"/> parameters, and the network's up to it, fit in an int.</summary>
    public static bool ParametersFit(List<ShapeError> errors, LayerSpec layer, string name, long count, long offset, string arithmetic)
    {
        if (count > IntMax)
        {
            errors.Add(Error(Rule.Overflow, layer.Index, "",
                $"{name}: {arithmetic} = {Format.Count(count)} parameters, more than int can count ({Format.Count(IntMax)})."));
            return false;
        }

        if (offset + count > IntMax)
        {
            errors.Add(Error(Rule.Overflow, layer.Index, "",
                $"{name}: the network's parameters add up to {Format.Count(offset + count)} here, more than int can count ({Format.Count(IntMax)})."));
            return false;
        }

        return true;
    }

    public static ShapeError Error(Rule rule, int layerIndex, string argument, string message, params FitSuggestion[] suggestions) =>
        new(rule, layerIndex, argument, message, suggestions.ToEquatableArray());
}

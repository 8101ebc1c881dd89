using System;
using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// The shape arithmetic of convolution and pooling windows: the declared arguments' checks, the resolution of a
/// declared window against its input ('same' padding, a pooling stride of 0), and the fit per dimension,
/// out = (N + before + after - span) / S + 1, each dimension with its own arithmetic in the message. Square windows
/// keep <see cref="ShapeChecks.Window"/>'s messages and suggestions.
/// </summary>
internal static class WindowShapes
{
    /// <summary>
    /// Checks the window's own arguments (positive sizes, strides and dilations, paddings of 0 or more, a defined
    /// padding mode with no padding beside it, pooling paddings of at most half the window); false after adding
    /// the errors.
    /// </summary>
    public static bool CheckArguments(LayerSpec layer, WindowSpec window, string where, bool pooling, List<ShapeError> errors)
    {
        int index = layer.Index;
        bool ok = true;
        string kernel = window.KernelArgument;
        if (window.KernelHeight is null || window.KernelWidth is null)
        {
            ok &= ShapeChecks.Positive(errors, index, where, kernel, kernel, window.Kernel);
        }

        ok &= PositiveIfSet(errors, index, where, "KernelHeight", window.KernelHeight);
        ok &= PositiveIfSet(errors, index, where, "KernelWidth", window.KernelWidth);
        if (window.StrideHeight is null || window.StrideWidth is null)
        {
            if (pooling)
            {
                if (window.Stride < 0)
                {
                    errors.Add(ShapeChecks.Error(Rule.NonPositive, index, "stride", $"{where}: stride must be positive (or 0, meaning the window size), but is {Format.Int(window.Stride)}."));
                    ok = false;
                }
            }
            else
            {
                ok &= ShapeChecks.Positive(errors, index, where, "stride", "stride", window.Stride);
            }
        }

        ok &= PositiveIfSet(errors, index, where, "StrideHeight", window.StrideHeight);
        ok &= PositiveIfSet(errors, index, where, "StrideWidth", window.StrideWidth);
        if (window.Dilation != 1 || window.DilationHeight is not null || window.DilationWidth is not null)
        {
            if (window.DilationHeight is null || window.DilationWidth is null)
            {
                ok &= ShapeChecks.Positive(errors, index, where, "Dilation", "Dilation", window.Dilation);
            }

            ok &= PositiveIfSet(errors, index, where, "DilationHeight", window.DilationHeight);
            ok &= PositiveIfSet(errors, index, where, "DilationWidth", window.DilationWidth);
        }

        if (!window.Mode.IsDefined())
        {
            errors.Add(ShapeChecks.Error(Rule.UnknownEnumValue, index, "PaddingMode",
                $"{where}: PaddingMode = {Format.Int((int)window.Mode)} is not a PaddingMode value; use PaddingMode.Explicit, Valid or Same."));
            return false;
        }

        bool sides = window.PaddingTop is not null || window.PaddingBottom is not null || window.PaddingLeft is not null || window.PaddingRight is not null;
        if (window.Mode != PaddingMode.Explicit && (window.Padding != 0 || sides))
        {
            var ways = new List<FitSuggestion>();
            if (window.Padding != 0 && !sides)
            {
                ways.Add(new FitSuggestion("padding", 0, ""));
            }

            ways.Add(new FitSuggestion("PaddingMode", (int)PaddingMode.Explicit, ""));
            errors.Add(ShapeChecks.Error(Rule.PaddingConflict, index, window.Padding != 0 ? "padding" : "PaddingMode",
                $"{where}: PaddingMode.{window.Mode} computes the padding itself, but the layer also declares {(window.Padding != 0 ? $"padding {Format.Int(window.Padding)}" : "padding on a side")}; " +
                $"remove the padding{(window.Padding != 0 && !sides ? "" : " arguments")}, or use PaddingMode.Explicit to keep it.",
                ways.ToArray()));
            return false;
        }

        if (window.PaddingTop is null || window.PaddingBottom is null || window.PaddingLeft is null || window.PaddingRight is null)
        {
            ok &= ShapeChecks.NotNegative(errors, index, where, "padding", window.Padding);
        }

        foreach ((string side, int? value) in new[] { ("PaddingTop", window.PaddingTop), ("PaddingBottom", window.PaddingBottom), ("PaddingLeft", window.PaddingLeft), ("PaddingRight", window.PaddingRight) })
        {
            if (value is int padding)
            {
                ok &= ShapeChecks.NotNegative(errors, index, where, side, padding);
            }
        }

        ok &= ShapeChecks.RoundingKnown(errors, layer, window.Rounding, where);
        if (ok && pooling && window.Mode == PaddingMode.Explicit)
        {
            int kh = window.KernelHeight ?? window.Kernel, kw = window.KernelWidth ?? window.Kernel;
            if (window.IsSquare)
            {
                if (window.Padding > window.Kernel / 2)
                {
                    errors.Add(ShapeChecks.Error(Rule.PoolPaddingTooLarge, index, "padding",
                        $"{where}: padding {Format.Int(window.Padding)} is more than half the {Format.Int(window.Kernel)}x{Format.Int(window.Kernel)} window; it can be at most {Format.Int(window.Kernel / 2)}.",
                        new FitSuggestion("padding", window.Kernel / 2, "")));
                    ok = false;
                }
            }
            else
            {
                foreach ((string side, int padding, int size) in new[]
                {
                    ("PaddingTop", window.PaddingTop ?? window.Padding, kh), ("PaddingBottom", window.PaddingBottom ?? window.Padding, kh),
                    ("PaddingLeft", window.PaddingLeft ?? window.Padding, kw), ("PaddingRight", window.PaddingRight ?? window.Padding, kw),
                })
                {
                    if (padding > size / 2)
                    {
                        string argument = side switch
                        {
                            "PaddingTop" => window.PaddingTop is null ? "padding" : side,
                            "PaddingBottom" => window.PaddingBottom is null ? "padding" : side,
                            "PaddingLeft" => window.PaddingLeft is null ? "padding" : side,
                            _ => window.PaddingRight is null ? "padding" : side,
                        };
                        errors.Add(ShapeChecks.Error(Rule.PoolPaddingTooLarge, index, argument,
                            $"{where}: {Format.Int(padding)} {(side is "PaddingTop" or "PaddingBottom" ? "rows" : "columns")} of padding ({side.Substring("Padding".Length).ToLowerInvariant()}) is more than half the {Format.Int(kh)}x{Format.Int(kw)} window's {(side is "PaddingTop" or "PaddingBottom" ? "height" : "width")}; it can be at most {Format.Int(size / 2)}."));
                        ok = false;
                        break;
                    }
                }
            }
        }

        return ok;
    }

    /// <summary>
    /// Resolves the window against its input and checks that it fits in both dimensions: the window and the output's
    /// height and width, or null after adding the error (on the argument of the dimension that does not fit).
    /// </summary>
    /// <param name="maxPadding">The largest padding a suggestion may use (square windows).</param>
    /// <param name="channels">The output's channels, so that suggestions stay countable in an int.</param>
    public static (Window Window, long Height, long Width)? Fit(LayerSpec layer, WindowSpec window, string name, string what, Shape input, int maxPadding, int channels, bool pooling, List<ShapeError> errors)
    {
        int kh = window.KernelHeight ?? window.Kernel, kw = window.KernelWidth ?? window.Kernel;
        int sh = window.StrideHeight ?? (window.Stride == 0 ? kh : window.Stride);
        int sw = window.StrideWidth ?? (window.Stride == 0 ? kw : window.Stride);
        int dh = window.DilationHeight ?? window.Dilation, dw = window.DilationWidth ?? window.Dilation;
        if (window.IsSquare && kh == kw && sh == sw)
        {
            if (ShapeChecks.Window(layer, window.Rounding, window.KernelArgument, name, what, input, kh, sh, window.Padding, maxPadding, channels, errors) is not (long oh, long ow))
            {
                return null;
            }

            return (Window.Square(kh, sh, window.Padding), oh, ow);
        }

        int spanH = (int)Math.Min(int.MaxValue, ((long)(kh - 1) * dh) + 1), spanW = (int)Math.Min(int.MaxValue, ((long)(kw - 1) * dw) + 1);
        (int top, int bottom) = Pads(window, input.H, spanH, sh, window.PaddingTop, window.PaddingBottom);
        (int left, int right) = Pads(window, input.W, spanW, sw, window.PaddingLeft, window.PaddingRight);
        Rounding rounding = window.Mode == PaddingMode.Same ? Rounding.Floor : window.Rounding;
        long? height = OutputSize.Rounded(input.H, spanH, sh, top, bottom, rounding);
        long? width = OutputSize.Rounded(input.W, spanW, sw, left, right, rounding);
        if (height is long h && width is long w && h > 0 && w > 0)
        {
            return (new Window(kh, kw, sh, sw, top, bottom, left, right, dh, dw), h, w);
        }

        bool heightFails = height is null;
        long n = heightFails ? input.H : input.W;
        int span = heightFails ? spanH : spanW, stride = heightFails ? sh : sw;
        int before = heightFails ? top : left, after = heightFails ? bottom : right;
        int k = heightFails ? kh : kw, d = heightFails ? dh : dw;
        string dimension = heightFails ? "height" : "width";
        string windowText = $"{Format.Int(kh)}x{Format.Int(kw)} {what}" +
            (dh != 1 || dw != 1 ? $" dilated by {(dh == dw ? Format.Int(dh) : $"{Format.Int(dh)}x{Format.Int(dw)}")} (spanning {Format.Int(spanH)}x{Format.Int(spanW)})" : "");
        string arithmetic = $"{OutputSize.Arithmetic(n, span, stride, before, after)} = {OutputSize.Real(n, span, stride, before, after)}";
        var suggestions = new List<FitSuggestion>();
        var advice = new List<string>();
        if (window.Mode != PaddingMode.Same)
        {
            long sameH = (input.H + sh - 1) / sh, sameW = (input.W + sw - 1) / sw;
            if (Shape.Product(Shape.Product(channels, sameH), sameW) <= ShapeChecks.IntMax)
            {
                suggestions.Add(new FitSuggestion("PaddingMode", (int)PaddingMode.Same, $"{Format.Int(sameH)}x{Format.Int(sameW)}"));
                advice.Add($"PaddingMode = PaddingMode.Same pads as TensorFlow does ({Format.Int(sameH)}x{Format.Int(sameW)})");
            }
        }

        if (n + before + after < span)
        {
            string message = $"{name}: in {dimension}, the {windowText} is larger than the {input.Spatial} input padded by {Format.Int(before)} and {Format.Int(after)} " +
                $"({Format.Int(n + before + after)} {(heightFails ? "rows" : "columns")}); {arithmetic} is less than 1." + Advice(advice);
            string argument = heightFails
                ? (window.KernelHeight is not null ? "KernelHeight" : d != 1 && window.DilationHeight is not null ? "DilationHeight" : d != 1 ? "Dilation" : window.KernelArgument)
                : (window.KernelWidth is not null ? "KernelWidth" : d != 1 && window.DilationWidth is not null ? "DilationWidth" : d != 1 ? "Dilation" : window.KernelArgument);
            _ = k;
            errors.Add(ShapeChecks.Error(Rule.WindowTooLarge, layer.Index, argument, message, suggestions.ToArray()));
            return null;
        }

        long floorH = OutputSize.Rounded(input.H, spanH, sh, top, bottom, Rounding.Floor) ?? 0;
        long floorW = OutputSize.Rounded(input.W, spanW, sw, left, right, Rounding.Floor) ?? 0;
        if (floorH > 0 && floorW > 0 && Shape.Product(Shape.Product(channels, floorH), floorW) <= ShapeChecks.IntMax)
        {
            suggestions.Add(new FitSuggestion("Rounding", (int)Rounding.Floor, $"{Format.Int(floorH)}x{Format.Int(floorW)}"));
            advice.Add($"Rounding = ShapeRounding.Floor drops the cells no window reaches, as PyTorch and Keras's 'valid' padding do ({Format.Int(floorH)}x{Format.Int(floorW)})");
        }

        string strideText = sh == sw ? Format.Int(sh) : $"{Format.Int(sh)}x{Format.Int(sw)}";
        string notWhole = $"{name}: in {dimension}, {arithmetic} is not a whole number; the {windowText} with stride {strideText} does not fit the {input.Spatial} input." + Advice(advice);
        string strideArgument = heightFails ? (window.StrideHeight is not null ? "StrideHeight" : "stride") : (window.StrideWidth is not null ? "StrideWidth" : "stride");
        errors.Add(ShapeChecks.Error(Rule.NotWhole, layer.Index, strideArgument, notWhole, suggestions.ToArray()));
        return null;
    }

    /// <summary>
    /// The paddings before and after in one dimension: TensorFlow's 'same' (half the total before, rounded down, the
    /// rest after), none for 'valid', else the sides as declared (the constructor's padding where a side is not set).
    /// </summary>
    public static (int Before, int After) Pads(WindowSpec window, int n, int span, int stride, int? before, int? after)
    {
        switch (window.Mode)
        {
            case PaddingMode.Same:
                long output = ((long)n + stride - 1) / stride;
                long total = Math.Max(((output - 1) * stride) + span - n, 0);
                return ((int)(total / 2), (int)(total - (total / 2)));
            case PaddingMode.Valid:
                return (0, 0);
            default:
                return (before ?? window.Padding, after ?? window.Padding);
        }
    }

    private static string Advice(List<string> parts) => parts.Count == 0 ? "" : " " + string.Join("; or ", parts) + ".";

    private static bool PositiveIfSet(List<ShapeError> errors, int index, string where, string argument, int? value) =>
        value is not int v || ShapeChecks.Positive(errors, index, where, argument, argument, v);
}

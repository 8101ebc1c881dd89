using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// Checks a network declaration and infers every layer's shape: a pure function of the model, shared by the
/// generator, the analyzer and the code fixes. Rules (../../CONTRACT.md): out = (N + 2P - F) / S + 1 exactly
/// and at least 1; positive counts; pooling padding at most half the window; no spatial layer on flat data;
/// every count fits in int.
/// </summary>
internal static class ShapeInference
{
    private const long IntMax = int.MaxValue;

    public static NetworkShapes Infer(NetworkSpec spec)
    {
        var errors = new List<ShapeError>();
        foreach (DeclarationProblem problem in spec.Declaration)
        {
            errors.Add(DeclarationError(spec, problem));
        }

        var input = new Shape(spec.Channels, spec.Height, spec.Width);
        bool known = true;
        string network = $"Network '{spec.Type.DisplayName}'";
        known &= Positive(errors, 0, network, "channels", "input channels", spec.Channels);
        known &= Positive(errors, 0, network, "height", "input height", spec.Height);
        known &= Positive(errors, 0, network, "width", "input width", spec.Width);
        if (!spec.Rounding.IsDefined())
        {
            errors.Add(Error(Rule.UnknownRounding, 0, "Rounding", $"{network}: Rounding = {Format.Int((int)spec.Rounding)} is not a ShapeRounding value; use ShapeRounding.Exact, Floor or Ceil."));
        }

        if (known && input.Length > IntMax)
        {
            errors.Add(Error(Rule.Overflow, 0, "", $"{network}: the input {input} has {(input.Length == long.MaxValue ? "over " : "")}{Format.Count(input.Length)} values, more than int can count ({Format.Count(IntMax)})."));
            known = false;
        }

        if (spec.Layers.Count == 0)
        {
            errors.Add(Error(Rule.NoLayers, 0, "", $"{network} declares no layers: add layer attributes such as [Conv2D(...)], [ReLU] or [Dense(...)] after [Network] on the same declaration."));
        }

        var layers = new List<LayerShape>();
        Shape current = input;
        string? flattenedBy = null;
        long parameterTotal = 0;
        foreach (LayerSpec layer in spec.Layers)
        {
            LayerShape? shape = InferLayer(layer, current, known, ref flattenedBy, parameterTotal, errors);
            if (shape is null)
            {
                known = false;
                continue;
            }

            layers.Add(shape);
            parameterTotal += shape.ParameterCount;
            current = shape.Output;
        }

        return new NetworkShapes(
            input,
            layers.ToEquatableArray(),
            errors.ToEquatableArray(),
            known && errors.Count == 0 ? (int)parameterTotal : 0);
    }

    private static LayerShape? InferLayer(LayerSpec layer, Shape input, bool inputKnown, ref string? flattenedBy, long parameterOffset, List<ShapeError> errors)
    {
        string name = $"{layer.Kind} #{layer.Index}";
        string where = inputKnown ? $"{name} (input {input})" : name;
        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
            {
                bool ok = Positive(errors, layer.Index, where, "filters", "filters", layer.Filters);
                ok &= Positive(errors, layer.Index, where, "kernelSize", "kernelSize", layer.KernelSize);
                ok &= Positive(errors, layer.Index, where, "stride", "stride", layer.Stride);
                ok &= NotNegative(errors, layer.Index, where, "padding", layer.Padding);
                ok &= RoundingKnown(errors, layer, where);
                if (layer.Rounding == Rounding.Ceil)
                {
                    errors.Add(Error(Rule.CeilConvolution, layer.Index, "Rounding",
                        $"{where}: Rounding = ShapeRounding.Ceil is for pooling layers; PyTorch's Conv2d has no ceil mode. Use ShapeRounding.Floor (PyTorch's rule) or Exact.",
                        new FitSuggestion("Rounding", (int)Rounding.Floor, "")));
                    ok = false;
                }

                if (!ok || !inputKnown || !Spatial(layer, name, input, flattenedBy, errors))
                {
                    return null;
                }

                if (Window(layer, name, "filter", input, layer.KernelSize, layer.Stride, layer.Padding, layer.KernelSize - 1, layer.Filters, errors) is not (long oh, long ow))
                {
                    return null;
                }

                long weights = Shape.Product(Shape.Product(Shape.Product(layer.KernelSize, layer.KernelSize), input.C), layer.Filters);
                var output = new Shape(layer.Filters, (int)Math.Min(oh, IntMax), (int)Math.Min(ow, IntMax));
                if (!Fits(errors, layer, name, output, Shape.Product(Shape.Product(oh, ow), layer.Filters))
                    || !ParametersFit(errors, layer, name, weights + layer.Filters, parameterOffset,
                        $"(F*F*C + 1) * K = ({Format.Int(layer.KernelSize)}*{Format.Int(layer.KernelSize)}*{Format.Int(input.C)} + 1) * {Format.Int(layer.Filters)}"))
                {
                    return null;
                }

                return new LayerShape(layer, input, output, layer.Stride, (int)weights, layer.Filters, (int)parameterOffset);
            }

            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool2D:
            {
                bool ok = Positive(errors, layer.Index, where, "size", "size", layer.KernelSize);
                if (layer.Stride < 0)
                {
                    errors.Add(Error(Rule.NonPositive, layer.Index, "stride", $"{where}: stride must be positive (or 0, meaning the window size), but is {Format.Int(layer.Stride)}."));
                    ok = false;
                }

                ok &= NotNegative(errors, layer.Index, where, "padding", layer.Padding);
                ok &= RoundingKnown(errors, layer, where);
                if (ok && layer.Padding > layer.KernelSize / 2)
                {
                    errors.Add(Error(Rule.PoolPaddingTooLarge, layer.Index, "padding",
                        $"{where}: padding {Format.Int(layer.Padding)} is more than half the {Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)} window; it can be at most {Format.Int(layer.KernelSize / 2)}.",
                        new FitSuggestion("padding", layer.KernelSize / 2, "")));
                    ok = false;
                }

                if (!ok || !inputKnown || !Spatial(layer, name, input, flattenedBy, errors))
                {
                    return null;
                }

                int stride = layer.Stride == 0 ? layer.KernelSize : layer.Stride;
                if (Window(layer, name, "window", input, layer.KernelSize, stride, layer.Padding, layer.KernelSize / 2, input.C, errors) is not (long oh, long ow))
                {
                    return null;
                }

                var output = new Shape(input.C, (int)oh, (int)ow);
                return new LayerShape(layer, input, output, stride, 0, 0, (int)parameterOffset);
            }

            case LayerKind.Dense:
            {
                if (!Positive(errors, layer.Index, where, "units", "units", layer.Units) || !inputKnown)
                {
                    return null;
                }

                long weights = Shape.Product(input.Length, layer.Units);
                if (!ParametersFit(errors, layer, name, weights + layer.Units, parameterOffset,
                    $"(inputs + 1) * units = ({Format.Int(input.Length)} + 1) * {Format.Int(layer.Units)}"))
                {
                    return null;
                }

                flattenedBy = name;
                return new LayerShape(layer, input, Shape.Vector(layer.Units), 0, (int)weights, layer.Units, (int)parameterOffset);
            }

            case LayerKind.Flatten:
                if (!inputKnown)
                {
                    return null;
                }

                flattenedBy ??= name;
                return new LayerShape(layer, input, Shape.Vector((int)input.Length), 0, 0, 0, (int)parameterOffset);

            case LayerKind.LeakyReLU:
                if (float.IsNaN(layer.Slope) || float.IsInfinity(layer.Slope))
                {
                    errors.Add(Error(Rule.SlopeNotFinite, layer.Index, "slope", $"{where}: slope must be a finite number, but is {Format.Float(layer.Slope)}."));
                    return null;
                }

                return inputKnown ? new LayerShape(layer, input, input, 0, 0, 0, (int)parameterOffset) : null;

            default:
                return inputKnown ? new LayerShape(layer, input, input, 0, 0, 0, (int)parameterOffset) : null;
        }
    }

    /// <summary>Checks a convolution or pooling window over both dimensions; returns the output size or null.</summary>
    private static (long, long)? Window(LayerSpec layer, string name, string what, Shape input, int f, int s, int p, int maxPadding, int channels, List<ShapeError> errors)
    {
        long oh = OutputSize.Rounded(input.H, f, s, p, layer.Rounding) ?? -1;
        long ow = OutputSize.Rounded(input.W, f, s, p, layer.Rounding) ?? -1;
        if (oh > 0 && ow > 0)
        {
            return (oh, ow);
        }

        // A suggestion is only worth making if the layer's output it gives can be counted in an int.
        bool Fits(long h, long w) => Shape.Product(Shape.Product(channels, h), w) <= IntMax;
        string window = $"{Format.Int(f)}x{Format.Int(f)} {what}";
        string sizeArgument = layer.Kind == LayerKind.Conv2D ? "kernelSize" : "size";
        bool tooLarge = input.H + (2L * p) < f || input.W + (2L * p) < f;
        if (tooLarge)
        {
            long n = input.H + (2L * p) < f ? input.H : input.W;
            var suggestions = new List<FitSuggestion>();
            foreach ((int padding, long h, long w) in OutputSize.PaddingsThatFit(input.H, input.W, f, s, p, maxPadding, 1, layer.Rounding))
            {
                if (Fits(h, w))
                {
                    suggestions.Add(new FitSuggestion("padding", padding, $"{Format.Int(h)}x{Format.Int(w)}"));
                }
            }

            foreach ((int kernel, long h, long w) in OutputSize.KernelsThatFit(input.H, input.W, f, s, p, 1, layer.Rounding))
            {
                if (Fits(h, w) && (layer.Kind == LayerKind.Conv2D || p <= kernel / 2))
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
            string text = $"Rounding = ShapeRounding.{(Rounding)rounding.Value} drops the cells no window reaches, as PyTorch does ({rounding.Output})";
            parts.Add(parts.Count == 0 ? text : "or " + text);
        }

        return parts.Count == 0 ? "" : " " + string.Join("; ", parts) + ".";
    }

    private static bool RoundingKnown(List<ShapeError> errors, LayerSpec layer, string where)
    {
        if (layer.Rounding.IsDefined())
        {
            return true;
        }

        errors.Add(Error(Rule.UnknownRounding, layer.Index, "Rounding",
            $"{where}: Rounding = {Format.Int((int)layer.Rounding)} is not a ShapeRounding value; use ShapeRounding.Exact, Floor or Ceil."));
        return false;
    }

    private static bool Spatial(LayerSpec layer, string name, Shape input, string? flattenedBy, List<ShapeError> errors)
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

    private static bool Positive(List<ShapeError> errors, int index, string where, string argument, string label, int value)
    {
        if (value > 0)
        {
            return true;
        }

        errors.Add(Error(Rule.NonPositive, index, argument, $"{where}: {label} must be positive, but is {Format.Int(value)}."));
        return false;
    }

    private static bool NotNegative(List<ShapeError> errors, int index, string where, string argument, int value)
    {
        if (value >= 0)
        {
            return true;
        }

        errors.Add(Error(Rule.NonPositive, index, argument, $"{where}: {argument} must be 0 or more, but is {Format.Int(value)}."));
        return false;
    }

    private static bool Fits(List<ShapeError> errors, LayerSpec layer, string name, Shape output, long count)
    {
        if (count <= IntMax)
        {
            return true;
        }

        errors.Add(Error(Rule.Overflow, layer.Index, "",
            $"{name}: its output {Format.Int(layer.Filters)}x{Format.Int(output.H)}x{Format.Int(output.W)} has {Format.Count(count)} values, more than int can count ({Format.Count(IntMax)})."));
        return false;
    }

    private static bool ParametersFit(List<ShapeError> errors, LayerSpec layer, string name, long count, long offset, string arithmetic)
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

    private static ShapeError DeclarationError(NetworkSpec spec, DeclarationProblem problem)
    {
        string type = spec.Type.DisplayName;
        return problem.Kind switch
        {
            DeclarationProblemKind.NotPartial => Error(Rule.NotPartial, 0, "",
                $"Network '{type}' must be declared partial: the generator adds its Forward, Backward and parameters in another part of the class."),
            DeclarationProblemKind.ContainingTypeNotPartial => Error(Rule.ContainingTypeNotPartial, 0, "",
                $"Network '{type}' is nested in '{problem.Detail}', which must be declared partial too, so that the generated part can be nested the same way."),
            DeclarationProblemKind.StaticClass => Error(Rule.StaticClass, 0, "",
                $"Network '{type}' must not be static: a network is an object that holds its parameters and buffers."),
            DeclarationProblemKind.MemberClash => Error(Rule.MemberClash, 0, "",
                $"Network '{type}' declares {(problem.Detail.StartsWith("a ", StringComparison.Ordinal) ? problem.Detail : $"a member named '{problem.Detail}'")}, which the generator declares too; " +
                $"rename or remove it (the generated members are a parameterless constructor, {string.Join(", ", GeneratedMemberNames.All.Where(n => !n.StartsWith("_", StringComparison.Ordinal)))} and the private field _storage)."),
            _ => Error(Rule.LayersOnOtherDeclaration, problem.LayerIndex, "",
                $"{problem.Detail} #{Format.Int(problem.LayerIndex)} of network '{type}' is on a different partial declaration than [Network]; put [Network] and every layer attribute on one declaration, top to bottom."),
        };
    }

    private static ShapeError Error(Rule rule, int layerIndex, string argument, string message, params FitSuggestion[] suggestions) =>
        new(rule, layerIndex, argument, message, suggestions.ToEquatableArray());
}

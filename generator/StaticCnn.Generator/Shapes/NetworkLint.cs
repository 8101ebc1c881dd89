using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// Warnings and infos about a valid network: legal declarations that are probably not what was meant, or that
/// the generator compiles differently than usual. Pure, like <see cref="ShapeInference"/>; reported by the
/// analyzer with configurable severities (SCNN0017 to SCNN0021).
/// </summary>
internal static class NetworkLint
{
    /// <summary>A Dense layer is flagged when it holds more than this share of the parameters...</summary>
    public const double DominantShare = 0.9;

    /// <summary>...and more than this many weights.</summary>
    public const long DominantWeights = 1_000_000;

    public static IReadOnlyList<ShapeError> Check(NetworkShapes shapes)
    {
        var found = new List<ShapeError>();
        if (!shapes.IsValid)
        {
            return found;
        }

        LayerShape? previous = null;
        foreach (LayerShape layer in shapes.Layers)
        {
            string where = $"{layer.Name} (input {layer.Input})";
            if (layer.Kind == LayerKind.Conv2D && layer.Padding >= layer.KernelSize)
            {
                // Output row oy sees padded rows oy*S .. oy*S + F - 1; all of them are padding while oy*S + F <= P.
                long rows = ((layer.Padding - layer.KernelSize) / layer.Stride) + 1;
                var fixes = new List<FitSuggestion>();
                foreach ((int padding, long h, long w) in OutputSize.PaddingsThatFit(layer.Input.H, layer.Input.W, layer.KernelSize, layer.Stride, layer.Padding, layer.KernelSize - 1, 1, layer.Layer.Rounding))
                {
                    fixes.Add(new FitSuggestion("padding", padding, $"{Format.Int(h)}x{Format.Int(w)}"));
                }

                string advice = fixes.Count > 0 ? $" Padding {Format.Int(fixes[0].Value)} gives {fixes[0].Output} without them." : $" Use padding at most {Format.Int(layer.KernelSize - 1)}.";
                found.Add(new ShapeError(Rule.PaddingCoversKernel, layer.Index, "padding",
                    $"{where}: padding {Format.Int(layer.Padding)} is at least the {Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)} filter, so the outer {Format.Count(rows)} " +
                    $"{(rows == 1 ? "row and column" : "rows and columns")} on each side of the {layer.Output} output see only padding and hold nothing but the bias.{advice}",
                    fixes.ToEquatableArray()));
            }

            // A strided 1x1 convolution is the usual way to downsample a shortcut (ResNet), so it is not flagged.
            if (layer.Kind.IsSpatial() && layer.Stride > layer.KernelSize && !(layer.Kind == LayerKind.Conv2D && layer.KernelSize == 1))
            {
                long skipped = layer.Stride - layer.KernelSize;
                var fixes = new List<FitSuggestion>();
                for (int stride = layer.KernelSize; stride >= 1 && fixes.Count == 0; stride--)
                {
                    if (OutputSize.Rounded(layer.Input.H, layer.KernelSize, stride, layer.Padding, layer.Layer.Rounding) is long h
                        && OutputSize.Rounded(layer.Input.W, layer.KernelSize, stride, layer.Padding, layer.Layer.Rounding) is long w
                        && Shape.Product(Shape.Product(layer.Output.C, h), w) <= int.MaxValue)
                    {
                        fixes.Add(new FitSuggestion("stride", stride, $"{Format.Int(h)}x{Format.Int(w)}"));
                    }
                }

                string what = layer.Kind == LayerKind.Conv2D ? "filter" : "window";
                string advice = fixes.Count > 0 ? $" Stride {Format.Int(fixes[0].Value)} reads every cell ({fixes[0].Output})." : "";
                found.Add(new ShapeError(Rule.StrideSkipsInput, layer.Index, "stride",
                    $"{where}: stride {Format.Int(layer.Stride)} is larger than the {Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)} {what}, so {Format.Count(skipped)} of every {Format.Count(layer.Stride)} " +
                    $"rows and columns of the input {(skipped == 1 ? "is never read and gets" : "are never read and get")} no gradient.{advice}",
                    fixes.ToEquatableArray()));
            }

            if (previous is not null && previous.Kind.IsActivation() && layer.Kind.IsActivation())
            {
                found.Add(new ShapeError(Rule.ConsecutiveActivations, layer.Index, "",
                    $"{where} directly follows {previous.Name}; two activations in a row are usually a missing Conv2D or Dense between them (remove one, or add the layer).",
                    new[] { new FitSuggestion("", 0, "") }.ToEquatableArray()));
            }

            if (layer.Kind == LayerKind.Dense && layer.WeightCount > DominantWeights && layer.WeightCount > DominantShare * shapes.ParameterCount)
            {
                double share = (double)layer.WeightCount / shapes.ParameterCount;
                found.Add(new ShapeError(Rule.DenseDominates, layer.Index, "",
                    $"{where}: its {Format.Count(layer.Input.Length)} x {Format.Count(layer.Output.C)} weight matrix holds {Format.Count(layer.WeightCount)} of the network's {Format.Count(shapes.ParameterCount)} parameters " +
                    $"({Format.Decimal(share * 100)}%); pooling or a strided Conv2D before it would shrink its {Format.Count(layer.Input.Length)} inputs.",
                    EquatableArray<FitSuggestion>.Empty));
            }

            if (CodeBudget.PoolLoops(layer))
            {
                found.Add(new ShapeError(Rule.WindowLoops, layer.Index, "size",
                    $"{layer.Name}: its {Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)} window has {Format.Count((long)layer.KernelSize * layer.KernelSize)} cells, more than the {Format.Int(CodeBudget.PoolUnrollTaps)} the generator unrolls; " +
                    "it is compiled as loops over the window instead, which keeps the generated file small.",
                    EquatableArray<FitSuggestion>.Empty));
            }

            previous = layer;
        }

        return found;
    }
}

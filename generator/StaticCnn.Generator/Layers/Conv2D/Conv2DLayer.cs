using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// Conv2D: K filters of F x F x C with stride S and zero padding P; out = (N + 2P - F) / S + 1 per dimension,
/// (F*F*C + 1) * K parameters (PyTorch's weight [K, C, F, F] and bias [K]).
/// </summary>
internal sealed class Conv2DLayer : LayerDefinition
{
    public Conv2DLayer()
        : base(LayerKind.Conv2D)
    {
    }

    public override bool IsSpatial => true;

    public override bool ReluRunsInPlaceAfter => true;

    public override LayerSpec Parse(LayerArguments arguments)
    {
        Rounding? own = arguments.Rounding();

        // PyTorch's Conv2d has no ceil mode: under a network-wide Ceil, convolutions round down.
        Rounding inherited = arguments.InheritedRounding;
        Rounding rounding = own ?? (inherited == Rounding.Ceil ? Rounding.Floor : inherited);
        return new ConvSpec(
            arguments.Int("filters", 0),
            arguments.Int("kernelSize", 0),
            arguments.Int("stride", 1),
            arguments.Int("padding", 0),
            rounding,
            own is not null);
    }

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new ConvSpec(4, 3, 1, 1) };

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (ConvSpec)spec;
        List<ShapeError> errors = input.Errors;
        string name = LayerInput.Name(layer);
        string where = input.Where(layer);
        bool ok = ShapeChecks.Positive(errors, layer.Index, where, "filters", "filters", layer.Filters);
        ok &= ShapeChecks.Positive(errors, layer.Index, where, "kernelSize", "kernelSize", layer.KernelSize);
        ok &= ShapeChecks.Positive(errors, layer.Index, where, "stride", "stride", layer.Stride);
        ok &= ShapeChecks.NotNegative(errors, layer.Index, where, "padding", layer.Padding);
        ok &= ShapeChecks.RoundingKnown(errors, layer, layer.Rounding, where);
        if (layer.Rounding == Rounding.Ceil)
        {
            errors.Add(ShapeChecks.Error(Rule.CeilConvolution, layer.Index, "Rounding",
                $"{where}: Rounding = ShapeRounding.Ceil is for pooling layers; PyTorch's Conv2d has no ceil mode. Use ShapeRounding.Floor (PyTorch's rule) or Exact.",
                new FitSuggestion("Rounding", (int)Rounding.Floor, "")));
            ok = false;
        }

        if (!ok || !input.Known || !ShapeChecks.Spatial(layer, name, input.Shape, input.FlattenedBy, errors))
        {
            return null;
        }

        Shape shape = input.Shape;
        if (ShapeChecks.Window(layer, layer.Rounding, "kernelSize", name, "filter", shape, layer.KernelSize, layer.Stride, layer.Padding, layer.KernelSize - 1, layer.Filters, errors) is not (long oh, long ow))
        {
            return null;
        }

        long weights = Shape.Product(Shape.Product(Shape.Product(layer.KernelSize, layer.KernelSize), shape.C), layer.Filters);
        var output = new Shape(layer.Filters, (int)System.Math.Min(oh, ShapeChecks.IntMax), (int)System.Math.Min(ow, ShapeChecks.IntMax));
        if (!ShapeChecks.Fits(errors, layer, name, output, Shape.Product(Shape.Product(oh, ow), layer.Filters))
            || !ShapeChecks.ParametersFit(errors, layer, name, weights + layer.Filters, input.ParameterOffset,
                $"(F*F*C + 1) * K = ({Format.Int(layer.KernelSize)}*{Format.Int(layer.KernelSize)}*{Format.Int(shape.C)} + 1) * {Format.Int(layer.Filters)}"))
        {
            return null;
        }

        int offset = (int)input.ParameterOffset;
        var parameters = new[]
        {
            new ParameterSpec("weight", new[] { layer.Filters, shape.C, layer.KernelSize, layer.KernelSize }.ToEquatableArray(), ParameterRole.Weight,
                ParameterInit.KaimingUniform, offset, shape.C * layer.KernelSize * layer.KernelSize),
            new ParameterSpec("bias", new[] { layer.Filters }.ToEquatableArray(), ParameterRole.Bias, ParameterInit.Zeros, offset + (int)weights),
        };
        return new LayerShape(layer, shape, output, new Window(layer.KernelSize, layer.Stride, layer.Padding), parameters.ToEquatableArray(), offset);
    }

    public override void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
        string where = $"{layer.Name} (input {layer.Input})";
        if (layer.Padding >= layer.KernelSize)
        {
            // Output row oy sees padded rows oy*S .. oy*S + F - 1; all of them are padding while oy*S + F <= P.
            long rows = ((layer.Padding - layer.KernelSize) / layer.Stride) + 1;
            var fixes = new List<FitSuggestion>();
            foreach ((int padding, long h, long w) in OutputSize.PaddingsThatFit(layer.Input.H, layer.Input.W, layer.KernelSize, layer.Stride, layer.Padding, layer.KernelSize - 1, 1, ((ConvSpec)layer.Layer).Rounding))
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
        if (layer.KernelSize != 1)
        {
            Windows.StrideSkipsInput(layer, ((ConvSpec)layer.Layer).Rounding, "filter", found);
        }
    }

    public override string Describe(LayerShape layer)
    {
        var spec = (ConvSpec)layer.Layer;
        return $"Conv2D({Format.Int(spec.Filters)}, {Windows.Describe(layer, spec.Rounding)})";
    }

    public override string OutputArithmetic(LayerShape layer) => Windows.OutputArithmetic(layer, ((ConvSpec)layer.Layer).Rounding);

    public override string ParameterArithmetic(LayerShape layer) =>
        $"(F*F*C + 1) * K = ({Format.Int(layer.KernelSize)}*{Format.Int(layer.KernelSize)}*{Format.Int(layer.Input.C)} + 1) * {Format.Int(layer.Output.C)} = {Format.Count(layer.ParameterCount)} params";

    public override long MultiplyAdds(LayerShape layer) => (long)layer.Output.H * layer.Output.W * layer.WeightCount;

    public override long PaddedLength(LayerShape layer) => NetworkPlanner.PaddedGridLength(layer);

    public override string Info(LayerShape layer) =>
        $"new {InfoText.Runtime}.ConvolutionInfo({InfoText.Head(layer)}, {InfoText.Window(layer)}, 1, {layer.ParameterOffset}, {InfoText.Tensors(layer)})";

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        return ConvPlanner.Plan(layer, context.Input, output, context.InputGradient, outputGradient, context.Workspace);
    }
}

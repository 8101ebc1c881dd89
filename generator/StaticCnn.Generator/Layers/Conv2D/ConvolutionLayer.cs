using System;
using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// What Conv2D and DepthwiseConv2D share: K filters of kh x kw x (C / groups) with per-dimension strides, padding
/// (explicit per side, 'valid' or TensorFlow's 'same') and dilation; out = (N + before + after - span) / S + 1 per
/// dimension; PyTorch's weight [K, C / groups, kh, kw] and, unless Bias = false, bias [K]. A convolution whose
/// groups have one input channel each runs the depthwise kernels, any other the (per-group) GEMMs.
/// </summary>
internal abstract class ConvolutionLayer : LayerDefinition
{
    protected ConvolutionLayer(LayerKind kind)
        : base(kind)
    {
    }

    public override bool IsSpatial => true;

    public override bool ReluRunsInPlaceAfter => true;

    public override LayerShape? Infer(LayerSpec spec, LayerInput input)
    {
        var layer = (ConvSpec)spec;
        List<ShapeError> errors = input.Errors;
        string name = LayerInput.Name(layer);
        string where = input.Where(layer);
        WindowSpec window = layer.Window;
        bool ok = layer.Depthwise
            ? ShapeChecks.Positive(errors, layer.Index, where, "DepthMultiplier", "DepthMultiplier", layer.Multiplier)
            : ShapeChecks.Positive(errors, layer.Index, where, "filters", "filters", layer.Filters);
        ok &= WindowShapes.CheckArguments(layer, window, where, pooling: false, errors);
        if (!layer.Depthwise)
        {
            ok &= ShapeChecks.Positive(errors, layer.Index, where, "Groups", "Groups", layer.Groups);
        }

        if (window.Rounding == Rounding.Ceil)
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
        int ic = shape.C;
        long outputs = layer.Depthwise ? (long)ic * layer.Multiplier : layer.Filters;
        int groups = layer.Depthwise ? ic : layer.Groups;
        if (!layer.Depthwise && (ic % groups != 0 || layer.Filters % groups != 0))
        {
            errors.Add(GroupsError(layer, where, ic, layer.Filters, groups));
            return null;
        }

        if (outputs > ShapeChecks.IntMax)
        {
            errors.Add(ShapeChecks.Error(Rule.Overflow, layer.Index, "DepthMultiplier",
                $"{name}: {Format.Int(ic)} channels x depth multiplier {Format.Int(layer.Multiplier)} = {Format.Count(outputs)} output channels, more than int can count ({Format.Count(ShapeChecks.IntMax)})."));
            return null;
        }

        int oc = (int)outputs;
        if (WindowShapes.Fit(layer, window, name, "filter", shape, window.Kernel - 1, oc, pooling: false, errors) is not (Window resolved, long oh, long ow))
        {
            return null;
        }

        int perGroup = ic / groups;
        long weights = Shape.Product(Shape.Product(Shape.Product(resolved.KernelHeight, resolved.KernelWidth), perGroup), oc);
        var output = new Shape(oc, (int)Math.Min(oh, ShapeChecks.IntMax), (int)Math.Min(ow, ShapeChecks.IntMax));
        long biases = layer.Bias ? oc : 0;
        if (!ShapeChecks.Fits(errors, layer, name, output, Shape.Product(Shape.Product(oh, ow), oc))
            || !ShapeChecks.ParametersFit(errors, layer, name, weights + biases, input.ParameterOffset, ParameterFormula(layer, resolved, ic, oc, groups)))
        {
            return null;
        }

        int offset = (int)input.ParameterOffset;
        var parameters = new List<ParameterSpec>
        {
            new("weight", new[] { oc, perGroup, resolved.KernelHeight, resolved.KernelWidth }.ToEquatableArray(), ParameterRole.Weight,
                ParameterInit.KaimingUniform, offset, perGroup * resolved.KernelHeight * resolved.KernelWidth),
        };
        if (layer.Bias)
        {
            parameters.Add(new ParameterSpec("bias", new[] { oc }.ToEquatableArray(), ParameterRole.Bias, ParameterInit.Zeros, offset + (int)weights));
        }

        return new LayerShape(layer, shape, output, resolved, parameters.ToEquatableArray(), offset);
    }

    /// <summary>SCNN0022: the groups must divide the input channels and the filters; the nearest counts that do are offered.</summary>
    private static ShapeError GroupsError(ConvSpec layer, string where, int channels, int filters, int groups)
    {
        int common = Gcd(channels, filters);
        int below = 0, above = 0;
        for (int d = Math.Min(groups - 1, common); d >= 1 && below == 0; d--)
        {
            below = common % d == 0 ? d : 0;
        }

        for (int d = groups + 1; d <= common && above == 0; d++)
        {
            above = common % d == 0 ? d : 0;
        }

        var suggestions = new List<FitSuggestion>();
        foreach (int d in new[] { below, above })
        {
            if (d > 0)
            {
                suggestions.Add(new FitSuggestion("Groups", d, ""));
            }
        }

        string channelQuotient = $"{Format.Int(channels)} / {Format.Int(groups)} = {Format.Quotient(channels, groups, 0)}";
        string filterQuotient = $"{Format.Int(filters)} / {Format.Int(groups)} = {Format.Quotient(filters, groups, 0)}";
        string which = channels % groups != 0 && filters % groups != 0
            ? $"{channelQuotient} and {filterQuotient}"
            : channels % groups != 0 ? channelQuotient : filterQuotient;
        string advice = suggestions.Count switch
        {
            0 => "",
            1 => $" Groups = {Format.Int(suggestions[0].Value)} divides both.",
            _ => $" Groups = {Format.Int(suggestions[0].Value)} or {Format.Int(suggestions[1].Value)} divide both.",
        };
        return ShapeChecks.Error(Rule.GroupsDoNotDivide, layer.Index, "Groups",
            $"{where}: Groups = {Format.Int(groups)} must divide both the {Format.Int(channels)} input channels and the {Format.Int(filters)} filters, but {which}.{advice}",
            suggestions.ToArray());
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>"(F*F*C + 1) * K = (5*5*6 + 1) * 16" for the contract's convolutions; the general form otherwise.</summary>
    private static string ParameterFormula(ConvSpec layer, Window window, int ic, int oc, int groups)
    {
        if (!layer.Depthwise && groups == 1 && layer.Bias && window.KernelHeight == window.KernelWidth)
        {
            return $"(F*F*C + 1) * K = ({Format.Int(window.KernelHeight)}*{Format.Int(window.KernelWidth)}*{Format.Int(ic)} + 1) * {Format.Int(oc)}";
        }

        string taps = $"{Format.Int(window.KernelHeight)}*{Format.Int(window.KernelWidth)}";
        string perGroup = groups == 1 ? $"*{Format.Int(ic)}" : ic / groups == 1 ? "" : $"*{Format.Int(ic / groups)}";
        string channels = layer.Depthwise ? "(kh*kw + 1) * C*m" : groups == 1 ? "(kh*kw*C + 1) * K" : "(kh*kw*C/G + 1) * K";
        string count = layer.Depthwise ? $"{Format.Int(ic)}*{Format.Int(layer.Multiplier)}" : Format.Int(oc);
        return layer.Bias
            ? $"{channels} = ({taps}{perGroup} + 1) * {count}"
            : $"{channels.Replace(" + 1)", ")").Replace("(", "").Replace(")", "")} (no bias) = {taps}{perGroup} * {count}";
    }

    public override void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
        var spec = (ConvSpec)layer.Layer;
        Window window = layer.Window;
        if (spec.Window.IsSquare && layer.Padding >= layer.KernelSize)
        {
            // Output row oy sees padded rows oy*S .. oy*S + F - 1; all of them are padding while oy*S + F <= P.
            long rows = ((layer.Padding - layer.KernelSize) / layer.Stride) + 1;
            var fixes = new List<FitSuggestion>();
            foreach ((int padding, long h, long w) in OutputSize.PaddingsThatFit(layer.Input.H, layer.Input.W, layer.KernelSize, layer.Stride, layer.Padding, layer.KernelSize - 1, 1, spec.Rounding))
            {
                fixes.Add(new FitSuggestion("padding", padding, $"{Format.Int(h)}x{Format.Int(w)}"));
            }

            string where = $"{layer.Name} (input {layer.Input})";
            string advice = fixes.Count > 0 ? $" Padding {Format.Int(fixes[0].Value)} gives {fixes[0].Output} without them." : $" Use padding at most {Format.Int(layer.KernelSize - 1)}.";
            found.Add(new ShapeError(Rule.PaddingCoversKernel, layer.Index, "padding",
                $"{where}: padding {Format.Int(layer.Padding)} is at least the {Format.Int(layer.KernelSize)}x{Format.Int(layer.KernelSize)} filter, so the outer {Format.Count(rows)} " +
                $"{(rows == 1 ? "row and column" : "rows and columns")} on each side of the {layer.Output} output see only padding and hold nothing but the bias.{advice}",
                fixes.ToEquatableArray()));
        }

        // A strided 1x1 convolution is the usual way to downsample a shortcut (ResNet), so it is not flagged.
        if (spec.Window.IsSquare && layer.KernelSize != 1)
        {
            Windows.StrideSkipsInput(layer, spec.Rounding, "filter", found);
        }
        else if (!spec.Window.IsSquare && !(window.KernelHeight == 1 && window.KernelWidth == 1))
        {
            Windows.StrideSkipsInputPerDimension(layer, "filter", found);
        }
    }

    public override string Describe(LayerShape layer)
    {
        var spec = (ConvSpec)layer.Layer;
        string groups = !spec.Depthwise && spec.Groups != 1 ? $", g{Format.Int(spec.Groups)}" : "";
        string multiplier = spec.Depthwise && spec.Multiplier != 1 ? $", m{Format.Int(spec.Multiplier)}" : "";
        string bias = spec.Bias ? "" : ", no bias";
        return spec.Depthwise
            ? $"DepthwiseConv2D({Windows.Describe(layer, spec.Window)}{multiplier}{bias})"
            : $"Conv2D({Format.Int(spec.Filters)}, {Windows.Describe(layer, spec.Window)}{groups}{bias})";
    }

    public override string OutputArithmetic(LayerShape layer) => Windows.OutputArithmetic(layer, ((ConvSpec)layer.Layer).Window);

    public override string ParameterArithmetic(LayerShape layer)
    {
        var spec = (ConvSpec)layer.Layer;
        int groups = spec.Depthwise ? layer.Input.C : spec.Groups;
        return $"{ParameterFormula(spec, layer.Window, layer.Input.C, layer.Output.C, groups)} = {Format.Count(layer.ParameterCount)} params";
    }

    public override long MultiplyAdds(LayerShape layer) => (long)layer.Output.H * layer.Output.W * layer.WeightCount;

    public override long PaddedLength(LayerShape layer) => NetworkPlanner.PaddedGridLength(layer);

    public override string Info(LayerShape layer)
    {
        var spec = (ConvSpec)layer.Layer;
        int groups = spec.Depthwise ? layer.Input.C : spec.Groups;
        return $"new {InfoText.Runtime}.ConvolutionInfo({InfoText.Head(layer)}, {InfoText.Window(layer)}, {groups}, {layer.ParameterOffset}, {InfoText.Tensors(layer)})";
    }

    public override LayerPlan Plan(LayerShape layer, PlanContext context)
    {
        (BufferPlan output, BufferPlan outputGradient) = context.AddOutput(layer);
        ConvPlan plan = ConvPlanner.Plan(layer, context.Input, output, context.InputGradient, outputGradient, context.Workspace, context.Inference);
        if (plan.FlatMasks is BufferPlan masks)
        {
            Window window = layer.Window;
            context.Network.ConstantTables.Add((masks,
                $"global::StaticCnn.Kernels.DepthwiseMasks.Write(new global::System.Span<float>(workspace, {masks.Offset}, {masks.Length}), {layer.Input.H}, {layer.Input.W}, {window.KernelHeight}, {window.KernelWidth}, {window.DilationHeight}, {window.DilationWidth}, {window.PadTop}, {window.PadLeft});"));
        }

        return plan;
    }
}

/// <summary>[Conv2D(filters, kernelSize, stride, padding)] with its named geometry, Groups and Bias.</summary>
internal sealed class Conv2DLayer : ConvolutionLayer
{
    public Conv2DLayer()
        : base(LayerKind.Conv2D)
    {
    }

    public override IEnumerable<LayerSpec> ProbeLayers() => new[] { new ConvSpec(4, 3, 1, 1) };

    public override LayerSpec Parse(LayerArguments arguments)
    {
        Rounding? own = arguments.Rounding();

        // PyTorch's Conv2d has no ceil mode: under a network-wide Ceil, convolutions round down.
        Rounding inherited = arguments.InheritedRounding;
        Rounding rounding = own ?? (inherited == Rounding.Ceil ? Rounding.Floor : inherited);
        return new ConvSpec(
            arguments.Int("filters", 0),
            WindowSpec.Read(arguments, "kernelSize", 1, rounding, own is not null, dilation: true),
            arguments.NamedInt("Groups") ?? 1,
            arguments.NamedBool("Bias") ?? true);
    }
}

/// <summary>[DepthwiseConv2D(kernelSize, stride, padding)] with its named geometry, DepthMultiplier and Bias.</summary>
internal sealed class DepthwiseConv2DLayer : ConvolutionLayer
{
    public DepthwiseConv2DLayer()
        : base(LayerKind.DepthwiseConv2D)
    {
    }

    public override IEnumerable<LayerSpec> ProbeLayers() =>
        new[] { new ConvSpec(0, WindowSpec.Square("kernelSize", 3, 1, 1), Depthwise: true, Multiplier: 1) };

    public override LayerSpec Parse(LayerArguments arguments)
    {
        Rounding? own = arguments.Rounding();
        Rounding inherited = arguments.InheritedRounding;
        Rounding rounding = own ?? (inherited == Rounding.Ceil ? Rounding.Floor : inherited);
        return new ConvSpec(
            0,
            WindowSpec.Read(arguments, "kernelSize", 1, rounding, own is not null, dilation: true),
            1,
            arguments.NamedBool("Bias") ?? true,
            Depthwise: true,
            Multiplier: arguments.NamedInt("DepthMultiplier") ?? 1);
    }
}

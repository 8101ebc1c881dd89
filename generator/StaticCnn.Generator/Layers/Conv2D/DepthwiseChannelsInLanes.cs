using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// A depthwise layer's inference forward pass with its channels in the vector lanes (<see cref="ChannelsInLanesPlan"/>),
/// for small maps: rows of 3-12 outputs are narrower than one or two vectors, so the row kernels compute overlapping
/// or scalar vectors and the flat kernel masks most of its loads, while 64-256 channels fill whole vectors. The input
/// is transposed once to pixel-major rows (XT[pixel][c]); per vector of channels, the taps' weights (T[tap][c],
/// transposed once by PrepareWeights) stay in registers and every output pixel is the bias plus one multiply-add per
/// tap inside the input, no masks and no edge vectors (which taps are inside is known here, per output row and
/// column); the pixel-major result is transposed back to C,H,W through the folded BatchNorm and the ReLU in one pass.
/// </summary>
/// <remarks>
/// Each output adds its taps in window order after its bias, as the training plan's depthwise kernel does, or, where
/// that is the flat kernel, in one sum per window row modulo 3, added at the end: the floats are the training plan's
/// (a tap the other kernels mask adds w * 0, which changes no sum). Pixels are taken a few at a time, their sums
/// interleaved, so that several chains of multiply-adds are in flight.
/// </remarks>
internal static class DepthwiseChannelsInLanes
{
    /// <summary>Sums kept at once (pixels x chains): with 9 tap weights, 15 of AVX2's 16 registers.</summary>
    private const int Accumulators = 6;

    public static void EmitForward(IndentedWriter w, ConvPlan plan, ChannelsInLanesPlan lanes)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int c = layer.Input.C, hi = layer.Input.H, wi = layer.Input.W, ho = layer.Output.H, wo = layer.Output.W;
        int kh = window.KernelHeight, kw = window.KernelWidth, sh = window.StrideHeight, dh = window.DilationHeight;
        int taps = kh * kw;
        bool hoisted = taps <= DepthwiseEmitter.RegisterTaps;
        ActivationPlan? relu = plan.FusedRelu;
        AffineEpilogue? affine = plan.Affine;
        int output = affine is null && relu is not null ? relu.Output.Offset : plan.Output.Offset;

        string row = $"oy*{sh} + ky{(dh == 1 ? "" : "*" + dh)}{(window.PadTop == 0 ? "" : $" - {window.PadTop}")}";
        string column = $"ox*{window.StrideWidth} + kx{(window.DilationWidth == 1 ? "" : "*" + window.DilationWidth)}{(window.PadLeft == 0 ? "" : $" - {window.PadLeft}")}";
        w.Line($"// out[c][oy][ox] = {(layer.BiasCount > 0 ? "b[c] + " : "")}sum over the taps (ky, kx) inside the input of W[c][ky][kx] * x[c][{row}][{column}], with the {c} channels");
        PixelMajorSource source = plan.PixelMajorInput ?? new PixelMajorSource(lanes.Input.Offset, c, layer.Index);
        w.Line(plan.PixelMajorInput is null
            ? $"// in the vector lanes: x transposed to XT[pixel][c] (rows of {c}), T[tap][c] (then the biases) in t, PrepareWeights keeps it current;"
            : $"// in the vector lanes: x is layer {source.Layer}'s pixel-major result at {source.Offset} (rows of {source.Stride}), read as it is; T[tap][c] (then the biases) in t;");
        w.Line(plan.PixelMajorOutput
            ? $"// each output pixel's sum{(lanes.Chains > 1 ? $"s, one per window row modulo {lanes.Chains} as the flat kernel keeps them," : "")} in window order, into YT[pixel][c]{DepthwiseEmitter.Suffix(relu, affine)}, left pixel-major for the layer that reads it."
            : $"// each output pixel's sum{(lanes.Chains > 1 ? $"s, one per window row modulo {lanes.Chains} as the flat kernel keeps them," : "")} in window order, into YT[pixel][c], then transposed back to {layer.Output}{DepthwiseEmitter.Suffix(relu, affine)}.");
        if (plan.PixelMajorInput is null)
        {
            w.Line($"global::StaticCnn.Kernels.FiltersInLanes.ChannelsLast<TS, TV>(ref TS.At(ref ws, {plan.Input.Offset}), {hi * wi}, {c}, ref TS.At(ref ws, {lanes.Input.Offset}), {c});");
        }

        using (w.Block($"for (int c = 0; c < {c}; c += TS.Count)"))
        {
            w.Line($"ref float x = ref TS.At(ref ws, {source.Offset} + c);");
            w.Line($"ref float k = ref TS.At(ref t, {lanes.Filters.Offset} + c);");
            w.Line($"ref float y = ref TS.At(ref ws, {lanes.Result.Offset} + c);");
            if (plan.PixelMajorOutput && affine is not null)
            {
                w.Line($"ref float s = ref TS.At(ref g, {affine.Scale} + c), h = ref TS.At(ref g, {affine.Shift} + c);");
            }

            if (hoisted)
            {
                w.Line("TV " + string.Join(", ", Enumerable.Range(0, taps).Select(tap => $"w{tap} = TS.Load(ref k, {tap * c})")) + ";");
            }

            // Rows [top, bottom) have every window row inside the input; the others are emitted one by one.
            int top = 0;
            while (top < ho && (top * sh) - window.PadTop < 0)
            {
                top++;
            }

            int bottom = ho;
            while (bottom > top && ((bottom - 1) * sh) - window.PadTop + ((kh - 1) * dh) > hi - 1)
            {
                bottom--;
            }

            for (int oy = 0; oy < top; oy++)
            {
                EdgeRow(w, plan, lanes, source.Stride, hoisted, oy);
            }

            if (bottom > top)
            {
                using (w.Block($"for (int oy = {top}; oy < {bottom}; oy++)"))
                {
                    Row(w, plan, lanes, source.Stride, hoisted, fixedRow: null);
                }
            }

            for (int oy = System.Math.Max(bottom, top); oy < ho; oy++)
            {
                EdgeRow(w, plan, lanes, source.Stride, hoisted, oy);
            }
        }

        if (plan.PixelMajorOutput)
        {
            return;
        }

        string normalize = affine is null ? "" : $"ref TS.At(ref g, {affine.Scale}), ref TS.At(ref g, {affine.Shift}), ";
        w.Line($"global::StaticCnn.Kernels.FiltersInLanes.ChannelsFirst<TS, TV>(ref TS.At(ref ws, {lanes.Result.Offset}), {ho * wo}, {c}, {c}, ref TS.At(ref ws, {output}), {normalize}{(relu is null ? "false" : "true")});");
    }

    /// <summary>The statement that brings T up to date with the layer's weights and biases (a no-op when they did not change).</summary>
    public static string FilterTransform(ConvPlan plan, ChannelsInLanesPlan lanes)
    {
        LayerShape layer = plan.Shape;
        int taps = layer.Window.KernelHeight * layer.Window.KernelWidth;
        return $"global::StaticCnn.Kernels.FiltersInLanes.TransposeFilters(storage.Parameters, {layer.ParameterOffset}, {layer.Output.C}, {taps}, storage.Transformed, {lanes.Cache.Offset}, {lanes.Filters.Offset}, {layer.Output.C}, biases: {(layer.BiasCount > 0 ? "true" : "false")});";
    }

    private static void EdgeRow(IndentedWriter w, ConvPlan plan, ChannelsInLanesPlan lanes, int stride, bool hoisted, int oy)
    {
        using (w.Block())
        {
            w.Line($"// Output row {oy}: its window reaches past the input's {(oy * plan.Shape.Window.StrideHeight < plan.Shape.Window.PadTop ? "top" : "bottom")}.");
            w.Line($"const int oy = {oy};");
            Row(w, plan, lanes, stride, hoisted, fixedRow: oy);
        }
    }

    /// <summary>
    /// Output row oy, every pixel of it, a few pixels at a time: each pixel's sums start from the bias (the first
    /// chain) or zero (the others) and add the taps inside the input in window order; with <paramref name="fixedRow"/>,
    /// an edge row, whose window rows outside the input are left out.
    /// </summary>
    private static void Row(IndentedWriter w, ConvPlan plan, ChannelsInLanesPlan lanes, int stride, bool hoisted, int? fixedRow)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int c = layer.Input.C, hi = layer.Input.H, wi = layer.Input.W, wo = layer.Output.W;
        int kh = window.KernelHeight, kw = window.KernelWidth, sh = window.StrideHeight, sw = window.StrideWidth;
        int dh = window.DilationHeight, dw = window.DilationWidth, taps = kh * kw, chains = lanes.Chains;
        w.Line($"ref float r = ref TS.At(ref x, oy * {(long)sh * wi * stride});");
        w.Line($"ref float d = ref TS.At(ref y, oy * {(long)wo * c});");

        var rows = new List<int>();
        for (int ky = 0; ky < kh; ky++)
        {
            int iy = fixedRow is int edge ? (edge * sh) - window.PadTop + (ky * dh) : 0;
            if (iy >= 0 && iy < hi)
            {
                rows.Add(ky);
            }
        }

        int group = System.Math.Max(1, Accumulators / chains);
        for (int first = 0; first < wo; first += group)
        {
            int count = System.Math.Min(group, wo - first);
            using (w.Block())
            {
                var declared = new List<string>();
                for (int i = 0; i < count; i++)
                {
                    for (int chain = 0; chain < chains; chain++)
                    {
                        declared.Add(chain == 0 ? $"a{i} = TS.Load(ref k, {taps * c})" : $"a{i}_{chain} = TS.Zero");
                    }
                }

                w.Line("TV " + string.Join(", ", declared) + ";");
                foreach (int ky in rows)
                {
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int tap = (ky * kw) + kx;
                        string weight = hoisted ? $"w{tap}" : $"TS.Load(ref k, {tap * c})";
                        var line = new System.Text.StringBuilder();
                        for (int i = 0; i < count; i++)
                        {
                            int ox = first + i;
                            int ix = (ox * sw) - window.PadLeft + (kx * dw);
                            if (ix < 0 || ix >= wi)
                            {
                                continue;
                            }

                            long offset = ((((long)ky * dh) - window.PadTop) * wi) + ix;
                            string at = offset >= 0 ? Format.Int(offset * stride) : $"-{Format.Int(-offset * stride)}";
                            string sum = ky % chains == 0 ? $"a{i}" : $"a{i}_{ky % chains}";
                            line.Append($"{sum} = TS.MultiplyAdd({weight}, TS.Load(ref r, {at}), {sum}); ");
                        }

                        if (line.Length > 0)
                        {
                            w.Line(line.ToString().TrimEnd());
                        }
                    }
                }

                for (int i = 0; i < count; i++)
                {
                    string value = chains switch
                    {
                        1 => $"a{i}",
                        2 => $"TS.Add(a{i}, a{i}_1)",
                        _ => $"TS.Add(TS.Add(a{i}, a{i}_1), a{i}_2)",
                    };
                    if (plan.PixelMajorOutput && plan.Affine is not null)
                    {
                        // The transpose's own arithmetic (FiltersInLanes.ChannelsFirst), done here: the same floats.
                        value = $"TS.MultiplyAdd({value}, TS.Load(ref s, 0), TS.Load(ref h, 0))";
                    }

                    if (plan.PixelMajorOutput && plan.FusedRelu is not null)
                    {
                        value = $"TS.Max({value}, TS.Zero)";
                    }

                    w.Line($"TS.Store({value}, ref d, {Format.Int((long)(first + i) * c)});");
                }
            }
        }
    }
}

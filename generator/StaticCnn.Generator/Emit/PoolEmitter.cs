using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// MaxPool2D and AvgPool2D, forward and backward, with the window unrolled (or, past
/// <see cref="CodeBudget.PoolUnrollTaps"/> cells, as loops over it).
/// </summary>
internal static class PoolEmitter
{
    public static void EmitForward(IndentedWriter w, PoolPlan plan)
    {
        LayerShape layer = plan.Shape;
        bool max = layer.Kind == LayerKind.MaxPool2D;
        int c = layer.Input.C;
        int h = layer.Input.H;
        int wi = layer.Input.W;
        int p = layer.Padding;
        int k = layer.KernelSize;
        int s = layer.Stride;
        int wp = plan.PaddedWidth;
        int plane = plan.PaddedHeight * wp;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        List<(int Ky, int Kx)> taps = Taps(k);
        bool loops = CodeBudget.PoolLoops(layer);

        string rule = max
            ? "the largest cell of each window wins (the first one on ties; padding never wins); its flat input index is kept for backward"
            : $"each output is the window's sum / {Divisor(plan)} (padded cells count as zeros)";
        w.Line($"/// <summary>{LayerText.Heading(layer)}: {rule}.</summary>");
        using (w.Block($"public static void {plan.MethodPrefix}Forward{Names.KernelTypeParameters}({Names.KernelParameters}, int[] winners) {Names.KernelConstraints}"))
        {
            if (plan.CopiesIntoPadded)
            {
                w.Line($"// Copy the input into the middle of the padded buffer; its border holds {(max ? "-infinity" : "zeros")} from construction.");
                ConvEmitter.PlaneRowCopy(w, c, h, wi, plan.Input.Offset, h * wi, wi, plan.Padded.Offset + (p * wp) + p, plane, wp);
            }

            using (w.Block($"for (int ci = 0; ci < {c}; ci++)"))
            using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
            {
                w.Line($"ref float row = ref TS.At(ref ws, {plan.Padded.Offset} + (ci * {plane}) + (oy * {s * wp}));");
                w.Line($"int output = {plan.Output.Offset} + (((ci * {ho}) + oy) * {wo});");
                using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
                {
                    w.Line($"ref float x = ref TS.At(ref row, ox * {s});");
                    if (max)
                    {
                        w.Line($"int origin = (ci * {h * wi}) + (((oy * {s}) - {p}) * {wi}) + (ox * {s}) - {p};");
                        if (p > 0)
                        {
                            w.Line("float best = float.NegativeInfinity;");
                            w.Line($"int at = (ci * {h * wi}) + (global::System.Math.Max((oy * {s}) - {p}, 0) * {wi}) + global::System.Math.Max((ox * {s}) - {p}, 0);");
                        }
                        else
                        {
                            w.Line("float best = TS.At(ref x, 0);");
                            w.Line("int at = origin;");
                        }

                        if (loops || p > 0 || k > 1)
                        {
                            // A 1x1 window without padding has no cell to compare with its first one.
                            w.Line("float v;");
                        }

                        if (loops)
                        {
                            w.Line($"// The {k}x{k} window is above the unrolling budget ({CodeBudget.PoolUnrollTaps} cells): loop over it, in row-major order.");
                            using (w.Block($"for (int ky = 0; ky < {k}; ky++)"))
                            using (w.Block($"for (int kx = 0; kx < {k}; kx++)"))
                            {
                                w.Line($"v = TS.At(ref x, (ky * {wp}) + kx); if (v > best || float.IsNaN(v)) {{ best = v; at = origin + (ky * {wi}) + kx; }}");
                            }
                        }
                        else
                        {
                            foreach ((int ky, int kx) in taps)
                            {
                                if (p == 0 && ky == 0 && kx == 0)
                                {
                                    continue;
                                }

                                w.Line($"v = TS.At(ref x, {(ky * wp) + kx}); if (v > best || float.IsNaN(v)) {{ best = v; at = origin + {(ky * wi) + kx}; }}");
                            }
                        }

                        w.Line("TS.At(ref ws, output + ox) = best;");
                        w.Line($"winners[{plan.Winners!.Offset} + output - {plan.Output.Offset} + ox] = at;");
                    }
                    else
                    {
                        w.Line("float sum = 0f;");
                        if (loops)
                        {
                            w.Line($"// The {k}x{k} window is above the unrolling budget ({CodeBudget.PoolUnrollTaps} cells): loop over it.");
                            using (w.Block($"for (int ky = 0; ky < {k}; ky++)"))
                            using (w.Block($"for (int kx = 0; kx < {k}; kx++)"))
                            {
                                w.Line($"sum += TS.At(ref x, (ky * {wp}) + kx);");
                            }
                        }
                        else
                        {
                            var terms = new List<string>();
                            foreach ((int ky, int kx) in taps)
                            {
                                terms.Add($"TS.At(ref x, {(ky * wp) + kx})");
                            }

                            for (int i = 0; i < terms.Count; i += 4)
                            {
                                w.Line($"sum += {string.Join(" + ", terms.GetRange(i, System.Math.Min(4, terms.Count - i)))};");
                            }
                        }

                        w.Line($"TS.At(ref ws, output + ox) = sum / {DivisorExpression(plan)};");
                    }
                }
            }
        }

        w.Line();
    }

    public static void EmitBackward(IndentedWriter w, PoolPlan plan)
    {
        LayerShape layer = plan.Shape;
        bool max = layer.Kind == LayerKind.MaxPool2D;
        int c = layer.Input.C;
        int h = layer.Input.H;
        int wi = layer.Input.W;
        int p = layer.Padding;
        int k = layer.KernelSize;
        int s = layer.Stride;
        int wp = plan.PaddedWidth;
        int plane = plan.PaddedHeight * wp;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        int outputs = c * ho * wo;

        w.Line($"/// <summary>{LayerText.Heading(layer)}, backward: {(max ? "each output's gradient goes to the cell that won" : $"each output's gradient / {Divisor(plan)} goes to every cell of its window")}.</summary>");
        using (w.Block($"public static void {plan.MethodPrefix}Backward{Names.KernelTypeParameters}({Names.KernelParameters}, int[] winners) {Names.KernelConstraints}"))
        {
            if (max)
            {
                w.Line($"global::StaticCnn.Kernels.Memory.Clear(ref TS.At(ref ws, {plan.InputGradient.Offset}), {c * h * wi});");
                w.Line($"ref float dx = ref TS.At(ref ws, {plan.InputGradient.Offset});");
                w.Line($"ref float dy = ref TS.At(ref ws, {plan.OutputGradient.Offset});");
                using (w.Block($"for (int i = 0; i < {outputs}; i++)"))
                {
                    w.Line($"TS.At(ref dx, winners[{plan.Winners!.Offset} + i]) += TS.At(ref dy, i);");
                }

                return;
            }

            int target = plan.PaddedGradient?.Offset ?? plan.InputGradient.Offset;
            int targetPlane = plan.CopiesIntoPadded ? plane : h * wi;
            int targetRow = plan.CopiesIntoPadded ? wp : wi;
            w.Line($"global::StaticCnn.Kernels.Memory.Clear(ref TS.At(ref ws, {target}), {c * targetPlane});");
            using (w.Block($"for (int ci = 0; ci < {c}; ci++)"))
            using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
            {
                w.Line($"ref float row = ref TS.At(ref ws, {target} + (ci * {targetPlane}) + (oy * {s * targetRow}));");
                using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
                {
                    w.Line($"float share = TS.At(ref ws, {plan.OutputGradient.Offset} + (((ci * {ho}) + oy) * {wo}) + ox) / {DivisorExpression(plan)};");
                    w.Line($"ref float x = ref TS.At(ref row, ox * {s});");
                    if (CodeBudget.PoolLoops(layer))
                    {
                        using (w.Block($"for (int ky = 0; ky < {k}; ky++)"))
                        using (w.Block($"for (int kx = 0; kx < {k}; kx++)"))
                        {
                            w.Line($"TS.At(ref x, (ky * {targetRow}) + kx) += share;");
                        }
                    }
                    else
                    {
                        var adds = new List<string>();
                        foreach ((int ky, int kx) in Taps(k))
                        {
                            adds.Add($"TS.At(ref x, {(ky * targetRow) + kx}) += share;");
                        }

                        for (int i = 0; i < adds.Count; i += 4)
                        {
                            w.Line(string.Join(" ", adds.GetRange(i, System.Math.Min(4, adds.Count - i))));
                        }
                    }
                }
            }

            if (plan.CopiesIntoPadded)
            {
                ConvEmitter.PlaneRowCopy(w, c, h, wi, target + (p * wp) + p, plane, wp, plan.InputGradient.Offset, h * wi, wi);
            }
        }

        w.Line();
    }

    /// <summary>"4", or, when ceil-rounded windows hang over the edge, the cells of each window inside the padded input.</summary>
    private static string Divisor(PoolPlan plan) =>
        plan.Overhangs ? "(the window's cells inside the padded input)" : Format.Int(plan.Shape.KernelSize * plan.Shape.KernelSize);

    /// <summary>
    /// The average's divisor as C#: k*k, or for overhanging windows min(k, H + 2P - oy*S) * min(k, W + 2P - ox*S),
    /// PyTorch's (hend - hstart) * (wend - wstart) with the ends clipped to the padded input.
    /// </summary>
    private static string DivisorExpression(PoolPlan plan)
    {
        LayerShape layer = plan.Shape;
        int k = layer.KernelSize;
        int s = layer.Stride;
        if (!plan.Overhangs)
        {
            return Format.FloatLiteral(k * k);
        }

        int hLimit = layer.Input.H + (2 * layer.Padding);
        int wLimit = layer.Input.W + (2 * layer.Padding);
        return $"(float)(global::System.Math.Min({k}, {hLimit} - (oy * {s})) * global::System.Math.Min({k}, {wLimit} - (ox * {s})))";
    }

    private static List<(int, int)> Taps(int k)
    {
        var taps = new List<(int, int)>();
        for (int ky = 0; ky < k; ky++)
        {
            for (int kx = 0; kx < k; kx++)
            {
                taps.Add((ky, kx));
            }
        }

        return taps;
    }
}

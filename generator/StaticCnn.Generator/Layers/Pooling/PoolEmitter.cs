using System.Collections.Generic;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

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
        Window window = layer.Window;
        int pt = window.PadTop, pl = window.PadLeft;
        int kh = window.KernelHeight, kw = window.KernelWidth;
        int sh = window.StrideHeight, sw = window.StrideWidth;
        int wp = plan.PaddedWidth;
        int plane = plan.PaddedHeight * wp;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        List<(int Ky, int Kx)> taps = Taps(kh, kw);
        bool loops = CodeBudget.PoolLoops(layer);

        string rule = max
            ? (plan.RowPairs is null
                ? "the largest cell of each window (NaN wins; padding never does), branch-free"
                : "vector maxima of row pairs, then of adjacent columns (NaN wins)")
            : $"each output is the window's sum / {Divisor(plan)}{(((PoolSpec)layer.Layer).CountIncludePadding ? " (padded cells count as zeros)" : "")}";
        w.Line($"/// <summary>{LayerText.Heading(layer)}: {rule}.</summary>");
        w.Line(Names.AggressiveOptimization);
        using (w.Block($"public static void {plan.MethodPrefix}Forward{Names.KernelTypeParameters}({Names.KernelParameters}) {Names.KernelConstraints}"))
        {
            if (plan.CopiesIntoPadded)
            {
                w.Line($"// Copy the input into the middle of the padded buffer; its border holds {(max ? "-infinity" : "zeros")} from construction.");
                Loops.PlaneRowCopy(w, c, h, wi, plan.Input.Offset, h * wi, wi, plan.Padded.Offset + (pt * wp) + pl, plane, wp);
            }

            if (plan.RowPairs is BufferPlan pairs)
            {
                int rows = c * ho;
                w.Line($"// Output rows at least a vector wide: one pass, output row r (of all {rows}) from input rows 2r and 2r+1, the");
                w.Line("// maxima of the rows' two vectors of cells and then of adjacent columns (the last vector moved back to end at the row's end).");
                using (w.Block($"if ({wo} >= TS.Count)"))
                {
                    using (w.Block($"for (int r = 0; r < {rows}; r++)"))
                    {
                        w.Line($"ref float top = ref TS.At(ref ws, {plan.Input.Offset} + (r * {2 * wi}));");
                        w.Line($"ref float bottom = ref TS.At(ref top, {wi});");
                        w.Line($"ref float dst = ref TS.At(ref ws, {plan.Output.Offset} + (r * {wo}));");
                        Loops.VectorLoop(w, wo,
                            "TV left = TS.Max(TS.Load(ref top, 2 * x), TS.Load(ref bottom, 2 * x));",
                            "TV right = TS.Max(TS.Load(ref top, (2 * x) + TS.Count), TS.Load(ref bottom, (2 * x) + TS.Count));",
                            "TS.Store(TS.MaxPairs(left, right), ref dst, x);");
                    }

                    w.Line("return;");
                }

                w.Line($"// Narrower rows: rows 2r and 2r+1 of the input -> row r of the pair maxima, then a flat pass over the columns.");
                using (w.Block($"for (int r = 0; r < {rows}; r++)"))
                {
                    w.Line($"ref float top = ref TS.At(ref ws, {plan.Input.Offset} + (r * {2 * wi}));");
                    w.Line($"ref float bottom = ref TS.At(ref top, {wi});");
                    w.Line($"ref float v = ref TS.At(ref ws, {pairs.Offset} + (r * {wi}));");
                    Loops.RowLoop(w, wi, "TS.Store(TS.Max(TS.Load(ref top, x), TS.Load(ref bottom, x)), ref v, x);",
                        "TS.At(ref v, x) = global::StaticCnn.Kernels.SimdScalar.Max(TS.At(ref top, x), TS.At(ref bottom, x));");
                }

                int outputs = c * ho * wo;
                w.Line($"// Output i is the larger of pair maxima 2i and 2i+1: one flat pass over all {outputs} outputs.");
                w.Line($"ref float pv = ref TS.At(ref ws, {pairs.Offset});");
                w.Line($"ref float y = ref TS.At(ref ws, {plan.Output.Offset});");
                w.Line("int i = 0;");
                using (w.Block($"for (; i <= {outputs} - TS.Count; i += TS.Count)"))
                {
                    w.Line("TS.Store(TS.MaxPairs(TS.Load(ref pv, 2 * i), TS.Load(ref pv, (2 * i) + TS.Count)), ref y, i);");
                }

                using (w.Block($"for (; i < {outputs}; i++)"))
                {
                    w.Line("TS.At(ref y, i) = global::StaticCnn.Kernels.SimdScalar.Max(TS.At(ref pv, 2 * i), TS.At(ref pv, (2 * i) + 1));");
                }

            }
            else if (!max && !plan.CopiesIntoPadded && pt == 0 && pl == 0 && kw == wi && wo == 1 && ((ho - 1) * sh) + kh <= h)
            {
                // Each window is whole input rows: kh*W consecutive floats, summed in vector accumulators.
                w.Line($"// Each window is {kh} whole rows of its channel, {kh * wi} consecutive floats: a vector sum, then / {kh * kw}.");
                using (w.Block($"for (int ci = 0; ci < {c}; ci++)"))
                using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
                {
                    w.Line($"float sum = global::StaticCnn.Kernels.Reductions.Sum<TS, TV>(ref TS.At(ref ws, {plan.Input.Offset} + (ci * {h * wi}) + (oy * {sh * wi})), {kh * wi});");
                    w.Line($"TS.At(ref ws, {plan.Output.Offset} + (ci * {ho}) + oy) = sum / {Format.FloatLiteral(kh * kw)};");
                }
            }
            else
            {
                using (w.Block($"for (int ci = 0; ci < {c}; ci++)"))
                using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
                {
                    w.Line($"ref float row = ref TS.At(ref ws, {plan.Padded.Offset} + (ci * {plane}) + (oy * {sh * wp}));");
                    w.Line($"int output = {plan.Output.Offset} + (((ci * {ho}) + oy) * {wo});");
                    using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
                    {
                        w.Line($"ref float x = ref TS.At(ref row, ox * {sw});");
                        if (max)
                        {
                            w.Line("float best = TS.At(ref x, 0);");
                            if (loops)
                            {
                                w.Line($"// The {kh}x{kw} window is above the unrolling budget ({CodeBudget.PoolUnrollTaps} cells): loop over it.");
                                using (w.Block($"for (int ky = 0; ky < {kh}; ky++)"))
                                using (w.Block($"for (int kx = 0; kx < {kw}; kx++)"))
                                {
                                    w.Line($"best = global::StaticCnn.Kernels.SimdScalar.Max(best, TS.At(ref x, (ky * {wp}) + kx));");
                                }
                            }
                            else
                            {
                                foreach ((int ky, int kx) in taps)
                                {
                                    if (ky == 0 && kx == 0)
                                    {
                                        continue;
                                    }

                                    w.Line($"best = global::StaticCnn.Kernels.SimdScalar.Max(best, TS.At(ref x, {(ky * wp) + kx}));");
                                }
                            }

                            w.Line("TS.At(ref ws, output + ox) = best;");
                        }
                        else
                        {
                            w.Line("float sum = 0f;");
                            if (loops)
                            {
                                w.Line($"// The {kh}x{kw} window is above the unrolling budget ({CodeBudget.PoolUnrollTaps} cells): loop over it.");
                                using (w.Block($"for (int ky = 0; ky < {kh}; ky++)"))
                                using (w.Block($"for (int kx = 0; kx < {kw}; kx++)"))
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
        Window window = layer.Window;
        int pt = window.PadTop, pl = window.PadLeft;
        int kh = window.KernelHeight, kw = window.KernelWidth;
        int sh = window.StrideHeight, sw = window.StrideWidth;
        int wp = plan.PaddedWidth;
        int plane = plan.PaddedHeight * wp;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        int outputs = c * ho * wo;
        List<(int Ky, int Kx)> taps = Taps(kh, kw);
        bool loops = CodeBudget.PoolLoops(layer);

        w.Line($"/// <summary>{LayerText.Heading(layer)}, backward: {(max ? "each output's gradient goes to the cell that won" : $"each output's gradient / {Divisor(plan)} goes to every cell of its window")}.</summary>");
        using (w.Block($"public static void {plan.MethodPrefix}Backward{Names.KernelTypeParameters}({Names.KernelParameters}) {Names.KernelConstraints}"))
        {
            if (max && plan.RowPairs is not null)
            {
                w.Line("// Every input cell gets its window's dY if forward's maximum came from it, else 0: the winner is found again in the");
                w.Line("// kept input as forward's scan in window order picks it (the first cell equal to the output, or the last NaN),");
                w.Line($"// with vector compares over {Format.Int(outputs)} windows (the cells deinterleaved), no branch.");
                w.Line($"global::StaticCnn.Kernels.Pooling.MaxPool2x2Backward<TS, TV>(ref TS.At(ref ws, {plan.Input.Offset}), ref TS.At(ref ws, {plan.Output.Offset}), ref TS.At(ref ws, {plan.OutputGradient.Offset}), ref TS.At(ref ws, {plan.InputGradient.Offset}), {c * ho}, {wo});");
                return;
            }

            if (max)
            {
                w.Line("// Find each window's winner again in the kept input, as forward chose it: the first cell equal to the");
                w.Line("// kept output, picked with integer masks rather than branches (which mispredict on real data); a NaN or -infinity output (NaN wins; padding never does) takes");
                w.Line("// the exact rule in a rare slow path.");
                w.Line($"global::StaticCnn.Kernels.Memory.Clear(ref TS.At(ref ws, {plan.InputGradient.Offset}), {c * h * wi});");
                w.Line($"ref float dx = ref TS.At(ref ws, {plan.InputGradient.Offset});");
                w.Line($"ref float dy = ref TS.At(ref ws, {plan.OutputGradient.Offset});");
                w.Line($"ref float y = ref TS.At(ref ws, {plan.Output.Offset});");
                using (w.Block($"for (int ci = 0; ci < {c}; ci++)"))
                using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
                {
                    w.Line($"ref float row = ref TS.At(ref ws, {plan.Padded.Offset} + (ci * {plane}) + (oy * {sh * wp}));");
                    w.Line($"int output = ((ci * {ho}) + oy) * {wo};");
                    using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
                    {
                        w.Line($"ref float x = ref TS.At(ref row, ox * {sw});");
                        w.Line($"int origin = (ci * {h * wi}) + (((oy * {sh}) - {pt}) * {wi}) + (ox * {sw}) - {pl};");
                        w.Line("float best = TS.At(ref y, output + ox);");
                        w.Line("int at;");
                        using (w.Block("if (best > float.NegativeInfinity)"))
                        {
                            if (loops)
                            {
                                w.Line("at = -1;");
                                using (w.Block($"for (int ky = 0; ky < {kh} && at < 0; ky++)"))
                                using (w.Block($"for (int kx = 0; kx < {kw}; kx++)"))
                                {
                                    w.Line($"if (TS.At(ref x, (ky * {wp}) + kx) == best) {{ at = origin + (ky * {wi}) + kx; break; }}");
                                }
                            }

                            var reversed = new List<(int Ky, int Kx)>(taps);
                            reversed.Reverse();
                            bool firstTap = true;
                            foreach ((int ky, int kx) in loops ? new List<(int Ky, int Kx)>() : reversed)
                            {
                                w.Line(firstTap
                                    ? $"at = origin + {(ky * wi) + kx};"
                                    : $"at = global::StaticCnn.Kernels.Pooling.Select(TS.At(ref x, {(ky * wp) + kx}) == best, origin + {(ky * wi) + kx}, at);");
                                firstTap = false;
                            }
                        }

                        using (w.Block("else"))
                        {
                            if (pt > 0 || pl > 0)
                            {
                                w.Line("best = float.NegativeInfinity;");
                                w.Line($"at = (ci * {h * wi}) + (global::System.Math.Max((oy * {sh}) - {pt}, 0) * {wi}) + global::System.Math.Max((ox * {sw}) - {pl}, 0);");
                            }
                            else
                            {
                                w.Line("best = TS.At(ref x, 0);");
                                w.Line("at = origin;");
                            }

                            if (loops || pt > 0 || pl > 0 || kh * kw > 1)
                            {
                                // A 1x1 window without padding has no cell to compare with its first one.
                                w.Line("float v;");
                            }

                            if (loops)
                            {
                                using (w.Block($"for (int ky = 0; ky < {kh}; ky++)"))
                                using (w.Block($"for (int kx = 0; kx < {kw}; kx++)"))
                                {
                                    w.Line($"v = TS.At(ref x, (ky * {wp}) + kx); if (v > best || float.IsNaN(v)) {{ best = v; at = origin + (ky * {wi}) + kx; }}");
                                }
                            }
                            else
                            {
                                foreach ((int ky, int kx) in taps)
                                {
                                    if (pt == 0 && pl == 0 && ky == 0 && kx == 0)
                                    {
                                        continue;
                                    }

                                    w.Line($"v = TS.At(ref x, {(ky * wp) + kx}); if (v > best || float.IsNaN(v)) {{ best = v; at = origin + {(ky * wi) + kx}; }}");
                                }
                            }
                        }

                        w.Line("TS.At(ref dx, at) += TS.At(ref dy, output + ox);");
                    }
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
                w.Line($"ref float row = ref TS.At(ref ws, {target} + (ci * {targetPlane}) + (oy * {sh * targetRow}));");
                using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
                {
                    w.Line($"float share = TS.At(ref ws, {plan.OutputGradient.Offset} + (((ci * {ho}) + oy) * {wo}) + ox) / {DivisorExpression(plan)};");
                    w.Line($"ref float x = ref TS.At(ref row, ox * {sw});");
                    if (loops)
                    {
                        using (w.Block($"for (int ky = 0; ky < {kh}; ky++)"))
                        using (w.Block($"for (int kx = 0; kx < {kw}; kx++)"))
                        {
                            w.Line($"TS.At(ref x, (ky * {targetRow}) + kx) += share;");
                        }
                    }
                    else
                    {
                        var adds = new List<string>();
                        foreach ((int ky, int kx) in Taps(kh, kw))
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
                Loops.PlaneRowCopy(w, c, h, wi, target + (pt * wp) + pl, plane, wp, plan.InputGradient.Offset, h * wi, wi);
            }
        }

        w.Line();
    }

    /// <summary>"4", or, when windows differ, which cells each one divides by.</summary>
    private static string Divisor(PoolPlan plan) =>
        !((PoolSpec)plan.Shape.Layer).CountIncludePadding ? "(the window's real cells, padding not counted)"
        : plan.Overhangs ? "(the window's cells inside the padded input)"
        : Format.Int(plan.Shape.Window.KernelHeight * plan.Shape.Window.KernelWidth);

    /// <summary>
    /// The average's divisor as C#: kh*kw; for overhanging windows min(kh, H + Pt + Pb - oy*Sh) * min(kw, W + Pl + Pr - ox*Sw),
    /// PyTorch's (hend - hstart) * (wend - wstart) with the ends clipped to the padded input; without counting the padding
    /// (count_include_pad false, TensorFlow's 'same'), the window's cells inside the input itself.
    /// </summary>
    private static string DivisorExpression(PoolPlan plan)
    {
        LayerShape layer = plan.Shape;
        Window w = layer.Window;
        int kh = w.KernelHeight, kw = w.KernelWidth, sh = w.StrideHeight, sw = w.StrideWidth;
        if (!((PoolSpec)layer.Layer).CountIncludePadding)
        {
            int h = layer.Input.H, wi = layer.Input.W;
            string rows = $"(global::System.Math.Min((oy * {sh}) - {w.PadTop} + {kh}, {h}) - global::System.Math.Max((oy * {sh}) - {w.PadTop}, 0))";
            string columns = $"(global::System.Math.Min((ox * {sw}) - {w.PadLeft} + {kw}, {wi}) - global::System.Math.Max((ox * {sw}) - {w.PadLeft}, 0))";
            return $"(float)({rows} * {columns})";
        }

        if (!plan.Overhangs)
        {
            return Format.FloatLiteral(kh * kw);
        }

        int hLimit = layer.Input.H + w.PadTop + w.PadBottom;
        int wLimit = layer.Input.W + w.PadLeft + w.PadRight;
        return $"(float)(global::System.Math.Min({kh}, {hLimit} - (oy * {sh})) * global::System.Math.Min({kw}, {wLimit} - (ox * {sw})))";
    }

    private static List<(int, int)> Taps(int kh, int kw)
    {
        var taps = new List<(int, int)>();
        for (int ky = 0; ky < kh; ky++)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                taps.Add((ky, kx));
            }
        }

        return taps;
    }
}

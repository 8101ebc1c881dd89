using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// The depthwise kernel's forward pass (<see cref="ConvPlanner.UsesDepthwiseKernel"/>): each filter sees one input
/// channel, so there is nothing to share between filters and no GEMM to block. Per filter, its taps are broadcast once
/// into registers; <see cref="RowBlock"/> output rows at a time are computed in vectors of TS.Count outputs (the last
/// one moved back to end at the row's end), every vector the sum of one load per tap times its weight, and stored
/// straight into the output with the folded BatchNorm and the ReLU applied. A width stride of 2 loads two vectors per
/// tap and keeps their even lanes. Rows narrower than a vector run scalar (with the same fused multiply-adds).
/// </summary>
/// <remarks>
/// With <see cref="ConvPlan.DepthwiseReadsInput"/> the kernel reads the unpadded input: the padding is never
/// materialised. Output rows whose window leaves the input at the top or bottom are emitted one by one without the
/// taps that fall outside; a vector whose window leaves it at the left or right masks those lanes of each tap's load
/// to zero (lane i of tap kx is inside when lo(kx) &lt;= ox + i &lt;= hi(kx), constants computed here). Otherwise it
/// reads the zero-padded copy, where every tap is inside.
/// </remarks>
internal static class DepthwiseEmitter
{
    /// <summary>Windows up to this many taps keep their weights in registers (AVX2 has 16: 9 taps, bias, sums, a load).</summary>
    internal const int RegisterTaps = 9;

    /// <summary>
    /// Output rows computed together: 4 accumulators, with 9 weights, the bias and one loaded vector, fill AVX2's 16
    /// registers; a 3x3 stride-1 block then loads 6 input rows of 3 vectors for 4 output vectors (18 loads, not 36).
    /// </summary>
    private const int RowBlock = 4;

    /// <summary>Windows up to this many taps are unrolled, <see cref="RowBlock"/> rows at a time; larger ones one row at a time.</summary>
    private const int UnrolledTaps = 25;

    /// <summary>Where the kernel reads: the padded copy (no tap outside) or the input itself (taps outside skipped or masked).</summary>
    private sealed record Source(int Offset, int Height, int Width, int PadTop, int PadLeft)
    {
        public int Plane => Height * Width;
    }

    public static void EmitForward(IndentedWriter w, ConvPlan plan)
    {
        if (plan.ChannelsInLanes is ChannelsInLanesPlan lanes)
        {
            DepthwiseChannelsInLanes.EmitForward(w, plan, lanes);
            return;
        }

        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth, dh = window.DilationHeight, dw = window.DilationWidth;
        int sh = window.StrideHeight, sw = window.StrideWidth;
        int ic = layer.Input.C, oc = layer.Output.C, m = oc / ic;
        int ho = layer.Output.H, wo = layer.Output.W;
        int taps = kh * kw;
        ActivationPlan? relu = plan.FusedRelu;
        AffineEpilogue? affine = plan.Affine;
        Source source = plan.DepthwiseReadsInput
            ? new Source(plan.Input.Offset, layer.Input.H, layer.Input.W, window.PadTop, window.PadLeft)
            : new Source(plan.Padded.Offset, plan.PaddedHeight, plan.PaddedWidth, 0, 0);

        // As the epilogue does: a fused ReLU without a folded BatchNorm writes its own output (the convolution's is
        // not kept); with one, everything is computed in the convolution's output, where the ReLU runs in place.
        int output = affine is null && relu is not null ? relu.Output.Offset : plan.Output.Offset;
        string channel = m == 1 ? "co" : $"(co / {m})";
        string dilated = dh == 1 && dw == 1 ? "" : $" (taps {dh}x{dw} apart)";
        string stride = sh == 1 && sw == 1 ? "" : $"oy*{sh} + ";
        w.Line($"// out[o][oy][ox] = {(layer.BiasCount > 0 ? "b[o] + " : "")}sum over ky, kx of W[o][ky][kx] * xp[{(m == 1 ? "o" : $"o / {m}")}][{stride}ky{(dh == 1 ? "" : "*" + dh)}][ox{(sw == 1 ? "" : "*" + sw)} + kx{(dw == 1 ? "" : "*" + dw)}]{dilated}:");
        w.Line($"// one channel per filter, {taps} taps in registers, TS.Count outputs of a row at a time{(sw == 2 ? " (each tap the even lanes of two loads)" : "")}, the last vector moved back");
        w.Line($"// to end at ox = {wo}{Suffix(relu, affine)}.");
        if (plan.DepthwiseReadsInput && plan.Deinterleaved is null)
        {
            w.Line($"// xp is the input zero-padded by ({window.PadTop}, {window.PadBottom}, {window.PadLeft}, {window.PadRight}), never materialised: the rows of taps above or below the input are left");
            w.Line("// out, and the lanes of taps left or right of it are masked to zero.");
        }

        if (plan.FlatMasks is BufferPlan masks)
        {
            EmitFlat(w, plan, source, masks, channel, output);
            return;
        }

        if (wo >= 4 && wo < 16)
        {
            // Rows narrower than this width's vectors would run the scalar path: a narrower width's vectors instead.
            string transformed = plan.ForwardReadsTransformed ? ", ref t" : "";
            string Call(string simd, string vector) => $"{plan.MethodPrefix}Forward<global::StaticCnn.Kernels.{simd}, global::System.Runtime.Intrinsics.{vector}<float>>(ref p, ref g, ref ws{transformed});";
            w.Line($"// Output rows of {wo}: narrower than a vector of TS.Count lanes, the layer runs at the widest width whose vectors fit a row.");
            if (wo >= 8)
            {
                using (w.Block("if (TS.Count > 8 && global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)"))
                {
                    w.Line(Call("Simd256", "Vector256"));
                    w.Line("return;");
                }
            }

            using (w.Block($"if (TS.Count > {(wo >= 8 ? 8 : 4)} && global::System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated)"))
            {
                w.Line(Call("Simd128", "Vector128"));
                w.Line("return;");
            }
        }

        if (plan.Deinterleaved is DeinterleavedPlan deinterleaved)
        {
            EmitDeinterleaved(w, plan, deinterleaved, channel, output);
            return;
        }

        using (w.Block($"for (int co = 0; co < {oc}; co++)"))
        {
            FilterReferences(w, plan, $"{source.Offset} + ({channel} * {source.Plane})", output, ho * wo);
            using (w.Block($"if ({wo} >= TS.Count)"))
            {
                bool hoisted = taps <= RegisterTaps;
                FilterVectors(w, plan, hoisted);

                // Rows [top, bottom) have every window row inside the source; the others are emitted one by one.
                int top = 0;
                while (top < ho && (top * sh) - source.PadTop < 0)
                {
                    top++;
                }

                int bottom = ho;
                while (bottom > top && ((bottom - 1) * sh) - source.PadTop + ((kh - 1) * dh) > source.Height - 1)
                {
                    bottom--;
                }

                for (int oy = 0; oy < top; oy++)
                {
                    EdgeRow(w, plan, source, hoisted, oy);
                }

                // Stride 2 takes 2 rows at a time: with 4, the even-lane loads, 4 accumulators, 9 tap weights, the lane
                // masks and the folded BatchNorm's scale and shift exceed 16 registers and spill (measured: 32x24x24
                // stride 2, 17.1 -> 9.3 us; 16x48x48, 22 -> 16.4 us; one row at a time was no faster than two).
                int block = taps <= UnrolledTaps ? (sw == 2 ? 2 : RowBlock) : 1;
                int whole = top + ((bottom - top) / block * block);
                if (whole > top)
                {
                    using (w.Block($"for (int oy = {top}; oy < {whole}; oy += {block})"))
                    {
                        RowVectors(w, plan, source, hoisted, block, fixedRow: null);
                    }
                }

                if (bottom > whole)
                {
                    using (w.Block())
                    {
                        w.Line($"const int oy = {whole};");
                        RowVectors(w, plan, source, hoisted, bottom - whole, fixedRow: null);
                    }
                }

                for (int oy = System.Math.Max(bottom, top); oy < ho; oy++)
                {
                    EdgeRow(w, plan, source, hoisted, oy);
                }
            }

            using (w.Block("else"))
            {
                ScalarRows(w, plan, source);
            }
        }
    }

    /// <summary>
    /// Stride 2 over D, the input's even and odd columns apart (<see cref="DeinterleavedPlan"/>): tap (ky, kx) of output
    /// (oy, ox) is D[c][2oy + ky][kx % 2][ox + kx / 2], one load, and D's zero padding means no tap is masked or left
    /// out; two output rows at a time share the input row between them. Rows narrower than a vector run scalar over
    /// the input itself.
    /// </summary>
    private static void EmitDeinterleaved(IndentedWriter w, ConvPlan plan, DeinterleavedPlan d, string channel, int output)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth, taps = kh * kw;
        int ho = layer.Output.H, wo = layer.Output.W, pitch = d.RowPitch, plane = plan.PaddedHeight * pitch;
        ConvEmitter.Deinterleave(w, plan, d);
        bool hoisted = taps <= RegisterTaps;
        using (w.Block($"for (int co = 0; co < {layer.Output.C}; co++)"))
        {
            FilterReferences(w, plan, $"{d.Buffer.Offset} + ({channel} * {plane})", output, ho * wo);
            using (w.Block($"if ({wo} >= TS.Count)"))
            {
                FilterVectors(w, plan, hoisted);

                int whole = ho / 2 * 2;
                if (whole > 0)
                {
                    using (w.Block($"for (int oy = 0; oy < {whole}; oy += 2)"))
                    {
                        DeinterleavedRows(w, plan, d, hoisted, 2);
                    }
                }

                if (ho > whole)
                {
                    using (w.Block())
                    {
                        w.Line($"const int oy = {whole};");
                        DeinterleavedRows(w, plan, d, hoisted, 1);
                    }
                }
            }

            using (w.Block("else"))
            {
                w.Line($"ref float xi = ref TS.At(ref ws, {plan.Input.Offset} + ({channel} * {layer.Input.H * layer.Input.W}));");
                ScalarRows(w, plan, new Source(plan.Input.Offset, layer.Input.H, layer.Input.W, window.PadTop, window.PadLeft), input: "xi", bounded: true);
            }
        }
    }

    /// <summary>One or two output rows from D, in vectors along the row (the last one moved back to end at the row's end).</summary>
    private static void DeinterleavedRows(IndentedWriter w, ConvPlan plan, DeinterleavedPlan d, bool hoisted, int rows)
    {
        LayerShape layer = plan.Shape;
        int kh = layer.Window.KernelHeight, kw = layer.Window.KernelWidth, wo = layer.Output.W;
        w.Line($"ref float r = ref TS.At(ref x, oy * {2 * d.RowPitch});");
        w.Line($"ref float d = ref TS.At(ref y, oy * {wo});");
        // Keyed by (input row, kx), the order the other depthwise kernels read in, so that every output adds its taps in
        // window order and the floats are theirs (the training plan's); D's offset of each read is looked up for its load.
        var reads = new SortedDictionary<(long Offset, int Kx), List<(int Row, int Tap)>>();
        var offsets = new Dictionary<long, long>();
        for (int row = 0; row < rows; row++)
        {
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    long key = ((long)((2 * row) + ky) * kw) + kx;
                    offsets[key] = ((long)((2 * row) + ky) * d.RowPitch) + (kx % 2 * d.Half) + (kx / 2);
                    if (!reads.TryGetValue((key, 0), out List<(int Row, int Tap)>? users))
                    {
                        reads[(key, 0)] = users = new List<(int Row, int Tap)>();
                    }

                    users.Add((row, (ky * kw) + kx));
                }
            }
        }

        using (RowOfVectors(w, wo))
        {
            Sums(w, plan, hoisted, rows, reads, masked: false, offsets);
        }
    }

    /// <summary>
    /// The flat kernel: stride 1 and an output the size of the input, so output cell j = oy*W + ox reads tap t's cell at
    /// j + offset(t) of the flattened input plane; the whole plane runs in vectors (the last one moved back), each tap's
    /// load ANDed with its row of the mask table (the centre tap, never outside, unmasked).
    /// </summary>
    private static void EmitFlat(IndentedWriter w, ConvPlan plan, Source source, BufferPlan masks, string channel, int output)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth, dh = window.DilationHeight, dw = window.DilationWidth;
        int plane = source.Plane, taps = kh * kw;
        bool hoisted = taps <= RegisterTaps;
        w.Line($"// Stride 1 and a {layer.Output.H}x{layer.Output.W} output on a {layer.Input.H}x{layer.Input.W} input: flattened, out[j] = sum over taps t of W[t] * x[j + offset(t)], offset(ky, kx)");
        w.Line($"// = (ky*{dh} - {window.PadTop})*{source.Width} + kx*{dw} - {window.PadLeft}, so each filter's {plane} outputs run as vectors over the plane; a tap's load is ANDed with");
        w.Line($"// its row of the mask table at {masks.Offset} (Prepare wrote it: all bits where the tap's cell is inside the input).");
        using (w.Block($"for (int co = 0; co < {layer.Output.C}; co++)"))
        {
            FilterReferences(w, plan, $"{source.Offset} + ({channel} * {plane})", output, plane);
            using (w.Block($"if ({plane} >= TS.Count)"))
            {
                FilterVectors(w, plan, hoisted);

                using (w.Block($"for (int j = 0; j < {plane}; j += TS.Count)"))
                {
                    w.Line($"if (j > {plane} - TS.Count)");
                    w.Line("{");
                    w.Line($"    j = {plane} - TS.Count;");
                    w.Line("}");
                    w.Line();
                    // One chain of multiply-adds per window row (up to 3), added at the end: a 3x3 window's chains are 3 long, not 9.
                    int chains = System.Math.Min(kh, 3);
                    w.Line("TV " + string.Join(", ", Enumerable.Range(0, chains).Select(c => c == 0 ? "a0 = b" : $"a{c} = TS.Zero")) + ";");
                    for (int ky = 0; ky < kh; ky++)
                    {
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int t = (ky * kw) + kx;
                            long offset = ((long)((ky * dh) - window.PadTop) * source.Width) + (kx * dw) - window.PadLeft;
                            string at = offset >= 0 ? $"j + {Format.Int(offset)}" : $"j - {Format.Int(-offset)}";
                            string load = $"TS.Load(ref x, {at})";
                            if (ky * dh != window.PadTop || kx * dw != window.PadLeft)
                            {
                                load = $"TS.And({load}, TS.Load(ref ws, {masks.Offset + ((long)t * plane)} + j))";
                            }

                            string weight = hoisted ? $"w{t}" : $"TS.Broadcast(TS.At(ref k, {t}))";
                            w.Line($"a{ky % chains} = TS.MultiplyAdd({weight}, {load}, a{ky % chains});");
                        }
                    }

                    w.Line(chains switch
                    {
                        1 => "TV a = a0;",
                        2 => "TV a = TS.Add(a0, a1);",
                        _ => "TV a = TS.Add(TS.Add(a0, a1), a2);",
                    });
                    if (plan.Affine is not null)
                    {
                        w.Line("a = TS.MultiplyAdd(a, s, h);");
                    }

                    w.Line(plan.FusedRelu is null ? "TS.Store(a, ref y, j);" : "TS.Store(TS.Max(a, TS.Zero), ref y, j);");
                }
            }

            using (w.Block("else"))
            {
                ScalarRows(w, plan, source);
            }
        }
    }

    private static void EdgeRow(IndentedWriter w, ConvPlan plan, Source source, bool hoisted, int oy)
    {
        using (w.Block())
        {
            w.Line($"// Output row {oy}: its window reaches past the input's {(oy * plan.Shape.Window.StrideHeight < source.PadTop ? "top" : "bottom")}.");
            w.Line($"const int oy = {oy};");
            RowVectors(w, plan, source, hoisted, 1, fixedRow: oy);
        }
    }

    /// <summary>
    /// The vectors of <paramref name="rows"/> consecutive output rows from row oy, one accumulator per row. With
    /// <paramref name="fixedRow"/>, one edge row: only the window rows inside the source are read.
    /// </summary>
    private static void RowVectors(IndentedWriter w, ConvPlan plan, Source source, bool hoisted, int rows, int? fixedRow)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth, sw = window.StrideWidth, sh = window.StrideHeight;
        int dh = window.DilationHeight, dw = window.DilationWidth;
        int wo = layer.Output.W;
        int rowStep = sh * source.Width;
        w.Line($"ref float r = ref TS.At(ref x, (oy * {rowStep}) - {source.PadTop * source.Width});");
        w.Line($"ref float d = ref TS.At(ref y, oy * {wo});");

        // Each distinct input vector is loaded once and multiplied into every row that reads it (output row `row` and
        // tap (ky, kx) read input row row*sh + ky*dh); each row still adds its taps in window order.
        var reads = new SortedDictionary<(long Offset, int Kx), List<(int Row, int Tap)>>();
        for (int row = 0; row < rows; row++)
        {
            for (int ky = 0; ky < kh; ky++)
            {
                if (fixedRow is int edge)
                {
                    int iy = (edge * sh) - source.PadTop + (ky * dh);
                    if (iy < 0 || iy >= source.Height)
                    {
                        continue;
                    }
                }

                for (int kx = 0; kx < kw; kx++)
                {
                    // Keyed by the tap column too: its mask depends on it (a window wider than the input can give two
                    // taps the same offset).
                    long offset = ((long)row * rowStep) + ((long)ky * dh * source.Width) + ((long)kx * dw) - source.PadLeft;
                    if (!reads.TryGetValue((offset, kx), out List<(int Row, int Tap)>? users))
                    {
                        reads[(offset, kx)] = users = new List<(int Row, int Tap)>();
                    }

                    users.Add((row, (ky * kw) + kx));
                }
            }
        }

        // Output columns [first, last] read every tap inside the source; vectors outside them mask.
        int first = CeilDiv(source.PadLeft, sw);
        int last = FloorDiv(source.Width - 1 + source.PadLeft - ((kw - 1) * dw), sw);
        bool masks = first > 0 || last < wo - 1;
        using (RowOfVectors(w, wo))
        {
            if (!masks)
            {
                Sums(w, plan, hoisted, rows, reads, masked: false);
                return;
            }

            using (w.Block($"if (ox >= {first} && ox + TS.Count - 1 <= {last})"))
            {
                Sums(w, plan, hoisted, rows, reads, masked: false);
            }

            using (w.Block("else"))
            {
                w.Line("// Lane i is output column ox + i; tap kx's load is kept where that column's cell is inside the input.");
                w.Line("TV lane = TS.Add(TS.Load(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(global::StaticCnn.Kernels.Lanes.Indices)), TS.Broadcast(ox));");
                foreach (int kx in reads.Keys.Select(r => r.Kx).Distinct().OrderBy(kx => kx))
                {
                    int lo = System.Math.Max(0, CeilDiv(source.PadLeft - (kx * dw), sw));
                    int hi = FloorDiv(source.Width - 1 + source.PadLeft - (kx * dw), sw);
                    w.Line($"TV m{kx} = TS.And(TS.GreaterThan(lane, TS.Broadcast({Format.FloatLiteral(lo - 0.5f)})), TS.LessThan(lane, TS.Broadcast({Format.FloatLiteral(hi + 0.5f)})));");
                }

                Sums(w, plan, hoisted, rows, reads, masked: true);
            }
        }
    }

    /// <summary>
    /// The sums of one vector position for every row, then their stores (through the folded BatchNorm and the ReLU).
    /// With <paramref name="loadOffsets"/> (the deinterleaved input) the reads are keyed by their order and each is one
    /// load at its looked-up offset.
    /// </summary>
    private static void Sums(IndentedWriter w, ConvPlan plan, bool hoisted, int rows, SortedDictionary<(long Offset, int Kx), List<(int Row, int Tap)>> reads, bool masked, IReadOnlyDictionary<long, long>? loadOffsets = null)
    {
        LayerShape layer = plan.Shape;
        int sw = loadOffsets is null ? layer.Window.StrideWidth : 1, wo = layer.Output.W;
        w.Line("TV " + string.Join(", ", Enumerable.Range(0, rows).Select(row => $"a{row} = b")) + ";");
        string column = sw == 1 ? "ox" : $"(ox * {sw})";
        foreach (KeyValuePair<(long Offset, int Kx), List<(int Row, int Tap)>> read in reads)
        {
            long offset = loadOffsets is null ? read.Key.Offset : loadOffsets[read.Key.Offset];
            string at = offset >= 0 ? $"{column} + {Format.Int(offset)}" : $"{column} - {Format.Int(-offset)}";
            string load = sw == 1
                ? $"TS.Load(ref r, {at})"
                : $"TS.Evens(TS.Load(ref r, {at}), TS.Load(ref r, {at} + TS.Count))";
            if (masked)
            {
                load = $"TS.And({load}, m{read.Key.Kx})";
            }

            List<(int Row, int Tap)> users = read.Value;
            var line = new System.Text.StringBuilder(users.Count == 1 ? "" : $"{{ TV v = {load}; ");
            string operand = users.Count == 1 ? load : "v";
            foreach ((int row, int tap) in users)
            {
                string weight = hoisted ? $"w{tap}" : $"TS.Broadcast(TS.At(ref k, {tap}))";
                line.Append($"a{row} = TS.MultiplyAdd({weight}, {operand}, a{row}); ");
            }

            w.Line(users.Count == 1 ? line.ToString().TrimEnd() : line.Append('}').ToString());
        }

        for (int row = 0; row < rows; row++)
        {
            string value = $"a{row}";
            if (plan.Affine is not null)
            {
                w.Line($"{value} = TS.MultiplyAdd({value}, s, h);");
            }

            string at = row == 0 ? "ox" : $"ox + {row * wo}";
            w.Line(plan.FusedRelu is null ? $"TS.Store({value}, ref d, {at});" : $"TS.Store(TS.Max({value}, TS.Zero), ref d, {at});");
        }
    }

    /// <summary>Rows narrower than a vector: one output at a time, the taps outside the source skipped.</summary>
    private static void ScalarRows(IndentedWriter w, ConvPlan plan, Source source, string input = "x", bool bounded = false)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth, dh = window.DilationHeight, dw = window.DilationWidth;
        int ho = layer.Output.H, wo = layer.Output.W;
        bool bounds = source.PadTop > 0 || source.PadLeft > 0 || window.PadBottom > 0 || window.PadRight > 0;
        bounds &= plan.DepthwiseReadsInput || bounded;
        using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
        using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
        {
            w.Line($"int iy = (oy * {window.StrideHeight}) - {source.PadTop}, ix = (ox * {window.StrideWidth}) - {source.PadLeft};");
            w.Line("float a = bc;");
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    string row = $"iy + {ky * dh}", col = $"ix + {kx * dw}";
                    string fma = $"a = global::StaticCnn.Kernels.SimdScalar.MultiplyAdd(TS.At(ref k, {(ky * kw) + kx}), TS.At(ref {input}, (({row}) * {source.Width}) + {col}), a);";
                    w.Line(bounds ? $"if ((uint)({row}) < {source.Height}u && (uint)({col}) < {source.Width}u) {fma}" : fma);
                }
            }

            if (plan.Affine is not null)
            {
                w.Line("a = global::StaticCnn.Kernels.SimdScalar.MultiplyAdd(a, sc, hc);");
            }

            w.Line(plan.FusedRelu is null
                ? $"TS.At(ref y, (oy * {wo}) + ox) = a;"
                : $"TS.At(ref y, (oy * {wo}) + ox) = global::StaticCnn.Kernels.SimdScalar.Max(a, 0f);");
        }
    }

    /// <summary>
    /// The start of one filter's pass: x (its input channel's plane), k (its taps), y (its output), bc (its bias) and,
    /// with a folded BatchNorm, sc and hc (its scale and shift).
    /// </summary>
    private static void FilterReferences(IndentedWriter w, ConvPlan plan, string input, int output, int outputPlane)
    {
        LayerShape layer = plan.Shape;
        int taps = layer.Window.KernelHeight * layer.Window.KernelWidth;
        w.Line($"ref float x = ref TS.At(ref ws, {input});");
        w.Line($"ref float k = ref TS.At(ref p, {layer.ParameterOffset} + (co * {taps}));");
        w.Line($"ref float y = ref TS.At(ref ws, {output} + (co * {outputPlane}));");
        w.Line(layer.BiasCount > 0 ? $"float bc = TS.At(ref p, {layer.BiasOffset} + co);" : "float bc = 0f;");
        if (plan.Affine is AffineEpilogue affine)
        {
            w.Line($"float sc = TS.At(ref g, {affine.Scale} + co), hc = TS.At(ref g, {affine.Shift} + co);");
        }
    }

    /// <summary>The vector path's broadcasts: b (the bias), s and h (the folded BatchNorm's), and the taps w0.. when hoisted.</summary>
    private static void FilterVectors(IndentedWriter w, ConvPlan plan, bool hoisted)
    {
        w.Line(plan.Affine is null ? "TV b = TS.Broadcast(bc);" : "TV b = TS.Broadcast(bc), s = TS.Broadcast(sc), h = TS.Broadcast(hc);");
        if (hoisted)
        {
            int taps = plan.Shape.Window.KernelHeight * plan.Shape.Window.KernelWidth;
            w.Line("TV " + string.Join(", ", Enumerable.Range(0, taps).Select(t => $"w{t} = TS.Broadcast(TS.At(ref k, {t}))")) + ";");
        }
    }

    /// <summary>Vectors along an output row of <paramref name="wo"/> from ox = 0, the last one moved back to end at the row's end.</summary>
    private static IndentedWriter.Scope RowOfVectors(IndentedWriter w, int wo)
    {
        IndentedWriter.Scope loop = w.Block($"for (int ox = 0; ox < {wo}; ox += TS.Count)");
        w.Line($"if (ox > {wo} - TS.Count)");
        w.Line("{");
        w.Line($"    ox = {wo} - TS.Count;");
        w.Line("}");
        w.Line();
        return loop;
    }

    private static int CeilDiv(int a, int b) => a <= 0 ? -(-a / b) : (a + b - 1) / b;

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    internal static string Suffix(ActivationPlan? relu, AffineEpilogue? affine) =>
        (affine, relu) switch
        {
            (null, null) => "",
            (null, _) => $", through layer {relu!.Index}'s ReLU",
            (_, null) => $", with layer {affine!.Layer}'s BatchNorm folded in (its scale and shift per filter)",
            _ => $", with layer {affine!.Layer}'s BatchNorm folded in (its scale and shift per filter), then layer {relu!.Index}'s ReLU",
        };
}

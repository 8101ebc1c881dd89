using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>Conv2D: forward (pad, im2col when strided, GEMM, compact) and backward (dW, db, dX).</summary>
internal static class ConvEmitter
{
    public static void EmitForward(IndentedWriter w, ConvPlan plan)
    {
        LayerShape layer = plan.Shape;
        int ic = layer.Input.C;
        int taps = layer.Window.KernelHeight * layer.Window.KernelWidth;
        int icG = ic / ConvPlanner.Groups(layer);
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        int oc = layer.Output.C;

        w.Line($"/// <summary>{LayerText.Heading(layer)}: {plan.Kernel}.</summary>");
        string transformed = plan.ForwardReadsTransformed ? ", ref float t" : "";
        w.Line(Names.AggressiveOptimization);
        using (w.Block($"public static void {plan.MethodPrefix}Forward{Names.KernelTypeParameters}({Names.KernelParameters}{transformed}) {Names.KernelConstraints}"))
        {
            if (plan.CopiesIntoPadded && !plan.DepthwiseReadsInput && plan.Deinterleaved is null)
            {
                CopyIntoPadded(w, plan);
            }

            if (plan.Winograd is WinogradPlan winograd)
            {
                EmitWinograd(w, plan, winograd);
            }
            else if (plan.DepthwiseKernel)
            {
                DepthwiseEmitter.EmitForward(w, plan);
            }
            else
            {
                EmitDirect(w, plan);
            }

            if (plan.Affine is AffineEpilogue affine && plan.Winograd is not null)
            {
                w.Line($"// Layer {affine.Layer}'s BatchNorm folded in: its evaluation-mode scale and shift per filter{(plan.FusedRelu is null ? "" : ", then the ReLU")}, in place.");
                w.Line($"global::StaticCnn.Kernels.BatchNormKernels.Normalize<TS, TV>(ref TS.At(ref ws, {plan.Output.Offset}), ref TS.At(ref ws, {plan.Output.Offset}), {oc}, {ho * wo}, ref TS.At(ref g, {affine.Scale}), ref TS.At(ref g, {affine.Shift}), {(plan.FusedRelu is null ? "false" : "true")});");
            }
        }

        if (plan.DepthwiseKernel)
        {
            return;
        }

        w.Line();
        if (plan.Winograd is WinogradPlan plannedWinograd)
        {
            KernelEmitter.EmitGemm(w, plannedWinograd.Gemm,
                $"[{layer.Index}] Winograd GEMM at one position: {oc} filters x {Format.Count(plannedWinograd.ChunkTiles)} tiles (a chunk of {plannedWinograd.ChunkRows} tile rows), {ic} channels each.");
        }
        else if (plan.FiltersInLanes is not null)
        {
            KernelEmitter.EmitGemm(w, plan.Forward! with { Name = plan.Forward!.Name + "Gemm" },
                $"[{layer.Index}] forward GEMM, filters in lanes: {Format.Int(ho * wo)} pixels x {oc} filters, {Format.Int((long)icG * taps)} taps each.");
        }
        else
        {
            KernelEmitter.EmitGemm(w, plan.Forward! with { Name = plan.Forward!.Name + "Gemm" },
                $"[{layer.Index}] forward tap GEMM: {oc} filters x {Format.Int(plan.Forward!.Columns)} columns, {Format.Int((long)icG * taps)} taps each.");
        }
    }

    private static void CopyIntoPadded(IndentedWriter w, ConvPlan plan)
    {
        LayerShape layer = plan.Shape;
        int wp = plan.PaddedWidth, plane = plan.PaddedHeight * wp;
        w.Line($"// Copy the {layer.Input} input into the middle of the zero-padded {layer.Input.C}x{plan.PaddedHeight}x{wp} buffer (its border is never written).");
        Loops.PlaneRowCopy(w, layer.Input.C, layer.Input.H, layer.Input.W, plan.Input.Offset, layer.Input.H * layer.Input.W, layer.Input.W,
            plan.Padded.Offset + (layer.Window.PadTop * wp) + layer.Window.PadLeft, plane, wp);
    }

    /// <summary>The statement that brings a Winograd layer's U up to date with its weights (a no-op when they did not change).</summary>
    public static string WeightTransform(ConvPlan plan, WinogradPlan winograd, bool flipped = false) =>
        $"global::StaticCnn.Kernels.Winograd.TransformWeights(storage.Parameters, {plan.Shape.ParameterOffset}, storage.Transformed, {winograd.WeightCache.Offset}, {winograd.U.Offset}, {plan.Shape.Output.C}, {plan.Shape.Input.C}, {winograd.UStride}{(flipped ? ", flipped: true" : "")});";

    /// <summary>
    /// The input gradient by Winograd F(2x2, 3x3): with padding 1, dX[c] = sum over o of the 3x3 correlation of dY[o]
    /// padded by 1 with W[o][c] rotated by 180 degrees. The padded dY is the zero-margined copy on rows of Wp that the
    /// backward pass spreads (its wrapped columns and margins are the padding); U' is in the transformed array.
    /// </summary>
    private static void EmitWinogradInputGradient(IndentedWriter w, ConvPlan plan, WinogradPlan winograd)
    {
        LayerShape layer = plan.Shape;
        int ic = layer.Input.C, oc = layer.Output.C, wp = plan.PaddedWidth, width = layer.Input.W;
        int grid = plan.WideGradient.Offset + plan.WideGradientMargin - (wp + 1);
        w.Line($"// dX[c] = sum over o of dY[o] (padded by 1: the spread copy's margins and wrapped columns) correlated with W[o][c] rotated by");
        w.Line($"// 180 degrees, by Winograd F(2x2, 3x3) over {winograd.TileRows}x{winograd.TileColumns} tiles, {winograd.ChunkRows} tile rows at a time; U'[xi][c][o] is in t");
        w.Line($"// (PrepareBackwardWeights keeps it current). {Format.Count((long)ic * oc * 16 * winograd.Tiles)} multiply-adds instead of {Format.Count((long)ic * oc * 9 * layer.Input.H * width)}.");
        WinogradChunks(w, winograd, grid, wp, plan.WideGradientRowStride, oc, ic, width, layer.Input.H * width,
            "ref p", plan.InputGradient.Offset, plan.InputGradient.Offset, relu: false, addBias: false);
    }

    /// <summary>
    /// One Winograd F(2x2, 3x3) pass in chunks of tile rows: V from the padded grid at <paramref name="grid"/>
    /// (<paramref name="reduction"/> planes), the 16 position GEMMs, and A^T M A into <paramref name="planes"/> output
    /// planes at <paramref name="output"/> (and their ReLU at <paramref name="activation"/>).
    /// </summary>
    private static void WinogradChunks(IndentedWriter w, WinogradPlan winograd, int grid, int gridWidth, int gridPlane, int reduction, int planes,
        int outputWidth, int outputPlane, string bias, int output, int activation, bool relu, bool addBias)
    {
        using (w.Block($"for (int ty = 0; ty < {winograd.TileRows}; ty += {winograd.ChunkRows})"))
        {
            w.Line($"int rows = global::System.Math.Min({winograd.ChunkRows}, {winograd.TileRows} - ty);");
            w.Line("// V[xi][plane][tile] = (B^T d B)[xi], d the 4x4 patch under the tile (a short last chunk leaves stale tiles whose M is never read).");
            w.Line($"global::StaticCnn.Kernels.Winograd.TransformInput<TS, TV>(ref TS.At(ref ws, {grid} + (ty * {2 * gridWidth})), {reduction}, {gridWidth}, {gridPlane}, rows, {winograd.TileColumns}, ref TS.At(ref ws, {winograd.V}), {winograd.TileStride}, {winograd.PositionStride});");
            w.Line($"// M[xi] = U[xi] V[xi] ({planes} x {Format.Count(winograd.ChunkTiles)} tiles, summed over {reduction}) at position 0's offsets: U is the GEMM's");
            w.Line($"// second array; t moves by {Format.Count(winograd.UStride)} and the workspace by {Format.Count(winograd.PositionStride)} floats per position.");
            using (w.Block("for (int xi = 0; xi < 16; xi++)"))
            {
                w.Line($"{winograd.Gemm.Name}<TS, TV>(ref p, ref TS.At(ref t, xi * {winograd.UStride}), ref TS.At(ref ws, xi * {winograd.PositionStride}));");
            }

            w.Line($"// A^T M A per tile{(addBias ? " + bias" : "")}{(relu ? ", through the ReLU" : "")}: output rows 2*ty on.");
            w.Line($"global::StaticCnn.Kernels.Winograd.TransformOutput<TS, TV>(ref TS.At(ref ws, {winograd.M}), {planes}, rows, {winograd.TileColumns}, {winograd.TileStride}, {winograd.PositionStride}, {bias}, ref TS.At(ref ws, {output} + (ty * {2 * outputWidth})), ref TS.At(ref ws, {activation} + (ty * {2 * outputWidth})), {(relu ? "true" : "false")}, {outputPlane}{(addBias ? "" : ", addBias: false")});");
        }
    }

    /// <summary>The direct forward pass: im2col when strided, the tap GEMM, the epilogue.</summary>
    private static void EmitDirect(IndentedWriter w, ConvPlan plan)
    {
        LayerShape layer = plan.Shape;
        int ic = layer.Input.C;
        Window window = layer.Window;
        int k = window.KernelHeight;
        int kh = window.KernelHeight, kw = window.KernelWidth;
        int wp = plan.PaddedWidth;
        int plane = plan.PaddedHeight * wp;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        if (plan.FiltersInLanes is FiltersInLanesPlan lanes)
        {
            EmitFiltersInLanes(w, plan, lanes);
            return;
        }

        if (plan.ShiftedRows is BufferPlan shifted)
        {
            int hp = plan.PaddedHeight, block = hp * wo;
            w.Line($"// S[c][kx][y][ox] = xp[c][y][ox + kx]: {k} copies of the input rows shifted by kx and cut to the {wo} output columns, so that");
            w.Line($"// out[o][oy*{wo} + ox] = b[o] + sum over c, ky, kx of W[o][c][ky][kx] * S[c][kx][(oy + ky)*{wo} + ox] is a GEMM over compact columns.");
            using (w.Block($"for (int ci = 0; ci < {ic}; ci++)"))
            using (w.Block($"for (int kx = 0; kx < {k}; kx++)"))
            using (w.Block($"for (int y = 0; y < {hp}; y++)"))
            {
                w.Line($"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {plan.Padded.Offset} + (ci * {plane}) + (y * {wp}) + kx), ref TS.At(ref ws, {shifted.Offset} + (((ci * {k}) + kx) * {block}) + (y * {wo})), {wo});");
            }
        }
        else if (plan.Implicit)
        {
            w.Line($"// out[o][oy*{wp} + ox] = b[o] + sum over c, ky, kx of W[o][c][ky][kx] * xp[c][(oy + ky)*{wp} + ox + kx]:");
            w.Line($"// a tap GEMM over the padded rows read in place; columns ox >= {wo} of each row wrap around and are dropped below,");
            w.Line($"// except where the register block covers whole output rows (it runs over oy*{wo} + ox) or each row in blocks (the last");
            w.Line($"// one moved back to end at ox = {wo}): there the GEMM stores straight into the output and no column is dropped.");
        }
        else if (plan.Deinterleaved is DeinterleavedPlan deinterleaved)
        {
            Deinterleave(w, plan, deinterleaved);
        }
        else
        {
            Im2ColLoops(w, plan, gather: true);
        }

        TapGemm forward = plan.Forward!;
        w.Line($"{forward.Name}Gemm<TS, TV>({Names.KernelArguments});");
        if (forward is { Map: ColumnMap map, Direct: not null })
        {
            // The same JIT-time constant as the GEMM's: where its block stored into the output, nothing is left to do.
            string direct = PerBlock(forward, block => map.DirectTest(block.Vectors));
            using (w.Block($"if (!{direct})"))
            {
                Epilogue(w, plan, forward);
            }
        }
        else
        {
            Epilogue(w, plan, forward);
        }
    }

    /// <summary>
    /// D[c][iy + PadTop][p][i] = x[c][iy][2i + p - PadLeft] for the cells inside the input (the rest of D, the padding,
    /// stays zero: nothing else writes it): per input row and parity, vectors of the even lanes of two loads, the last
    /// one moved back to end at the last cell inside. A pair of loads may read one float past the row (the next row's
    /// first, or the zero slack after the buffer); no lane of it is kept.
    /// </summary>
    internal static void Deinterleave(IndentedWriter w, ConvPlan plan, DeinterleavedPlan d)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int ic = layer.Input.C, h = layer.Input.H, wi = layer.Input.W, pitch = d.RowPitch, plane = plan.PaddedHeight * pitch;
        w.Line($"// Stride 2: the input's even and odd columns apart, D[c][y][parity][i] = xp[c][y][2i + parity] (rows of 2 x {d.Half}, zero where xp is padding),");
        w.Line($"// so that tap (ky, kx) of output (oy, ox) reads D[c][2oy + ky][kx % 2][ox + kx / 2]: a contiguous run along ox, no padded copy, no im2col.");
        using (w.Block($"for (int ci = 0; ci < {ic}; ci++)"))
        using (w.Block($"for (int iy = 0; iy < {h}; iy++)"))
        {
            w.Line($"ref float s = ref TS.At(ref ws, {plan.Input.Offset} + (ci * {h * wi}) + (iy * {wi}));");
            string row = window.PadTop == 0 ? "iy" : $"(iy + {window.PadTop})";
            w.Line($"ref float d = ref TS.At(ref ws, {d.Buffer.Offset} + (ci * {plane}) + ({row} * {pitch}));");
            for (int parity = 0; parity < 2; parity++)
            {
                // Cells i with 0 <= 2i + parity - PadLeft < W.
                int shift = parity - window.PadLeft;
                int lo = shift >= 0 ? 0 : (-shift + 1) / 2;
                int hi = (wi - 1 - shift) / 2;
                if (hi < lo)
                {
                    continue;
                }

                int first = (2 * lo) + shift;
                string target = Names.Plus(parity == 0 ? "" : Format.Int(d.Half), Format.Int(lo), "x");
                string source = Names.Plus("2 * x", Format.Int(first));
                w.Line($"// {(parity == 0 ? "Even" : "Odd")} columns: D[{parity}][i] = s[2i{(shift == 0 ? "" : shift > 0 ? $" + {shift}" : $" - {-shift}")}] for i in [{lo}, {hi}]{(lo == 0 ? "" : $", i = {lo} + x")}.");
                Loops.RowLoop(w, hi - lo + 1,
                    $"TS.Store(TS.Evens(TS.Load(ref s, {source}), TS.Load(ref s, {Names.Plus(source, "TS.Count")})), ref d, {target});",
                    $"TS.At(ref d, {target}) = TS.At(ref s, {source});");
            }
        }
    }

    /// <summary>
    /// Filters in lanes: the GEMM of pixels x filters with T (the filters transposed, in the transformed array, passed as
    /// its second array) into the pixel-major result, then the result transposed to the C,H,W output (and its ReLU).
    /// </summary>
    private static void EmitFiltersInLanes(IndentedWriter w, ConvPlan plan, FiltersInLanesPlan lanes)
    {
        LayerShape layer = plan.Shape;
        int k = layer.Window.KernelHeight, wp = plan.PaddedWidth, oc = layer.Output.C;
        int pixels = layer.Output.H * layer.Output.W;
        ActivationPlan? relu = plan.FusedRelu;
        if (plan.PixelMajorInput is PixelMajorSource source)
        {
            w.Line($"// R[p][o] = b[o] + sum over c of X[p][c] * T[c][o]: the {oc} filters in the vector lanes, a block of pixels broadcast, where X is");
            w.Line($"// layer {source.Layer}'s pixel-major result at {source.Offset} (rows of {source.Stride}), read as it is; T (rows of {lanes.Stride}, then the biases) is in t.");
        }
        else
        {
            w.Line($"// R[oy*{layer.Output.W} + ox][o] = b[o] + sum over c, ky, kx of xp[c][(oy + ky)*{wp} + ox + kx] * T[(c*{k} + ky)*{k} + kx][o]: the {oc} filters");
            w.Line($"// in the vector lanes, a block of pixels of one output row broadcast; T (rows of {lanes.Stride}, then the biases) is in t (PrepareWeights keeps it current).");
        }

        w.Line($"{plan.Forward!.Name}Gemm<TS, TV>(ref p, ref t, ref ws);");
        if (plan.PixelMajorOutput)
        {
            // The one reader reads R where it is: no transpose, and the C,H,W output is not written.
            if (plan.Affine is not null || relu is not null)
            {
                string what = plan.Affine is AffineEpilogue folded
                    ? $"scaled and shifted by layer {folded.Layer}'s BatchNorm{(relu is null ? "" : ", then the ReLU")}"
                    : "through the ReLU";
                w.Line($"// Epilogue: R stays pixel-major for the layer that reads it, {what}, in place.");
                string normalize = plan.Affine is AffineEpilogue a ? $"ref TS.At(ref g, {a.Scale}), ref TS.At(ref g, {a.Shift}), true" : "ref global::System.Runtime.CompilerServices.Unsafe.NullRef<float>(), ref global::System.Runtime.CompilerServices.Unsafe.NullRef<float>(), false";
                w.Line($"global::StaticCnn.Kernels.FiltersInLanes.NormalizeRows<TS, TV>(ref TS.At(ref ws, {lanes.Result.Offset}), {pixels}, {oc}, {lanes.Stride}, {normalize}, {(relu is null ? "false" : "true")});");
            }
            else
            {
                w.Line("// R stays pixel-major for the layer that reads it.");
            }

            return;
        }

        if (plan.Affine is AffineEpilogue affine)
        {
            // With a BatchNorm folded in, the convolution's output is where the fused ReLU runs in place.
            w.Line($"// Epilogue: R transposed to the {layer.Output} output, scaled and shifted by layer {affine.Layer}'s BatchNorm (its evaluation-mode scale and shift per filter){(relu is null ? "" : ", then the ReLU")}, in one pass.");
            w.Line($"global::StaticCnn.Kernels.FiltersInLanes.ChannelsFirst<TS, TV>(ref TS.At(ref ws, {lanes.Result.Offset}), {pixels}, {oc}, {lanes.Stride}, ref TS.At(ref ws, {plan.Output.Offset}), ref TS.At(ref g, {affine.Scale}), ref TS.At(ref g, {affine.Shift}), {(relu is null ? "false" : "true")});");
            return;
        }

        w.Line(relu is null
            ? $"// Epilogue: R transposed to the {layer.Output} output."
            : $"// Epilogue: R transposed to the {layer.Output} output through layer {relu.Index}'s ReLU (its backward reads its output: the convolution's own is not kept).");
        w.Line($"global::StaticCnn.Kernels.FiltersInLanes.ChannelsFirst<TS, TV>(ref TS.At(ref ws, {lanes.Result.Offset}), {pixels}, {oc}, {lanes.Stride}, ref TS.At(ref ws, {plan.Output.Offset}), {(relu is null ? "false" : "true")});");
    }

    /// <summary>The statement that brings a filters-in-lanes layer's T up to date with its weights and biases (a no-op when they did not change).</summary>
    public static string FilterTransform(ConvPlan plan, FiltersInLanesPlan lanes) =>
        $"global::StaticCnn.Kernels.FiltersInLanes.TransposeFilters(storage.Parameters, {plan.Shape.ParameterOffset}, {plan.Shape.Output.C}, {plan.Shape.WeightCount / plan.Shape.Output.C}, storage.Transformed, {lanes.Cache.Offset}, {lanes.Filters.Offset}, {lanes.Stride});";

    /// <summary>
    /// The Winograd F(2x2, 3x3) forward pass: transform the padded input, run the GEMM at each of the 16 positions with
    /// the filters PrepareWeights transformed, transform the products back into the output with the bias (and the ReLU).
    /// </summary>
    private static void EmitWinograd(IndentedWriter w, ConvPlan plan, WinogradPlan winograd)
    {
        LayerShape layer = plan.Shape;
        int ic = layer.Input.C, oc = layer.Output.C, wp = plan.PaddedWidth, plane = plan.PaddedHeight * wp;
        int tiles = winograd.Tiles;
        long direct = (long)oc * ic * 9 * layer.Output.H * layer.Output.W;
        long products = (long)oc * ic * 16 * tiles;
        ActivationPlan? relu = plan.Affine is null ? plan.FusedRelu : null;
        w.Line($"// Winograd F(2x2, 3x3) over {winograd.TileRows}x{winograd.TileColumns} tiles of 2x2 outputs: {Format.Count(products)} multiply-adds instead of {Format.Count(direct)}.");
        int width = layer.Output.W;
        w.Line(winograd.ChunkRows == winograd.TileRows
            ? "// All tile rows at once (V and M fit in L2). U[xi][o][c] = (G W[o][c] G^T)[xi] is in t (PrepareWeights keeps it current)."
            : $"// {winograd.ChunkRows} tile rows at a time, so that V and M ({Format.Count(16L * (ic + oc) * winograd.ChunkTiles)} floats) stay in L2. U[xi][o][c] = (G W[o][c] G^T)[xi] is in t (PrepareWeights keeps it current).");
        WinogradChunks(w, winograd, plan.Padded.Offset, wp, plane, ic, oc, width, layer.Output.H * width,
            $"ref TS.At(ref p, {layer.BiasOffset})", plan.Output.Offset, relu?.Output.Offset ?? plan.Output.Offset, relu is not null, addBias: layer.BiasCount > 0);
    }

    public static void EmitBackward(IndentedWriter w, ConvPlan plan)
    {
        LayerShape layer = plan.Shape;
        int ic = layer.Input.C;
        int h = layer.Input.H;
        int wi = layer.Input.W;
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth;
        int icG = ic / ConvPlanner.Groups(layer), ocG = layer.Output.C / ConvPlanner.Groups(layer);
        int wp = plan.PaddedWidth;
        int plane = plan.PaddedHeight * wp;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        int oc = layer.Output.C;
        int outPlane = ho * wo;

        w.Line($"/// <summary>{LayerText.Heading(layer)}, backward: db, dW (added to the gradients) and, when asked, dX.</summary>");
        string transformed = plan.WinogradInputGradient is null ? "" : ", ref float t";
        using (w.Block($"public static void {plan.MethodPrefix}Backward{Names.KernelTypeParameters}({Names.KernelParameters}, bool inputGradient{transformed}) {Names.KernelConstraints}"))
        {
            if (plan.DepthwiseReadsInput && plan.CopiesIntoPadded)
            {
                w.Line("// The depthwise forward pass read the input unpadded; the gradients' GEMMs read the padded copy.");
                CopyIntoPadded(w, plan);
            }

            if (layer.BiasCount > 0)
            {
                w.Line($"// db[o] += sum of dY[o] over the {ho}x{wo} output.");
                using (w.Block($"for (int co = 0; co < {oc}; co++)"))
                {
                    w.Line($"TS.At(ref g, {layer.BiasOffset} + co) += global::StaticCnn.Kernels.Reductions.Sum<TS, TV>(ref TS.At(ref ws, {plan.OutputGradient.Offset} + (co * {outPlane})), {outPlane});");
                }
            }

            // The spread dY feeds the input gradient and, unless they walk the compact dY, the weight gradients:
            // when they do, it waits until the input gradient is asked for (a first layer's never is in training).
            bool spreadFirst = plan.OuterProducts.Count == 0 && plan.WeightGradient.Any(r => r.RowMap is null);
            if (plan.Implicit)
            {
                if (spreadFirst)
                {
                    SpreadOutputGradient(w, plan);
                }
            }
            else
            {
                if (plan.DepthwiseKernel)
                {
                    // The depthwise kernel's forward pass read the padded input directly: the columns start here.
                    Im2ColLoops(w, plan, gather: true);
                }

                w.Line($"// dY rows, each followed by zeros up to {plan.WideRowStride}.");
                using (w.Block($"for (int co = 0; co < {oc}; co++)"))
                {
                    w.Line($"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {plan.OutputGradient.Offset} + (co * {outPlane})), ref TS.At(ref ws, {plan.WideGradient.Offset} + (co * {plan.WideRowStride})), {outPlane});");
                }
            }

            w.Line(!plan.Implicit
                ? "// dW[o][r] += sum over j of dY[o][j] * columns[r][j]."
                : window.DilationHeight == 1 && window.DilationWidth == 1
                    ? $"// dW[o][c][ky][kx] += sum over j of dY[o][j] * xp[c][j + ky*{wp} + kx]."
                    : $"// dW[o][c][ky][kx] += sum over j of dY[o][j] * xp[c][j + ky*{window.DilationHeight * wp} + kx*{window.DilationWidth}] (dilated taps).");
            foreach (TapReduce reduce in plan.WeightGradient)
            {
                w.Line($"{reduce.Name}<TS, TV>({Names.KernelArguments});");
            }

            if (plan.TransposedGradient is BufferPlan dyt && plan.TransposedWeightGradient is BufferPlan dwt)
            {
                int columns = outPlane;
                int stride = plan.OuterProductStride;
                int taps = kh * kw;
                w.Line($"// As outer products with the filters in the lanes: dYT[j][o] = dY[o][j] over the {Format.Int(columns)} output pixels,");
                w.Line($"// dWT[tap][c][o] = sum over oy, ox of xp[c][oy*{wp} + ox + tap offset] * dYT[oy*{wo} + ox][o] (one GEMM per tap), then dW[o][c][tap] += dWT[tap][c][o].");
                using (w.Block($"for (int co = 0; co < {oc}; co++)"))
                {
                    w.Line($"ref float src = ref TS.At(ref ws, {plan.OutputGradient.Offset} + (co * {outPlane}));");
                    w.Line($"ref float dst = ref TS.At(ref ws, {dyt.Offset} + co);");
                    using (w.Block($"for (int j = 0; j < {columns}; j++)"))
                    {
                        w.Line($"TS.At(ref dst, j * {stride}) = TS.At(ref src, j);");
                    }
                }

                foreach (TapGemm gemm in plan.OuterProducts)
                {
                    w.Line($"{gemm.Name}<TS, TV>({Names.KernelArguments});");
                }

                using (w.Block($"for (int tap = 0; tap < {taps}; tap++)"))
                using (w.Block($"for (int ci = 0; ci < {ic}; ci++)"))
                {
                    w.Line($"ref float src = ref TS.At(ref ws, {dwt.Offset} + (((tap * {ic}) + ci) * {stride}));");
                    w.Line($"ref float dst = ref TS.At(ref g, {layer.ParameterOffset} + (ci * {taps}) + tap);");
                    using (w.Block($"for (int co = 0; co < {oc}; co++)"))
                    {
                        w.Line($"TS.At(ref dst, co * {(long)ic * taps}) += TS.At(ref src, co);");
                    }
                }
            }

            w.Line("if (!inputGradient)");
            w.Line("{");
            w.Line("    return;");
            w.Line("}");
            w.Line();
            if (plan.WinogradInputGradient is WinogradPlan winogradX)
            {
                if (!spreadFirst)
                {
                    SpreadOutputGradient(w, plan);
                }

                EmitWinogradInputGradient(w, plan, winogradX);
            }
            else if (plan.Implicit)
            {
                TapGemm inputGradientGemm = plan.InputGradientGemm!;
                w.Line($"// dXp[c][q] = sum over o, ky, kx of W[o][c][ky][kx] * dY[o][q - ky*{wp} - kx] over the middle {h} rows of the padded grid,");
                w.Line("// from its first input cell: rows of the input width where the register block runs compact, else of the padded width.");
                if (!spreadFirst)
                {
                    SpreadOutputGradient(w, plan);
                }

                w.Line($"{inputGradientGemm.Name}<TS, TV>({Names.KernelArguments});");
                w.Line($"int width = {RowWidth(inputGradientGemm)};");
                using (w.Block($"for (int ci = 0; ci < {ic}; ci++)"))
                using (w.Block($"for (int y = 0; y < {h}; y++)"))
                {
                    w.Line($"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {plan.PaddedGradient.Offset} + (ci * {plan.PaddedGradientRowStride}) + (y * width)), ref TS.At(ref ws, {plan.InputGradient.Offset} + (ci * {h * wi}) + (y * {wi})), {wi});");
                }
            }
            else
            {
                w.Line("// dColumns[r][j] = sum over o of W[o][r] * dY[o][j]; then col2im adds every column back onto its input cell.");
                w.Line($"{plan.ColumnGradientGemm!.Name}<TS, TV>({Names.KernelArguments});");
                w.Line($"global::StaticCnn.Kernels.Memory.Clear(ref TS.At(ref ws, {plan.PaddedGradient.Offset}), {ic * plane});");
                Im2ColLoops(w, plan, gather: false);

                if (plan.CopiesIntoPadded)
                {
                    Loops.PlaneRowCopy(w, ic, h, wi, plan.PaddedGradient.Offset + (window.PadTop * wp) + window.PadLeft, plane, wp, plan.InputGradient.Offset, h * wi, wi);
                }
            }
        }

        w.Line();
        foreach (TapReduce reduce in plan.WeightGradient)
        {
            KernelEmitter.EmitReduce(w, reduce, $"[{layer.Index}] weight gradient: {oc} filters x {Format.Int((long)icG * kh * kw)} weights, each a sum over {Format.Int(reduce.Columns)} columns.");
            w.Line();
        }

        foreach (TapGemm gemm in plan.OuterProducts)
        {
            KernelEmitter.EmitGemm(w, gemm, $"[{layer.Index}] weight gradient of one tap as outer products: {ic} channels x {oc} filters, summed over {Format.Int(gemm.Loops.Aggregate(1, (n, l) => n * l.Count))} pixels.");
            w.Line();
        }

        if (plan.WinogradInputGradient is WinogradPlan plannedX)
        {
            KernelEmitter.EmitGemm(w, plannedX.Gemm, $"[{layer.Index}] Winograd GEMM of the input gradient at one position: {ic} channels x {Format.Count(plannedX.ChunkTiles)} tiles (a chunk of {plannedX.ChunkRows} tile rows), {oc} filters each.");
        }
        else if (plan.Implicit)
        {
            KernelEmitter.EmitGemm(w, plan.InputGradientGemm!, $"[{layer.Index}] input gradient over the middle rows of the padded grid: {ic} channels x {Format.Int(plan.InputGradientGemm!.Columns)} columns, {Format.Int((long)ocG * kh * kw)} taps each.");
        }
        else
        {
            KernelEmitter.EmitGemm(w, plan.ColumnGradientGemm!, $"[{layer.Index}] gradient of the im2col columns: {Format.Int((long)ic * kh * kw)} rows x {Format.Int(plan.ColumnGradientGemm!.Columns)} columns, {ocG} taps each.");
        }
    }

    /// <summary>
    /// im2col (gather) or col2im (scatter, adding): column row (c*kh + ky)*kw + kx, column oy*Wo + ox, holds
    /// xp[c][oy*sh + ky*dh][ox*sw + kx*dw] of the padded input (or adds its gradient back onto that cell).
    /// </summary>
    private static void Im2ColLoops(IndentedWriter w, ConvPlan plan, bool gather)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth, sh = window.StrideHeight, sw = window.StrideWidth;
        int wp = plan.PaddedWidth, plane = plan.PaddedHeight * wp, ho = layer.Output.H, wo = layer.Output.W;
        string tapRow = window.DilationHeight == 1 ? "(ky * " + wp + ")" : $"(ky * {window.DilationHeight * wp})";
        string tapColumn = window.DilationWidth == 1 ? "kx" : $"(kx * {window.DilationWidth})";
        string dilated = window.DilationHeight == 1 && window.DilationWidth == 1 ? "" : $", taps {window.DilationHeight}x{window.DilationWidth} apart";
        if (gather)
        {
            w.Line($"// im2col: row (c*{kh} + ky)*{kw} + kx, column oy*{wo} + ox holds xp[c][oy*{sh} + ky][ox*{sw} + kx]{dilated}.");
        }

        int buffer = gather ? plan.Columns!.Offset : plan.ColumnGradient!.Offset;
        int grid = gather ? plan.Padded.Offset : plan.PaddedGradient.Offset;
        using (w.Block($"for (int ci = 0; ci < {layer.Input.C}; ci++)"))
        using (w.Block($"for (int ky = 0; ky < {kh}; ky++)"))
        using (w.Block($"for (int kx = 0; kx < {kw}; kx++)"))
        {
            string cells = $"ref float {(gather ? "src" : "dst")} = ref TS.At(ref ws, {grid} + (ci * {plane}) + {tapRow} + {tapColumn});";
            string columns = $"ref float {(gather ? "dst" : "src")} = ref TS.At(ref ws, {buffer} + (((ci * {kh}) + ky) * {kw} + kx) * {plan.WideRowStride});";
            w.Line(gather ? cells : columns);
            w.Line(gather ? columns : cells);
            if (gather && sw <= 2)
            {
                GatherRows(w, layer.Input.C, ho, wo, sh * wp, sw);
            }
            else
            {
                using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
                using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
                {
                    w.Line(gather
                        ? $"TS.At(ref dst, (oy * {wo}) + ox) = TS.At(ref src, (oy * {sh * wp}) + (ox * {sw}));"
                        : $"TS.At(ref dst, (oy * {sh * wp}) + (ox * {sw})) += TS.At(ref src, (oy * {wo}) + ox);");
                }
            }
        }
    }

    /// <summary>
    /// The gather of one tap's im2col row with a width stride of 1 or 2, in vectors: stride 1 copies each output row's
    /// cells, stride 2 takes the even lanes of two loads (<c>TS.Evens</c>), the last vector moved back to end at the
    /// row's end. A stride-2 vector reads one cell past the row's last used one, which for the last row of the last
    /// channel may lie past the padded grid: that row is gathered cell by cell.
    /// </summary>
    private static void GatherRows(IndentedWriter w, int channels, int ho, int wo, int sourceRow, int sw)
    {
        using (w.Block($"for (int oy = 0; oy < {ho}; oy++)"))
        {
            w.Line($"ref float s = ref TS.At(ref src, oy * {sourceRow});");
            w.Line($"ref float d = ref TS.At(ref dst, oy * {wo});");
            string inside = sw == 1 ? "" : $" && (ci < {channels - 1} || oy < {ho - 1})";
            using (w.Block($"if ({wo} >= TS.Count{inside})"))
            {
                Loops.VectorLoop(w, wo, sw == 1
                    ? "TS.Store(TS.Load(ref s, x), ref d, x);"
                    : "TS.Store(TS.Evens(TS.Load(ref s, 2 * x), TS.Load(ref s, (2 * x) + TS.Count)), ref d, x);");
            }

            using (w.Block("else"))
            using (w.Block($"for (int ox = 0; ox < {wo}; ox++)"))
            {
                w.Line($"TS.At(ref d, ox) = TS.At(ref s, ox{(sw == 1 ? "" : " * 2")});");
            }
        }
    }

    /// <summary>
    /// Compacts the GEMM result into the C,H,W output (dropping the wrapped columns) and, when a ReLU follows,
    /// writes its output in the same pass.
    /// </summary>
    private static void Epilogue(IndentedWriter w, ConvPlan plan, TapGemm forward)
    {
        LayerShape layer = plan.Shape;
        int oc = layer.Output.C;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        int outPlane = ho * wo;

        // The strided and shifted-rows paths' rows are whole planes; the implicit and deinterleaved paths' are output rows
        // inside the GEMM's wider rows. The GEMM's result is where it wrote it: its C buffer, rows of its C row stride.
        bool planes = (!plan.Implicit && plan.Deinterleaved is null) || plan.ShiftedRows is not null;
        int rows = planes ? 1 : ho;
        int length = planes ? outPlane : wo;
        int sourceRow = planes ? 0 : plan.WideWidth;
        ActivationPlan? relu = plan.FusedRelu;
        string keep = planes ? $"copy each filter's {Format.Int(outPlane)} outputs" : $"keep the {wo} valid columns of every row";
        w.Line(relu is null
            ? $"// Epilogue: {keep}: the {layer.Output} output."
            : $"// Epilogue: {keep} through layer {relu.Index}'s ReLU (its backward reads its output: the convolution's own {layer.Output} is not kept).");
        string source = sourceRow.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (forward.Map is not null)
        {
            // The GEMM's rows are compact where its register block ran compact (the same JIT-time constant).
            w.Line("// Row width of the GEMM result: the output width where the register block ran compact, else the padded width.");
            w.Line($"int width = {RowWidth(forward)};");
            source = "width";
        }

        if (plan.Affine is AffineEpilogue affine)
        {
            w.Line($"// Layer {affine.Layer}'s BatchNorm is folded in: each filter's sums are scaled and shifted by its evaluation-mode scale and shift{(relu is null ? "" : ", then the ReLU")}.");
            using (w.Block($"for (int co = 0; co < {oc}; co++)"))
            {
                w.Line($"float sc = TS.At(ref g, {affine.Scale} + co), hc = TS.At(ref g, {affine.Shift} + co);");
                w.Line("TV s = TS.Broadcast(sc), h = TS.Broadcast(hc);");
                using (w.Block($"for (int oy = 0; oy < {rows}; oy++)"))
                {
                    w.Line($"ref float src = ref TS.At(ref ws, {forward.COffset} + (co * {forward.CRowStride}) + (oy * {source}));");
                    w.Line($"ref float dst = ref TS.At(ref ws, {plan.Output.Offset} + (co * {outPlane}) + (oy * {wo}));");
                    Loops.RowLoop(w, length,
                        relu is null ? "TS.Store(TS.MultiplyAdd(TS.Load(ref src, x), s, h), ref dst, x);" : "TS.Store(TS.Max(TS.MultiplyAdd(TS.Load(ref src, x), s, h), TS.Zero), ref dst, x);",
                        relu is null ? "TS.At(ref dst, x) = global::StaticCnn.Kernels.SimdScalar.MultiplyAdd(TS.At(ref src, x), sc, hc);" : "TS.At(ref dst, x) = global::StaticCnn.Kernels.SimdScalar.Max(global::StaticCnn.Kernels.SimdScalar.MultiplyAdd(TS.At(ref src, x), sc, hc), 0f);");
                }
            }

            return;
        }

        using (w.Block($"for (int co = 0; co < {oc}; co++)"))
        using (w.Block($"for (int oy = 0; oy < {rows}; oy++)"))
        {
            w.Line($"ref float src = ref TS.At(ref ws, {forward.COffset} + (co * {forward.CRowStride}) + (oy * {source}));");
            if (relu is null)
            {
                w.Line($"ref float dst = ref TS.At(ref ws, {plan.Output.Offset} + (co * {outPlane}) + (oy * {wo}));");
                Loops.RowLoop(w, length, "TS.Store(TS.Load(ref src, x), ref dst, x);", "TS.At(ref dst, x) = TS.At(ref src, x);");
            }
            else
            {
                w.Line($"ref float act = ref TS.At(ref ws, {relu.Output.Offset} + (co * {outPlane}) + (oy * {wo}));");
                Loops.RowLoop(w, length,
                    "TS.Store(TS.Max(TS.Load(ref src, x), TS.Zero), ref act, x);",
                    "TS.At(ref act, x) = global::StaticCnn.Kernels.SimdScalar.Max(TS.At(ref src, x), 0f);");
            }
        }
    }

    /// <summary>The implicit path's dY, spread onto rows of the padded width after zero margins.</summary>
    private static void SpreadOutputGradient(IndentedWriter w, ConvPlan plan)
    {
        LayerShape layer = plan.Shape;
        int ho = layer.Output.H, wo = layer.Output.W, wp = plan.PaddedWidth;
        w.Line($"// Spread dY onto rows of width {wp} after {plan.WideGradientMargin} zeros; the wrapped columns stay zero.");
        Loops.PlaneRowCopy(w, layer.Output.C, ho, wo, plan.OutputGradient.Offset, ho * wo, wo, plan.WideGradient.Offset + plan.WideGradientMargin, plan.WideGradientRowStride, wp);
    }

    /// <summary>
    /// The row width of a mapped GEMM's result as a C# expression the JIT folds: the map's width where the register
    /// block of the running vector width is compact, else the padded width.
    /// </summary>
    private static string RowWidth(TapGemm gemm)
    {
        ColumnMap map = gemm.Map!.Value;
        return PerBlock(gemm, block => $"({map.CompactTest(block.Vectors)} ? {map.Width} : {map.PaddedWidth})");
    }

    /// <summary>
    /// A C# expression the JIT folds: <paramref name="test"/> of the register block the running width compiles, chosen
    /// as the GEMM's own dispatch chooses it (wide at 16 lanes, <see cref="TapGemm.Mid"/> with 32 registers, else narrow).
    /// </summary>
    private static string PerBlock(TapGemm gemm, System.Func<RegisterBlock, string> test)
    {
        string narrow = test(gemm.Narrow);
        string rest = gemm.Mid is RegisterBlock mid && mid != gemm.Narrow ? $"(TS.Registers == 32 ? {test(mid)} : {narrow})" : narrow;
        return gemm.Wide == gemm.Narrow && rest == narrow ? narrow : $"(TS.Count == {Blocking.MaxLanes} ? {test(gemm.Wide)} : {rest})";
    }
}

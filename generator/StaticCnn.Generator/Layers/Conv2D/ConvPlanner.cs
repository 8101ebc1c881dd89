using System;
using System.Collections.Generic;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// Plans a Conv2D: which forward kernel it runs (implicit GEMM, shifted rows, filters in lanes, Winograd F(2x2, 3x3)
/// or im2col + GEMM), how its weight and input gradients are computed, and every buffer they need, with register
/// blocks chosen from the exact shapes (kernels.md has the measurements behind each choice).
/// </summary>
internal static class ConvPlanner
{
    public static ConvPlan Plan(LayerShape layer, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient, Workspace workspace, bool inference)
    {
        // An inference plan's methods are named Infer{n}{Kind}: the name is fixed here, with the GEMMs'.
        var plan = new ConvPlan(layer, input, output, inputGradient, outputGradient) { Inference = inference };
        Window window = layer.Window;
        int kh = window.KernelHeight, kw = window.KernelWidth;
        int dh = window.DilationHeight, dw = window.DilationWidth;
        int ic = layer.Input.C;
        int oc = layer.Output.C;
        int groups = Groups(layer);
        int icG = ic / groups, ocG = oc / groups;
        int hp = layer.Input.H + window.PadTop + window.PadBottom;
        int wp = layer.Input.W + window.PadLeft + window.PadRight;
        int plane = hp * wp;
        int taps = kh * kw;
        int fanIn = icG * taps;
        int ho = layer.Output.H;
        int wo = layer.Output.W;
        int n = layer.Index;
        int weights = layer.ParameterOffset;
        int? bias = layer.BiasCount > 0 ? layer.BiasOffset : null;
        int groupRows = groups > 1 ? ocG : 0;
        plan.PaddedHeight = hp;
        plan.PaddedWidth = wp;
        plan.Implicit = window.StrideHeight == 1 && window.StrideWidth == 1 && kw <= MaxImplicitRowTaps;
        plan.CopiesIntoPadded = window.PadTop + window.PadBottom + window.PadLeft + window.PadRight > 0;
        plan.Padded = plan.CopiesIntoPadded
            ? workspace.Add($"P{n}", (long)ic * plane, $"[{n}] zero-padded input {ic}x{hp}x{wp}")
            : input;

        // The depthwise kernel reads the input itself unless its loads left of the first column would fall before the
        // workspace (the network's input is its first buffer); elsewhere they read the slack of the buffer before.
        bool flat = !UsesDepthwiseKernel(layer) && UsesFlatDepthwiseKernel(layer, input);
        plan.DepthwiseReadsInput = (UsesDepthwiseKernel(layer) && plan.CopiesIntoPadded && input.Offset >= window.PadLeft + Blocking.MaxLanes) || flat;

        // At inference a depthwise layer on a small map runs with its channels in the lanes, summing as the training
        // plan's kernel (the depthwise or the flat one) does.
        bool channelsInLanes = inference && (UsesDepthwiseKernel(layer) || flat) && UsesChannelsInLanes(layer);
        if (channelsInLanes)
        {
            plan.ChannelsInLanes = AddChannelsInLanes(plan, workspace, flat ? Math.Min(kh, 3) : 1);
        }
        else if (flat)
        {
            plan.FlatMasks = workspace.Add($"M{n}", (long)taps * layer.Input.H * layer.Input.W,
                $"[{n}] lane masks of the flat depthwise kernel: {taps} taps x {layer.Input.H * layer.Input.W} cells");
        }

        if (plan.Implicit)
        {
            // Implicit GEMM over the padded input read in place: output column j = oy*Wp + ox, of which the
            // last (kw-1)*dw of every row wrap around and are discarded, or, for blocks that fit whole output rows,
            // j = oy*Wo + ox with no wrapped columns (ColumnMap).
            if (UsesWinograd(layer))
            {
                AddWinograd(plan, workspace);
            }
            else if (UsesFiltersInLanes(layer))
            {
                AddFiltersInLanes(plan, workspace);
            }
            else if (UsesShiftedRows(layer))
            {
                AddShiftedRows(plan, workspace);
            }
            else if (UsesDepthwiseKernel(layer) || flat)
            {
                plan.DepthwiseKernel = true;
                plan.Kernel = DepthwiseKernelText(plan);
            }
            else
            {
                int columns = ho * wp;
                var map = new ColumnMap(ho, wo, wp);
                RegisterBlock narrow = Blocking.ForGemm(ocG, columns, wide: false, map: map), wide = Blocking.ForGemm(ocG, columns, wide: true, map: map);
                int stride = Blocking.RowStride(columns, narrow, wide);
                plan.WideWidth = wp;
                plan.WideRowStride = stride;
                plan.Wide = workspace.Add($"W{n}", (long)oc * stride, $"[{n}] output rows of width {wp} before compaction");
                var loops = new List<TapLoop>();
                List<Tap> windowTaps = WindowTaps(kh, kw, dh * wp, dw, loops, icG, taps, plane, forward: true, CodeBudget.UnrollWindow(taps, narrow, wide));
                plan.Forward = new TapGemm($"{plan.MethodPrefix}Forward", oc, narrow, wide, columns,
                    Operand.Parameters, weights, fanIn, plan.Padded.Offset, loops, windowTaps,
                    plan.Wide.Offset, stride, bias, map, GroupRows: groupRows, BGroupStep: icG * plane);
                plan.Kernel = $"implicit GEMM{(groups > 1 ? $" per group ({groups} groups of {ocG} filter{(ocG == 1 ? "" : "s")} over {icG} channel{(icG == 1 ? "" : "s")})" : "")}, filters x vectors per register block {narrow}{(map.Compact(narrow.Vectors, Blocking.Lanes) ? " compact" : "")} (AVX2) / {wide}{(map.Compact(wide.Vectors, Blocking.MaxLanes) ? " compact" : "")} (AVX-512)";
            }

            // Backward reads the output gradient spread back onto rows of width Wp, with the window's span - 1 zero rows
            // (and columns) before it, so that the input gradient is again a tap GEMM over the padded grid.
            int margin = ((window.SpanHeight - 1) * wp) + (window.SpanWidth - 1);
            int gradientStride = RoundUp(margin + plane + Blocking.MaxColumnFloats, Blocking.MaxLanes);
            plan.WideGradientMargin = margin;
            plan.WideGradientRowStride = gradientStride;
            plan.WideGradient = workspace.AddBackward($"WG{n}", (long)oc * gradientStride, $"[{n}] output gradient on rows of width {wp}, zero margins");

            if (groups == 1 && oc >= OuterProductFilters)
            {
                AddOuterProductWeightGradient(plan, oc, ic, kh, kw, dh, dw, wp, plane, workspace);
            }
            else if (taps > 1 && wo % Blocking.MaxLanes == 0)
            {
                // Rows of a whole number of the widest vector: walk the valid columns of each output row over the
                // compact dY instead of the wide rows' wrapped zeros.
                AddWeightGradient(plan, layer, oc, ho * wo, plan.OutputGradient.Offset, ho * wo,
                    plan.Padded.Offset, icG, taps, kh, kw, dh, dw, wp, plane, fanIn, groupRows, new ColumnMap(ho, wo, wp));
            }
            else
            {
                AddWeightGradient(plan, layer, oc, ho * wp, plan.WideGradient.Offset + margin, gradientStride,
                    plan.Padded.Offset, icG, taps, kh, kw, dh, dw, wp, plane, fanIn, groupRows);
            }

            if (plan.Winograd is not null && UsesWinogradInputGradient(layer))
            {
                plan.WinogradInputGradient = BuildWinograd(workspace, layer, ic, oc, layer.Input.H / 2, layer.Input.W / 2,
                    $"{plan.MethodPrefix}WinogradInputGradientGemm", "X", "channels", "filters");
                return plan;
            }

            // The input gradient is needed only in the middle of the padded grid: its GEMM starts at the first input
            // cell and covers the H input rows, compact (rows of W) where the block allows, else rows of Wp.
            int h = layer.Input.H, wi = layer.Input.W;
            var mapX = new ColumnMap(h, wi, wp, (window.PadTop * wp) + window.PadLeft);
            int columnsX = h * wp;
            RegisterBlock narrowX = Blocking.ForGemm(icG, columnsX, wide: false, map: mapX), wideX = Blocking.ForGemm(icG, columnsX, wide: true, map: mapX);
            int paddedStride = Blocking.RowStride(columnsX, narrowX, wideX);
            plan.PaddedGradientRowStride = paddedStride;
            plan.PaddedGradient = workspace.AddBackward($"PG{n}", (long)ic * paddedStride, $"[{n}] input gradient over the padded {hp}x{wp} grid");
            var backLoops = new List<TapLoop>();
            List<Tap> backTaps = WindowTaps(kh, kw, dh * wp, dw, backLoops, ocG, taps, gradientStride, forward: false, CodeBudget.UnrollWindow(taps, narrowX, wideX), fanIn);

            // Row c (group g = c / (C/G)) reads W[g*K/G + o][c - g*C/G]: row-linear c*taps, plus (K/G - 1)*fanIn per group.
            plan.InputGradientGemm = new TapGemm($"{plan.MethodPrefix}InputGradient", ic, narrowX, wideX, columnsX,
                Operand.Parameters, weights, taps, plan.WideGradient.Offset + margin, backLoops, backTaps,
                plan.PaddedGradient.Offset, paddedStride, null, mapX,
                GroupRows: groups > 1 ? icG : 0, AGroupStep: fanIn * (ocG - 1), BGroupStep: ocG * gradientStride);
        }
        else
        {
            // Strided: gather the receptive fields into columns (im2col), then GEMM, one group's rows at a time.
            int columns = ho * wo;
            int rows = ic * taps;
            RegisterBlock narrow = Blocking.ForGemm(ocG, columns, wide: false, shiftedLoads: false), wide = Blocking.ForGemm(ocG, columns, wide: true, shiftedLoads: false);
            RegisterBlock narrowC = Blocking.ForGemm(fanIn, columns, wide: false, shiftedLoads: false), wideC = Blocking.ForGemm(fanIn, columns, wide: true, shiftedLoads: false);
            int stride = Math.Max(Blocking.RowStride(columns, narrow, wide), Blocking.RowStride(columns, narrowC, wideC));
            plan.WideWidth = wo;
            plan.WideRowStride = stride;
            plan.Columns = workspace.Add($"C{n}", (long)rows * stride, $"[{n}] im2col: {rows} rows of {columns} receptive-field values");
            plan.DepthwiseKernel = UsesDepthwiseKernel(layer);
            if (plan.DepthwiseKernel)
            {
                // The forward pass reads the padded input directly; the backward pass gathers the columns it needs.
                if (inference && plan.ChannelsInLanes is null && UsesDeinterleavedDepthwise(layer))
                {
                    plan.Deinterleaved = AddDeinterleavedInput(plan, workspace);
                }

                plan.Kernel = DepthwiseKernelText(plan);
            }
            else if (inference && UsesDeinterleaved(layer))
            {
                // The inference plan has no backward pass: its forward needs neither the padded copy nor the columns.
                AddDeinterleaved(plan, workspace);
            }
            else
            {
                plan.Wide = workspace.Add($"W{n}", (long)oc * stride, $"[{n}] output rows before compaction");
                plan.Forward = new TapGemm($"{plan.MethodPrefix}Forward", oc, narrow, wide, columns,
                    Operand.Parameters, weights, fanIn, plan.Columns.Offset,
                    new[] { new TapLoop("kk", fanIn, 1, stride, 0) }, new[] { new Tap(0, 0, 0, "") },
                    plan.Wide.Offset, stride, bias, GroupRows: groupRows, BGroupStep: fanIn * stride);
                plan.Kernel = $"im2col + GEMM{(groups > 1 ? $" per group ({groups} groups)" : "")}, filters x vectors per register block {narrow} (AVX2) / {wide} (AVX-512)";
            }

            plan.WideGradientRowStride = stride;
            plan.WideGradient = workspace.AddBackward($"WG{n}", (long)oc * stride, $"[{n}] output gradient rows, zero past {columns}");
            AddChannelGroups(plan, oc, columns, plan.WideGradient.Offset, stride, plan.Columns.Offset, stride, fanIn, layer.ParameterOffset, fanIn,
                $"{plan.MethodPrefix}WeightGradient", groupRows, fanIn * stride);

            plan.ColumnGradient = workspace.AddBackward($"CG{n}", (long)rows * stride, $"[{n}] gradient of the im2col columns");

            // Column row r (group g = r / fanIn) reads W[g*K/G + o][r - g*fanIn]: row-linear r, plus (K/G - 1)*fanIn per group.
            plan.ColumnGradientGemm = new TapGemm($"{plan.MethodPrefix}ColumnGradient", rows, narrowC, wideC, columns,
                Operand.Parameters, weights, 1, plan.WideGradient.Offset,
                new[] { new TapLoop("co", ocG, fanIn, stride, 0) }, new[] { new Tap(0, 0, 0, "") },
                plan.ColumnGradient.Offset, stride, null,
                GroupRows: groups > 1 ? fanIn : 0, AGroupStep: fanIn * (ocG - 1), BGroupStep: ocG * stride);
            plan.PaddedGradientRowStride = plane;
            plan.PaddedGradient = plan.CopiesIntoPadded
                ? workspace.AddBackward($"PG{n}", (long)ic * plane, $"[{n}] input gradient over the padded {hp}x{wp} grid")
                : inputGradient;
        }

        return plan;
    }

    /// <summary>
    /// Whether a convolution's inference forward pass reads its input with the even and odd columns apart
    /// (<see cref="ConvPlan.Deinterleaved"/>) instead of copying it into the padded grid and gathering im2col columns:
    /// stride 2 both ways, one group, no dilation, a window of at most 25 taps (unrolled), and an output width that
    /// is a whole number of the widest vector, so that every width's register block runs over the compact output
    /// columns. MobileNetV1-0.25's first layer (3x96x96, 8 filters): the copy and the columns took 17 of its 28 us.
    /// </summary>
    public static bool UsesDeinterleaved(LayerShape layer) =>
        layer.Layer is ConvSpec { Depthwise: false } && Groups(layer) == 1
        && layer.Window is { StrideHeight: 2, StrideWidth: 2, DilationHeight: 1, DilationWidth: 1 }
        && layer.Window.KernelHeight * layer.Window.KernelWidth <= MaxDeinterleavedTaps
        && layer.Output.W % Blocking.MaxLanes == 0;

    /// <summary>
    /// Whether a depthwise convolution's inference forward pass (the depthwise kernel) reads the input's even and odd
    /// columns apart: stride 2 both ways, no dilation, rows of at least 4 outputs (narrower rows run scalar). Each tap
    /// is then one load instead of the even lanes of two, and D's zero padding leaves no tap to mask or skip.
    /// </summary>
    public static bool UsesDeinterleavedDepthwise(LayerShape layer) =>
        layer.Window is { StrideHeight: 2, StrideWidth: 2, DilationHeight: 1, DilationWidth: 1 } && layer.Output.W >= 4;

    /// <summary>
    /// Whether a depthwise layer that runs the depthwise or the flat kernel in training runs at inference with its
    /// channels in the vector lanes (<see cref="ConvPlan.ChannelsInLanes"/>): one filter per channel, the channels a
    /// whole number of the widest vector, output rows of at most <see cref="ChannelsInLanesWidth"/> (narrower than
    /// two vectors of 8, where the row kernels compute overlapping or scalar vectors, and the flat kernel masks most
    /// loads), at least 8 input and output pixels (the transposes' blocks), at most 25 taps (unrolled per output), and
    /// the biases, if any, right after the weights.
    /// </summary>
    public static bool UsesChannelsInLanes(LayerShape layer) =>
        layer.Output.C == layer.Input.C && layer.Input.C % Blocking.MaxLanes == 0
        && layer.Output.W <= ChannelsInLanesWidth
        && layer.Output.H * layer.Output.W >= Blocking.Lanes && layer.Input.H * layer.Input.W >= Blocking.Lanes
        && layer.Window.KernelHeight * layer.Window.KernelWidth <= MaxDeinterleavedTaps
        && (layer.BiasCount == 0 || layer.BiasOffset == layer.ParameterOffset + layer.WeightCount);

    /// <summary>Output widths up to which a depthwise layer runs with its channels in the lanes at inference.</summary>
    public const int ChannelsInLanesWidth = 12;

    /// <summary>The transposed taps (and biases) in the transformed array, the weights they were made from, and the two pixel-major buffers.</summary>
    private static ChannelsInLanesPlan AddChannelsInLanes(ConvPlan plan, Workspace workspace, int chains)
    {
        LayerShape layer = plan.Shape;
        int n = layer.Index, c = layer.Input.C, taps = layer.Window.KernelHeight * layer.Window.KernelWidth;
        int inputPixels = layer.Input.H * layer.Input.W, outputPixels = layer.Output.H * layer.Output.W;
        return new ChannelsInLanesPlan(
            workspace.AddTransformed($"T{n}", (long)(taps + 1) * c, $"[{n}] taps in lanes: T[tap][channel] for {taps} taps, then the biases, rows of {c}"),
            workspace.AddTransformed($"TC{n}", layer.WeightCount + layer.BiasCount, $"[{n}] the weights{(layer.BiasCount > 0 ? " and biases" : "")} T was made from"),
            workspace.Add($"XT{n}", (long)inputPixels * c, $"[{n}] input pixel-major: {inputPixels} pixels x {c} channels"),
            workspace.Add($"YT{n}", (long)outputPixels * c, $"[{n}] output pixel-major: {outputPixels} pixels x {c} channels"),
            chains);
    }

    /// <summary>
    /// At inference, hands pixel-major results from layer to layer: where a convolution that computes its result
    /// pixel-major (channels or filters in the lanes) has, looking through the BatchNorm folded into it and the ReLU
    /// fused into it, one reader, and that reader is a depthwise layer with its channels in the lanes or a 1x1
    /// convolution with its filters in the lanes (stride 1, no padding), the reader reads the result where it is and
    /// the writer skips its transpose back to C,H,W (<see cref="ConvPlan.PixelMajorOutput"/>). DS-CNN's four
    /// depthwise-separable blocks and MobileNetV1's 12x12, 6x6 and 3x3 ones then run without a transpose between
    /// their layers, as ONNX Runtime's NCHWc layout does.
    /// </summary>
    /// <param name="layers">The inference plan's layers, in order.</param>
    /// <param name="readers">Who reads each tensor.</param>
    /// <param name="skipped">Layers the inference plan leaves out (Dropout, folded BatchNorm): their readers read what they read.</param>
    public static void LinkPixelMajor(IReadOnlyList<LayerPlan> layers, Readers readers, ISet<int> skipped)
    {
        var byIndex = new Dictionary<int, LayerPlan>();
        foreach (LayerPlan layer in layers)
        {
            byIndex[layer.Index] = layer;
        }

        foreach (LayerPlan layer in layers)
        {
            if (layer is not ConvPlan writer || (writer.ChannelsInLanes is null && writer.FiltersInLanes is null))
            {
                continue;
            }

            LayerShape? reader = SoleReader(readers, skipped, writer.Index);
            if (writer.FusedRelu is ActivationPlan relu)
            {
                reader = reader == relu.Shape ? SoleReader(readers, skipped, relu.Index) : null;
            }

            if (reader is null || !byIndex.TryGetValue(reader.Index, out LayerPlan? next) || next is not ConvPlan consumer || !ReadsPixelMajor(consumer))
            {
                continue;
            }

            PixelMajorSource source = writer.ChannelsInLanes is ChannelsInLanesPlan channels
                ? new PixelMajorSource(channels.Result.Offset, writer.Shape.Output.C, writer.Index)
                : new PixelMajorSource(writer.FiltersInLanes!.Result.Offset, writer.FiltersInLanes.Stride, writer.Index);
            writer.PixelMajorOutput = true;
            consumer.PixelMajorInput = source;
            if (consumer.FiltersInLanes is FiltersInLanesPlan lanes)
            {
                // Row (pixel) p reads its channels at source + p * stride, channel ci one float further: no row map.
                TapGemm gemm = consumer.Forward! with
                {
                    AOffset = source.Offset,
                    ARowStride = source.Stride,
                    RowMap = null,
                    Loops = new[] { new TapLoop("ci", consumer.Shape.Input.C, 1, lanes.Stride, 0) },
                };
                consumer.Forward = gemm;
                consumer.FiltersInLanes = lanes with { Gemm = gemm };
            }
        }
    }

    /// <summary>A depthwise layer with its channels in the lanes, or a 1x1 convolution with its filters in them over its unpadded input.</summary>
    private static bool ReadsPixelMajor(ConvPlan plan) =>
        plan.ChannelsInLanes is not null
        || (plan.FiltersInLanes is not null && plan.Shape.KernelSize == 1 && !plan.CopiesIntoPadded);

    private static LayerShape? SoleReader(Readers readers, ISet<int> skipped, int tensor)
    {
        LayerShape? reader = readers.SoleReader(tensor);
        while (reader is not null && skipped.Contains(reader.Index))
        {
            reader = readers.SoleReader(reader.Index);
        }

        return reader;
    }

    /// <summary>D for a stride-2 layer: rows of both halves over the padded height, each half at least the output width plus the window's reach.</summary>
    private static DeinterleavedPlan AddDeinterleavedInput(ConvPlan plan, Workspace workspace)
    {
        LayerShape layer = plan.Shape;
        int n = layer.Index, ic = layer.Input.C, hp = plan.PaddedHeight, wp = plan.PaddedWidth;
        int half = RoundUp(Math.Max((wp + 1) / 2, layer.Output.W + ((layer.Window.KernelWidth - 1) / 2)), Blocking.Lanes);
        return new DeinterleavedPlan(
            workspace.Add($"D{n}", (long)ic * hp * 2 * half, $"[{n}] input, even and odd columns apart: {ic} x {hp} padded rows x (2 x {half})"),
            half);
    }

    /// <summary>Taps up to which the deinterleaved forward pass unrolls its window (5x5).</summary>
    public const int MaxDeinterleavedTaps = 25;

    /// <summary>
    /// The deinterleaved forward pass: D (<see cref="DeinterleavedPlan"/>) made from the input, then an implicit GEMM
    /// whose output row oy reads D's rows from 2oy (a column map with rows 2 * RowPitch apart) and whose tap (c, ky,
    /// kx) reads at c * plane + ky * RowPitch + (kx % 2) * Half + kx / 2; compact blocks store straight into the output.
    /// </summary>
    private static void AddDeinterleaved(ConvPlan plan, Workspace workspace)
    {
        LayerShape layer = plan.Shape;
        Window window = layer.Window;
        int n = layer.Index, ic = layer.Input.C, oc = layer.Output.C, kh = window.KernelHeight, kw = window.KernelWidth;
        int ho = layer.Output.H, wo = layer.Output.W, hp = plan.PaddedHeight, wp = plan.PaddedWidth;
        int taps = kh * kw;
        DeinterleavedPlan deinterleaved = AddDeinterleavedInput(plan, workspace);
        int half = deinterleaved.Half;
        int plane = hp * deinterleaved.RowPitch;
        var map = new ColumnMap(ho, wo, 2 * deinterleaved.RowPitch);
        int columns = ho * map.PaddedWidth;
        RegisterBlock narrow = Blocking.ForGemm(oc, columns, wide: false, map: map), wide = Blocking.ForGemm(oc, columns, wide: true, map: map);
        int stride = Blocking.RowStride(columns, narrow, wide);
        plan.Wide = workspace.Add($"W{n}", (long)oc * stride, $"[{n}] output rows of width {map.PaddedWidth} where a register block does not run compact");
        var windowTaps = new List<Tap>();
        for (int ky = 0; ky < kh; ky++)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                windowTaps.Add(new Tap((ky * kw) + kx, (ky * deinterleaved.RowPitch) + (kx % 2 * half) + (kx / 2), 0, $"ky={ky}, kx={kx}: {(kx % 2 == 0 ? "even" : "odd")} columns from {kx / 2}"));
            }
        }

        plan.Deinterleaved = deinterleaved;
        plan.Forward = new TapGemm($"{plan.MethodPrefix}Forward", oc, narrow, wide, columns,
            Operand.Parameters, layer.ParameterOffset, ic * taps, deinterleaved.Buffer.Offset,
            new[] { new TapLoop("ci", ic, taps, plane, 0) }, windowTaps,
            plan.Wide.Offset, stride, layer.BiasCount > 0 ? layer.BiasOffset : null, map);
        plan.Kernel = $"even and odd input columns apart + implicit GEMM, filters x vectors per register block {narrow}{(map.Compact(narrow.Vectors, Blocking.Lanes) ? " compact" : "")} (AVX2) / {wide}{(map.Compact(wide.Vectors, Blocking.MaxLanes) ? " compact" : "")} (AVX-512)";
    }

    /// <summary>The layer's channel groups (a depthwise convolution's are its input channels).</summary>
    public static int Groups(LayerShape layer) => layer.Layer is ConvSpec { Depthwise: true } ? layer.Input.C : ((ConvSpec)layer.Layer).Groups;

    /// <summary>
    /// Whether a convolution's forward pass runs the depthwise kernel: one input channel per group, at least two
    /// groups (one channel's filters are an ordinary convolution, whose GEMM shares each input load between its
    /// filters) and at most <see cref="DepthwiseMultiplier"/> filters per channel, for the same reason; and a width
    /// stride of 1 or 2. Stride 1 only where every output row holds a whole widest vector (16 floats): narrower maps
    /// keep the implicit GEMM, whose vectors run across the padded rows instead of one row at a time. A stride of 2
    /// reads two vectors and keeps their even lanes; its rows narrower than a vector run scalar (such maps are small).
    /// </summary>
    public static bool UsesDepthwiseKernel(LayerShape layer) =>
        layer.Layer is ConvSpec && layer.Input.C > 1 && Groups(layer) == layer.Input.C && DepthwiseCodeFits(layer)
        && layer.Output.C <= DepthwiseMultiplier * layer.Input.C
        && (layer.Window.StrideWidth == 2 || (layer.Window.StrideWidth == 1 && layer.Output.W >= Blocking.MaxLanes));

    /// <summary>
    /// Whether a depthwise convolution whose rows are too narrow for the row kernel runs the flat kernel instead: stride
    /// 1, an output the size of its input (any padding that keeps it so, such as 'same'), then the flattened output plane
    /// is a 1-D convolution of the flattened input plane. Its loads reach up to PadTop*W + PadLeft floats before the
    /// plane and PadBottom*W + PadRight after it, so both must stay within the zero slack between workspace buffers,
    /// and the input must not start the workspace.
    /// </summary>
    public static bool UsesFlatDepthwiseKernel(LayerShape layer, BufferPlan input)
    {
        Window window = layer.Window;
        int w = layer.Input.W;
        long before = ((long)window.PadTop * w) + window.PadLeft, after = ((long)window.PadBottom * w) + window.PadRight;
        return layer.Layer is ConvSpec && layer.Input.C > 1 && Groups(layer) == layer.Input.C && DepthwiseCodeFits(layer)
            && layer.Output.C <= DepthwiseMultiplier * layer.Input.C
            && window.StrideHeight == 1 && window.StrideWidth == 1
            && layer.Output.H == layer.Input.H && layer.Output.W == layer.Input.W
            && before <= 4 * Blocking.MaxLanes && after <= 4 * Blocking.MaxLanes && input.Offset >= before + Blocking.MaxLanes;
    }

    /// <summary>
    /// The depthwise kernels unroll every tap, once per edge row and once for the rows in between: windows up to
    /// <see cref="DepthwiseMaxTaps"/> taps with at most <see cref="DepthwiseMaxEdgeRows"/> edge rows keep the generated
    /// code small; larger ones run the per-group GEMM, whose unrolling has its own budget (CodeBudget).
    /// </summary>
    private static bool DepthwiseCodeFits(LayerShape layer)
    {
        Window window = layer.Window;
        int edgeRows = ((window.PadTop + window.StrideHeight - 1) / window.StrideHeight) + ((window.PadBottom + window.StrideHeight - 1) / window.StrideHeight);
        return (long)window.KernelHeight * window.KernelWidth <= DepthwiseMaxTaps && edgeRows <= DepthwiseMaxEdgeRows;
    }

    /// <summary>Taps up to which a depthwise window is unrolled by the depthwise kernels (7x7).</summary>
    public const int DepthwiseMaxTaps = 49;

    /// <summary>Output rows whose window leaves the input, each emitted on its own, up to which the depthwise kernels run.</summary>
    public const int DepthwiseMaxEdgeRows = 16;

    /// <summary>
    /// Window widths up to which a stride-1 convolution runs the implicit GEMM, which unrolls the taps of a window row
    /// (it loops over the rows when the window is large); wider windows go through im2col, whose GEMM loops over every
    /// tap, so that the generated code stays small (the fuzz's 8 x 491,994 window ran the generator out of memory).
    /// </summary>
    public const int MaxImplicitRowTaps = 64;

    /// <summary>Filters per channel up to which a depthwise convolution runs the depthwise kernel (each filter loads its channel again).</summary>
    public const int DepthwiseMultiplier = 2;

    private static string DepthwiseKernelText(ConvPlan plan)
    {
        LayerShape layer = plan.Shape;
        string stride = layer.Window.StrideWidth == 2 ? " (stride 2: the even lanes of two loads)" : "";
        string source = plan.DepthwiseReadsInput ? ", reading the input unpadded (the border's lanes masked)" : "";
        if (plan.ChannelsInLanes is ChannelsInLanesPlan lanes)
        {
            return $"depthwise kernel with the channels in the lanes: the input transposed to pixel-major rows, each output pixel's {layer.Window.KernelHeight * layer.Window.KernelWidth} taps (those inside the input) as vectors of channels{(lanes.Chains > 1 ? $" in {lanes.Chains} sums by window row, as the flat kernel adds them" : "")}, transposed back to C,H,W";
        }

        if (plan.FlatMasks is not null)
        {
            return $"flat depthwise kernel: each filter's {layer.Window.KernelHeight * layer.Window.KernelWidth} taps in registers, vectors along the flattened {layer.Output.H}x{layer.Output.W} plane{source}, stored straight into the output";
        }

        return $"depthwise kernel: each filter's {layer.Window.KernelHeight * layer.Window.KernelWidth} taps in registers, vectors along the output rows{stride}{source}, stored straight into the output";
    }

    /// <summary>
    /// A convolution the special forward kernels (Winograd, filters in lanes, shifted rows) take: one group, no
    /// dilation, a square kernel. Any padding: they read the padded grid.
    /// </summary>
    private static bool Plain(LayerShape layer) =>
        Groups(layer) == 1 && layer.Window.DilationHeight == 1 && layer.Window.DilationWidth == 1
        && layer.Window.KernelHeight == layer.Window.KernelWidth && layer.Window.StrideHeight == 1 && layer.Window.StrideWidth == 1;

    /// <summary>Input channels from which a 3x3 convolution runs Winograd F(2x2, 3x3): below it (first layers) the
    /// GEMMs' reduction is too short to pay for the transforms.</summary>
    public const int WinogradChannels = 8;

    /// <summary>
    /// Whether a convolution's forward pass runs Winograd F(2x2, 3x3): 3x3 windows of stride 1 over an output of even
    /// height and width (whole 2x2 tiles) of at least 8x8, from at least <see cref="WinogradChannels"/> channels.
    /// </summary>
    public static bool UsesWinograd(LayerShape layer) =>
        Plain(layer) && layer.KernelSize == 3
        && layer.Output.H % 2 == 0 && layer.Output.W % 2 == 0 && layer.Output.H >= 8 && layer.Output.W >= 8
        && layer.Input.C >= WinogradChannels;

    /// <summary>
    /// Floats of V and M one Winograd chunk of tile rows may use (512 KB, half of a 1 MB L2). A 64x64x64 layer's whole
    /// V and M (8 MB) made its forward pass 1,735 us against 1,478 us in chunks (probe, Conv64x64, Vector256); the
    /// small VGG's layers (at most 1 MB) measured the same either way, and smaller chunks (256 KB) slowed them.
    /// </summary>
    public const int WinogradChunkFloats = 128 * 1024;

    /// <summary>
    /// Winograd F(2x2, 3x3): the tiles, the 16 positions' U (in the shared transformed array) and V and M (in the
    /// workspace), the weight cache, and the GEMM M[xi] = U[xi] V[xi] (filters x tiles, summed over the channels)
    /// that every position runs. U is read through the GEMM's second array argument.
    /// </summary>
    private static void AddWinograd(ConvPlan plan, Workspace workspace)
    {
        LayerShape layer = plan.Shape;
        plan.Winograd = BuildWinograd(workspace, layer, layer.Output.C, layer.Input.C, layer.Output.H / 2, layer.Output.W / 2,
            $"{plan.MethodPrefix}WinogradGemm", "", "filters", "channels");
        WinogradPlan winograd = plan.Winograd;
        plan.Kernel = $"Winograd F(2x2, 3x3): {winograd.TileRows}x{winograd.TileColumns} tiles, {winograd.ChunkRows} tile rows at a time, 16 GEMMs of filters x tiles per register block {winograd.Gemm.Narrow} (AVX2) / {winograd.Gemm.Wide} (AVX-512)";
    }

    /// <summary>
    /// Whether a Winograd layer's input gradient runs Winograd too: with padding 1 it is the same 3x3 convolution
    /// of the output gradient padded by 1 (whose zero-margined copy on rows of Wp the backward pass already makes),
    /// with the filters rotated by 180 degrees and the roles of channels and filters exchanged; the input must have
    /// an even height and width.
    /// </summary>
    public static bool UsesWinogradInputGradient(LayerShape layer) =>
        UsesWinograd(layer) && layer.Window is { PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1 } && layer.Input.H % 2 == 0 && layer.Input.W % 2 == 0 && layer.Output.C >= WinogradChannels;

    /// <summary>
    /// One Winograd F(2x2, 3x3) pass: <paramref name="rows"/> output planes from <paramref name="reduction"/> input
    /// planes over tileRows x tileColumns tiles, in balanced chunks of tile rows whose V and M stay within
    /// <see cref="WinogradChunkFloats"/>: U in the transformed array, V and M in the workspace, and the GEMM
    /// M[xi] = U[xi] V[xi] that every position runs.
    /// </summary>
    private static WinogradPlan BuildWinograd(Workspace workspace, LayerShape layer, int rows, int reduction, int tileRows, int tileColumns,
        string gemmName, string suffix, string rowName, string reductionName)
    {
        int n = layer.Index;
        long perTileRow = 16L * (rows + reduction) * tileColumns;
        int most = (int)Math.Max(1, Math.Min(tileRows, WinogradChunkFloats / perTileRow));
        int chunks = (tileRows + most - 1) / most;
        int chunkRows = (tileRows + chunks - 1) / chunks; // balanced: the last chunk is not a ragged remainder when avoidable
        int tiles = chunkRows * tileColumns;
        RegisterBlock narrow = Blocking.ForGemm(rows, tiles, wide: false, shiftedLoads: false), wide = Blocking.ForGemm(rows, tiles, wide: true, shiftedLoads: false);
        int tileStride = Blocking.RowStride(tiles, narrow, wide);
        int uStride = OddLines((long)rows * reduction);
        int v = reduction * tileStride;
        int positionStride = OddLines((long)v + ((long)rows * tileStride));
        BufferPlan u = workspace.AddTransformed($"U{n}{suffix}", 16L * uStride, $"[{n}] Winograd U{suffix}: 16 positions of {rows} {rowName} x {reduction} {reductionName}, {uStride} apart");
        BufferPlan cache = workspace.AddTransformed($"UC{n}{suffix}", layer.WeightCount, $"[{n}] the weights U{suffix} was computed from");
        BufferPlan positions = (suffix.Length > 0 ? (System.Func<string, long, string, BufferPlan>)workspace.AddBackward : workspace.Add)($"WN{n}{suffix}", 16L * positionStride, $"[{n}] Winograd{(suffix.Length > 0 ? " (input gradient)" : "")}: 16 positions, {positionStride} apart, of V {reduction}x{tiles} and M {rows}x{tiles} for a chunk of {chunkRows} tile rows (rows of {tileStride})");
        int vOffset = positions.Offset, mOffset = positions.Offset + v;
        var gemm = new TapGemm(gemmName, rows, narrow, wide, tiles,
            Operand.Gradients, u.Offset, reduction, vOffset,
            new[] { new TapLoop(suffix.Length > 0 ? "co" : "ci", reduction, 1, tileStride, 0) }, new[] { new Tap(0, 0, 0, "") },
            mOffset, tileStride, null);
        return new WinogradPlan(tileRows, tileColumns, chunkRows, tileStride, uStride, u, cache, positionStride, vOffset, mOffset, gemm);
    }

    /// <summary>
    /// Whether a stride-1 convolution's forward pass runs with its filters in the vector lanes
    /// (<see cref="ConvPlan.FiltersInLanes"/>): its output width is not a multiple of 8, so blocks of columns would
    /// compute padded or rounded columns, while its filters fill whole 8-lane vectors and a block of at least 2
    /// pixels fits one output row. LeNet-5's conv 2 (16 filters, 10x10): 4.4 us against 5.6 us over kx-shifted rows.
    /// </summary>
    public static bool UsesFiltersInLanes(LayerShape layer) =>
        Plain(layer) && !UsesWinograd(layer) && layer.BiasCount > 0
        && layer.Output.C % Blocking.Lanes == 0 && layer.Output.W % Blocking.Lanes != 0
        && layer.Output.H * layer.Output.W >= Blocking.Lanes
        && Blocking.ForPixelRows(layer.Output.H, layer.Output.W, layer.Output.C, Blocking.Lanes, 16).Rows >= 2;

    /// <summary>
    /// Filters in lanes: R[pixel][filter] = b[filter] + sum over c, ky, kx of xp[c][oy + ky][ox + kx] * T[(c*k + ky)*k + kx][filter],
    /// a GEMM whose rows are the output pixels (A: the padded input, broadcast, one block of pixels per stretch of an
    /// output row) and whose columns are the filters (B: T, the filters transposed once by PrepareWeights).
    /// </summary>
    private static void AddFiltersInLanes(ConvPlan plan, Workspace workspace)
    {
        LayerShape layer = plan.Shape;
        int n = layer.Index, ic = layer.Input.C, oc = layer.Output.C, k = layer.KernelSize;
        int ho = layer.Output.H, wo = layer.Output.W, wp = plan.PaddedWidth, plane = plan.PaddedHeight * wp;
        int fanIn = ic * k * k;
        RegisterBlock narrow = Blocking.ForPixelRows(ho, wo, oc, Blocking.Lanes, 16), wide = Blocking.ForPixelRows(ho, wo, oc, Blocking.MaxLanes, 32);
        RegisterBlock mid = Blocking.ForPixelRows(ho, wo, oc, Blocking.Lanes, 32);
        int stride = Blocking.RowStride(oc, narrow, wide, mid);
        BufferPlan filters = workspace.AddTransformed($"T{n}", (long)(fanIn + 1) * stride, $"[{n}] filters in lanes: T[tap][filter] for {fanIn} taps, then the biases, rows of {stride}");
        BufferPlan cache = workspace.AddTransformed($"TC{n}", layer.WeightCount + oc, $"[{n}] the weights and biases T was made from");
        BufferPlan result = workspace.Add($"R{n}", (long)ho * wo * stride, $"[{n}] output pixel-major: {ho * wo} pixels x {stride}");
        var loops = new List<TapLoop>
        {
            new("ci", ic, plane, k * k * stride, 0),
            new("ky", k, wp, k * stride, 0),
        };
        var taps = new List<Tap>();
        for (int kx = 0; kx < k; kx++)
        {
            taps.Add(new Tap(kx, kx * stride, 0, $"kx={kx}"));
        }

        var gemm = new TapGemm($"{plan.MethodPrefix}Forward", ho * wo, narrow, wide, oc,
            Operand.Workspace, plan.Padded.Offset, 1, filters.Offset, loops, taps,
            result.Offset, stride, null, B: Operand.Gradients, ColumnBiasOffset: filters.Offset + (fanIn * stride), RowMap: new ColumnMap(ho, wo, wp), Mid: mid);
        plan.Forward = gemm;
        plan.FiltersInLanes = new FiltersInLanesPlan(filters, cache, stride, result, gemm);
        plan.Kernel = $"filters in lanes: pixels x filter vectors per register block {narrow} (AVX2) / {mid} (AVX2 with AVX-512's 32 registers) / {wide} (AVX-512), filters transposed once, result transposed to C,H,W";
    }

    /// <summary>
    /// Whether a stride-1 convolution's forward pass copies its input into kx-shifted compact rows
    /// (<see cref="ConvPlan.ShiftedRows"/>): when neither vector width's register blocks can run compact (the output
    /// width is not a multiple of 8) and the padded rows would waste at least a fifth of the columns, which costs more
    /// than copying the input k times (LeNet-5's conv 2: 144 columns for 100 outputs).
    /// </summary>
    public static bool UsesShiftedRows(LayerShape layer)
    {
        int k = layer.KernelSize, wo = layer.Output.W, wp = layer.Input.W + layer.Window.PadLeft + layer.Window.PadRight;
        return Plain(layer) && k > 1 && wo % Blocking.Lanes != 0 && 5 * (wp - wo) >= wp;
    }

    /// <summary>
    /// The shifted-rows forward: S[c][kx] holds the Hp padded rows, each cut to the Wo columns from kx, and the GEMM
    /// over the compact columns j = oy*Wo + ox reads tap (c, ky, kx) at S[c][kx] + ky*Wo + j.
    /// </summary>
    private static void AddShiftedRows(ConvPlan plan, Workspace workspace)
    {
        LayerShape layer = plan.Shape;
        int n = layer.Index, ic = layer.Input.C, oc = layer.Output.C, k = layer.KernelSize;
        int ho = layer.Output.H, wo = layer.Output.W, hp = plan.PaddedHeight;
        int columns = ho * wo;
        int block = hp * wo;
        RegisterBlock narrow = Blocking.ForGemm(oc, columns, wide: false), wide = Blocking.ForGemm(oc, columns, wide: true);
        int stride = Blocking.RowStride(columns, narrow, wide);
        plan.ShiftedRows = workspace.Add($"S{n}", (long)ic * k * block, $"[{n}] input in kx-shifted compact rows: {ic} channels x {k} shifts x {hp} rows of {wo}");
        plan.WideRowStride = stride;
        plan.Wide = workspace.Add($"W{n}", (long)oc * stride, $"[{n}] output rows of width {wo}");
        int taps = k * k;
        var loops = new List<TapLoop>();
        List<Tap> list = WindowTaps(k, k, wo, block, loops, ic, taps, k * block, forward: true, CodeBudget.UnrollWindow(taps, narrow, wide));

        plan.Forward = new TapGemm($"{plan.MethodPrefix}Forward", oc, narrow, wide, columns,
            Operand.Parameters, layer.ParameterOffset, ic * taps, plan.ShiftedRows.Offset, loops, list,
            plan.Wide.Offset, stride, layer.BiasCount > 0 ? layer.BiasOffset : null);
        plan.Kernel = $"GEMM over compact columns from {k} kx-shifted copies of the input rows, filters x vectors per register block {narrow} (AVX2) / {wide} (AVX-512)";
    }

    /// <summary>
    /// A stride of whole 64-byte lines, an odd number of them: the 16 positions a transform touches at once then fall
    /// in 16 different L1 sets (a multiple of 4 KB apart they all took one set, and every load aliased the stores
    /// before it: VGG's 32x32 layer 159 -> 116 us).
    /// </summary>
    private static int OddLines(long floats)
    {
        long stride = RoundUp(floats, Blocking.MaxLanes);
        return (int)(stride / Blocking.MaxLanes % 2 == 0 ? stride + Blocking.MaxLanes : stride);
    }

    /// <summary>
    /// The taps of a kh x kw window, unrolled completely when the register blocks fit the unrolling budget
    /// (<see cref="CodeBudget.UnrollWindow"/>), otherwise one row at a time inside a loop over window rows. Adds
    /// the loop over channels (forward: input channels; backward: filters).
    /// </summary>
    /// <param name="rowStep">B floats between window rows: dilation * Wp in the padded grid; for shifted rows, the output width.</param>
    /// <param name="columnStep">B floats between window columns: the dilation in the padded grid; for shifted rows, one shifted copy.</param>
    private static List<Tap> WindowTaps(int kh, int kw, int rowStep, int columnStep, List<TapLoop> loops, int channels, int taps, int bChannelStep, bool forward, bool unrollAll,
        int aChannelStep = 0)
    {
        int sign = forward ? 1 : -1;
        loops.Add(forward
            ? new TapLoop("ci", channels, taps, bChannelStep, 0)
            : new TapLoop("co", channels, aChannelStep, bChannelStep, 0));
        var list = new List<Tap>();
        if (unrollAll)
        {
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    list.Add(new Tap((ky * kw) + kx, sign * ((ky * rowStep) + (kx * columnStep)), 0, $"ky={ky}, kx={kx}"));
                }
            }
        }
        else
        {
            loops.Add(new TapLoop("ky", kh, kw, sign * rowStep, 0));
            for (int kx = 0; kx < kw; kx++)
            {
                list.Add(new Tap(kx, sign * kx * columnStep, 0, $"kx={kx}"));
            }
        }

        return list;
    }

    /// <summary>
    /// Filters from which a stride-1 convolution's weight gradient runs as outer products: measured faster from 32 filters
    /// (VGG 32, 64, 128: 1.3-1.6x on AVX-512), slower at 16-20 (CIFAR-10 net), where a vector row of filters is
    /// partly empty and the two transposes weigh more.
    /// </summary>
    public const int OuterProductFilters = 32;

    /// <summary>
    /// dW as outer products with the filters in the vector lanes: dY is transposed once to dYT[j][o], then for every
    /// tap (ky, kx) a GEMM sums over the pixels j the broadcast input xp[c][j + ky*Wp + kx] times the vector
    /// dYT[j][o..]: no horizontal sums, the forward pass's register blocking. The result dWT[tap][c][o] is added
    /// into the gradients' [o][c][tap] layout at the end.
    /// </summary>
    private static void AddOuterProductWeightGradient(ConvPlan plan, int oc, int ic, int kh, int kw, int dh, int dw, int wp, int plane, Workspace workspace)
    {
        int n = plan.Index;
        RegisterBlock narrow = Blocking.ForGemm(ic, oc, wide: false, shiftedLoads: false), wide = Blocking.ForGemm(ic, oc, wide: true, shiftedLoads: false);
        int stride = Blocking.RowStride(oc, narrow, wide);
        plan.OuterProductStride = stride;
        // Only the output pixels: the GEMM walks the output rows (oy) and their valid columns (ox), not the wrapped ones.
        int ho = plan.Shape.Output.H, wo = plan.Shape.Output.W;
        int pixels = ho * wo;
        plan.TransposedGradient = workspace.AddBackward($"DYT{n}", (long)pixels * stride, $"[{n}] dY transposed: {pixels} pixels x {oc} filters (rows of {stride})");
        plan.TransposedWeightGradient = workspace.AddBackward($"DWT{n}", (long)kh * kw * ic * stride, $"[{n}] dW transposed: {kh * kw} taps x {ic} channels x {oc} filters");
        for (int ky = 0; ky < kh; ky++)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                int t = (ky * kw) + kx;
                plan.OuterProducts.Add(new TapGemm($"{plan.MethodPrefix}WeightGradientTap{t}", ic, narrow, wide, oc,
                    Operand.Workspace, plan.Padded.Offset + (ky * dh * wp) + (kx * dw), plane, plan.TransposedGradient.Offset,
                    new[] { new TapLoop("oy", ho, wp, wo * stride, 0), new TapLoop("ox", wo, 1, stride, 0) }, new[] { new Tap(0, 0, 0, "") },
                    plan.TransposedWeightGradient.Offset + (t * ic * stride), stride, null));
            }
        }
    }

    /// <summary>
    /// dW[o][c][ky][kx] += sum over j of dY[o][j] * xp[c][j + ky*dh*Wp + kx*dw]: a tap reduction per filter block, the
    /// window's taps unrolled (or one row at a time for large windows); for a grouped convolution, each filter's group
    /// reads its own channels.
    /// </summary>
    private static void AddWeightGradient(ConvPlan plan, LayerShape layer, int oc, int columns, int aOffset, int aStride,
        int padded, int icG, int taps, int kh, int kw, int dh, int dw, int wp, int plane, int fanIn, int groupRows, ColumnMap? rows = null)
    {
        int gradients = layer.ParameterOffset;
        if (taps == 1)
        {
            // 1x1: one tap per input channel, so the taps of a group are consecutive channels.
            AddChannelGroups(plan, oc, columns, aOffset, aStride, padded, plane, icG, gradients, fanIn, $"{plan.MethodPrefix}WeightGradient", groupRows, icG * plane);
            return;
        }

        var (mr, t) = Blocking.ForReduce(groupRows > 0 ? groupRows : oc, Math.Min(taps, NetworkPlanner.FullUnrollTaps), columns, wide: false);
        var loops = new List<TapLoop> { new("ci", icG, 0, plane, taps) };
        var all = new List<Tap>();
        if (taps <= NetworkPlanner.FullUnrollTaps)
        {
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    all.Add(new Tap(0, (ky * dh * wp) + (kx * dw), (ky * kw) + kx, $"ky={ky}, kx={kx}"));
                }
            }
        }
        else
        {
            loops.Add(new TapLoop("ky", kh, 0, dh * wp, kw));
            (mr, t) = Blocking.ForReduce(groupRows > 0 ? groupRows : oc, kw, columns, wide: false);
            for (int kx = 0; kx < kw; kx++)
            {
                all.Add(new Tap(0, kx * dw, kx, $"kx={kx}"));
            }
        }

        plan.WeightGradient.Add(new TapReduce($"{plan.MethodPrefix}WeightGradient", oc, mr, columns, false,
            Operand.Workspace, aOffset, aStride, Operand.Workspace, padded, loops, Chunk(all, t),
            Operand.Gradients, gradients, fanIn, null, rows, groupRows, icG * plane));
    }

    /// <summary>dW[o][r] += sum_j dY[o][j] * B[r][j] for consecutive rows r of B: a loop over groups of rows plus a tail.</summary>
    private static void AddChannelGroups(ConvPlan plan, int oc, int columns, int aOffset, int aStride, int b, int bRowStride, int rows, int gradients, int fanIn, string name,
        int groupRows, int bGroupStep)
    {
        var (mr, t) = Blocking.ForReduce(groupRows > 0 ? groupRows : oc, rows, columns, wide: false);
        int groups = rows / t;
        var taps = new List<Tap>();
        for (int i = 0; i < t; i++)
        {
            taps.Add(new Tap(0, i * bRowStride, i, $"row +{i}"));
        }

        if (groups > 0)
        {
            plan.WeightGradient.Add(new TapReduce(name, oc, mr, columns, false,
                Operand.Workspace, aOffset, aStride, Operand.Workspace, b,
                new[] { new TapLoop("grp", groups, 0, t * bRowStride, t) }, new[] { taps },
                Operand.Gradients, gradients, fanIn, null, null, groupRows, bGroupStep));
        }

        int tail = rows % t;
        if (tail > 0)
        {
            var tailTaps = new List<Tap>();
            int first = groups * t;
            for (int i = 0; i < tail; i++)
            {
                tailTaps.Add(new Tap(0, (first + i) * bRowStride, first + i, $"row {first + i}"));
            }

            var (mrt, _) = Blocking.ForReduce(groupRows > 0 ? groupRows : oc, tail, columns, wide: false);
            plan.WeightGradient.Add(new TapReduce(name + "Tail", oc, mrt, columns, false,
                Operand.Workspace, aOffset, aStride, Operand.Workspace, b,
                Array.Empty<TapLoop>(), new[] { tailTaps },
                Operand.Gradients, gradients, fanIn, null, null, groupRows, bGroupStep));
        }
    }

    private static IReadOnlyList<IReadOnlyList<Tap>> Chunk(List<Tap> taps, int size)
    {
        var groups = new List<IReadOnlyList<Tap>>();
        for (int i = 0; i < taps.Count; i += size)
        {
            groups.Add(taps.GetRange(i, Math.Min(size, taps.Count - i)));
        }

        return groups;
    }


    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}

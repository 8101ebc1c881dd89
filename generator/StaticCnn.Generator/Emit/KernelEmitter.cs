using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Planning;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// Renders the two kernel forms of <see cref="Planning"/> as straight C#: loops with constant bounds around a
/// register block whose taps are fully unrolled, written against <c>ISimd&lt;TV&gt;</c> so that the JIT
/// specialises one source for every vector width.
/// </summary>
internal static class KernelEmitter
{
    public static void EmitGemm(IndentedWriter w, TapGemm k, string summary)
    {
        w.Line($"/// <summary>{summary}</summary>");
        w.Line(Names.AggressiveOptimization);
        using (w.Block($"public static void {k.Name}{Names.KernelTypeParameters}({Names.KernelParameters}) {Names.KernelConstraints}"))
        {
            RegisterBlock? mid = k.Mid is RegisterBlock m && m != k.Narrow ? m : null;
            if (k.Wide == k.Narrow && mid is null)
            {
                GemmRows(w, k, k.Narrow);
            }
            else
            {
                w.Line("// AVX-512 has 32 registers: a bigger register block (TS.Count and TS.Registers are JIT-time constants, so one branch is compiled).");
                using (w.Block($"if (TS.Count == {Blocking.MaxLanes})"))
                {
                    GemmRows(w, k, k.Wide);
                }

                if (mid is RegisterBlock midBlock)
                {
                    using (w.Block("else if (TS.Registers == 32)"))
                    {
                        GemmRows(w, k, midBlock);
                    }
                }

                using (w.Block("else"))
                {
                    GemmRows(w, k, k.Narrow);
                }
            }
        }

        // One method per block shape keeps each one small enough for the JIT to hold every accumulator in a
        // register (past about a thousand locals, which the inlined operations create, it stops tracking them).
        var emitted = new HashSet<(int, int)>();
        foreach (RegisterBlock block in k.Mid is RegisterBlock extra ? new[] { k.Narrow, k.Wide, extra } : new[] { k.Narrow, k.Wide })
        {
            int tail = k.BlockedRows % block.Rows;
            foreach (int mr in tail > 0 && k.BlockedRows >= block.Rows ? new[] { block.Rows, tail } : new[] { System.Math.Min(block.Rows, k.BlockedRows) })
            {
                if (emitted.Add((mr, block.Vectors)))
                {
                    w.Line();
                    w.Line($"/// <summary>Rows [row, row + {mr}) of <see cref=\"{k.Name}\"/>, {block.Vectors} column vectors at a time.</summary>");
                    w.Line(Names.AggressiveOptimization);
                    using (w.Block($"private static void {BlockName(k, mr, block.Vectors)}{Names.KernelTypeParameters}({Names.KernelParameters}, int row) {Names.KernelConstraints}"))
                    {
                        GemmColumns(w, k, "row", mr, block.Vectors, Names.Ref(k.A));
                    }
                }
            }
        }
    }

    private static string BlockName(TapGemm k, int mr, int nr) => $"{k.Name}Block{mr}x{nr}";

    private static void GemmRows(IndentedWriter w, TapGemm k, RegisterBlock block)
    {
        int main = k.BlockedRows / block.Rows * block.Rows;
        int tail = k.BlockedRows - main;
        string first = "";
        IndentedWriter.Scope? groups = null;
        if (k.GroupRows > 0)
        {
            w.Line($"// {k.Rows / k.GroupRows} groups of {k.GroupRows} rows, each in blocks of {block.Rows}{(tail > 0 ? $" (and a block of {tail})" : "")} x columns [0, {Format.Int(k.Columns)}) in blocks of {block.Vectors} vectors.");
            groups = w.Block($"for (int first = 0; first < {Format.Int(k.Rows)}; first += {Format.Int(k.GroupRows)})");
            first = "first";
        }
        else
        {
            w.Line($"// {k.Rows} rows in blocks of {block.Rows}{(tail > 0 ? $" (and a block of {tail})" : "")} x columns [0, {Format.Int(k.Columns)}) in blocks of {block.Vectors} vectors.");
        }

        if (main > 0)
        {
            using (w.Block(first.Length == 0
                ? $"for (int row = 0; row < {Format.Int(main)}; row += {block.Rows})"
                : $"for (int row = first; row < first + {Format.Int(main)}; row += {block.Rows})"))
            {
                w.Line($"{BlockName(k, block.Rows, block.Vectors)}<TS, TV>({Names.KernelArguments}, row);");
            }
        }

        if (tail > 0)
        {
            w.Line($"{BlockName(k, tail, block.Vectors)}<TS, TV>({Names.KernelArguments}, {Names.Plus(first, Format.Int(main))});");
        }

        groups?.Dispose();
    }

    /// <summary>"(row / 8) * 216": the extra offset of a grouped kernel's group, or "" when ungrouped.</summary>
    private static string GroupTerm(int groupRows, int step) => groupRows > 0 && step != 0 ? $"(row / {Format.Int(groupRows)} * {Format.Int(step)})" : "";

    private static void GemmColumns(IndentedWriter w, TapGemm k, string row, int mr, int nr, string a)
    {
        string bColumn = "j";
        int bOffset = k.BOffset;
        string columns = Format.Int(k.Columns);
        var offsets = Enumerable.Range(0, nr).Select(Names.Lane).ToArray();
        if (k.Map is ColumnMap map)
        {
            // Everything below is a JIT-time constant but j: the compact rows need no per-tap arithmetic.
            w.Line($"// Compact columns j = oy*{map.Width} + ox when the block's vectors fall on whole output rows (a JIT-time constant),");
            w.Line($"// else padded rows j = oy*{map.PaddedWidth} + ox; vector v reads at row v*Count / width, column v*Count % width.");
            w.Line($"int width = {map.CompactTest(nr)} ? {map.Width} : {map.PaddedWidth};");
            for (int v = 1; v < nr; v++)
            {
                string lane = Names.Lane(v);
                w.Line($"int o{v} = ({lane} / width * {map.PaddedWidth}) + ({lane} % width);");
                offsets[v] = $"o{v}";
            }

            bColumn = $"j + (j / width * ({map.PaddedWidth} - width))";
            bOffset += map.Origin;
            columns = $"{map.Height} * width";
            if (k.Direct is DirectOutput direct)
            {
                GemmDirect(w, k, row, mr, nr, a, map, direct, offsets);
                return;
            }
        }

        string aRow = Names.RowTimes(row, 0, k.ARowStride);
        if (k.RowMap is ColumnMap rowMap)
        {
            w.Line($"// Rows are pixels: row = oy*{rowMap.Width} + ox reads A at oy*{rowMap.PaddedWidth} + ox (a block never crosses an output row).");
            aRow = $"({row} / {rowMap.Width} * {rowMap.PaddedWidth}) + ({row} % {rowMap.Width})";
        }

        using (w.Block($"for (int j = 0; j < {columns}; j += {(nr == 1 ? "TS.Count" : $"{nr} * TS.Count")})"))
        {
            Accumulators(w, k, row, mr, nr);
            w.Line($"ref float a = ref TS.At(ref {a}, {Names.Plus(Format.Int(k.AOffset), aRow, GroupTerm(k.GroupRows, k.AGroupStep))});");
            w.Line($"ref float b = ref TS.At(ref {Names.Ref(k.B)}, {Names.Plus(Format.Int(bOffset), bColumn, GroupTerm(k.GroupRows, k.BGroupStep))});");
            GemmLoops(w, k, 0, "a", "b", mr, nr, offsets);
            Stores(w, mr, nr, (m, v) => $"TS.Store(c{m}{v}, ref ws, {Names.Plus(Format.Int(k.COffset), Names.RowTimes(row, m, k.CRowStride), "j", Names.Lane(v))});");
        }
    }

    /// <summary>The block's accumulators, each starting from its row's bias, its column's bias, or zero.</summary>
    private static void Accumulators(IndentedWriter w, TapGemm k, string row, int mr, int nr)
    {
        if (k.ColumnBiasOffset is int columnBias)
        {
            w.Line($"TV {string.Join(", ", Enumerable.Range(0, nr).Select(v => $"bias{v} = TS.Load(ref {Names.Ref(k.B)}, {Names.Plus(Format.Int(columnBias), "j", Names.Lane(v))})"))};");
        }

        for (int m = 0; m < mr; m++)
        {
            string init = k.BiasOffset is int bias
                ? $"TS.Broadcast(TS.At(ref p, {Names.Plus(Format.Int(bias), row, m == 0 ? "" : Format.Int(m))}))"
                : "TS.Zero";
            var accumulators = k.ColumnBiasOffset is null
                ? Enumerable.Range(0, nr).Select(v => v == 0 ? $"c{m}0 = {init}" : $"c{m}{v} = c{m}0")
                : Enumerable.Range(0, nr).Select(v => $"c{m}{v} = bias{v}");
            w.Line($"TV {string.Join(", ", accumulators)};");
        }
    }

    /// <summary>One line of stores per block row, <paramref name="store"/> giving accumulator (m, v)'s statement.</summary>
    private static void Stores(IndentedWriter w, int mr, int nr, System.Func<int, int, string> store)
    {
        for (int m = 0; m < mr; m++)
        {
            w.Line(string.Join(" ", Enumerable.Range(0, nr).Select(v => store(m, v))));
        }
    }

    /// <summary>
    /// A mapped forward GEMM that stores into the output where it can (<see cref="TapGemm.Direct"/>): block t covers
    /// columns from j = t * step (compact or padded rows, as <see cref="GemmColumns"/>), or, where blocks of it cover
    /// each output row, the t-th block of those rows, the last one moved back to end at the row's end.
    /// </summary>
    private static void GemmDirect(IndentedWriter w, TapGemm k, string row, int mr, int nr, string a, ColumnMap map, DirectOutput direct, string[] offsets)
    {
        string step = nr == 1 ? "TS.Count" : $"({nr} * TS.Count)";
        w.Line($"// Where blocks of {nr} vector{(nr == 1 ? "" : "s")} cover each output row (the last one overlapping the one before it) they run row by row and,");
        w.Line("// like compact blocks, store straight into the output; otherwise into the padded rows that the epilogue compacts.");
        w.Line($"bool overlap = !{map.CompactTest(nr)} && {map.OverlapTest(nr)};");
        w.Line($"bool direct = {map.DirectTest(nr)};");
        w.Line($"int perRow = ({map.Width} + {step} - 1) / {step};");
        using (w.Block($"for (int t = 0; t < (overlap ? {map.Height} * perRow : (({map.Height} * width) + {step} - 1) / {step}); t++)"))
        {
            w.Line($"int j = t * {step};");
            w.Line($"int bj = j + (j / width * ({map.PaddedWidth} - width));");
            using (w.Block("if (overlap)"))
            {
                w.Line($"int oy = t / perRow, ox = global::System.Math.Min(t % perRow * {step}, {map.Width} - {step});");
                w.Line($"j = (oy * {map.Width}) + ox;");
                w.Line($"bj = (oy * {map.PaddedWidth}) + ox;");
            }

            Accumulators(w, k, row, mr, nr);
            w.Line($"ref float a = ref TS.At(ref {a}, {Names.Plus(Format.Int(k.AOffset), Names.RowTimes(row, 0, k.ARowStride), GroupTerm(k.GroupRows, k.AGroupStep))});");
            w.Line($"ref float b = ref TS.At(ref {Names.Ref(k.B)}, {Names.Plus(Format.Int(k.BOffset + map.Origin), "bj", GroupTerm(k.GroupRows, k.BGroupStep))});");
            GemmLoops(w, k, 0, "a", "b", mr, nr, offsets);
            string output = (direct.Affine is null ? "the sums" : $"the sums scaled and shifted by layer {direct.Affine.Layer}'s BatchNorm") + (direct.Relu ? " through the ReLU" : "");
            w.Line($"// Stores: {output} into the output where direct, else the sums into the padded rows.");
            using (w.Block("if (direct)"))
            {
                if (direct.Affine is AffineEpilogue affine)
                {
                    for (int m = 0; m < mr; m++)
                    {
                        w.Line($"TV s{m} = TS.Broadcast(TS.At(ref g, {Names.Plus(Format.Int(affine.Scale), row, m == 0 ? "" : Format.Int(m))})), h{m} = TS.Broadcast(TS.At(ref g, {Names.Plus(Format.Int(affine.Shift), row, m == 0 ? "" : Format.Int(m))}));");
                    }
                }

                Stores(w, mr, nr, (m, v) =>
                {
                    string value = direct.Affine is null ? $"c{m}{v}" : $"TS.MultiplyAdd(c{m}{v}, s{m}, h{m})";
                    return $"TS.Store({(direct.Relu ? $"TS.Max({value}, TS.Zero)" : value)}, ref ws, {Names.Plus(Format.Int(direct.Output), Names.RowTimes(row, m, direct.Plane), "j", Names.Lane(v))});";
                });
            }

            using (w.Block("else"))
            {
                Stores(w, mr, nr, (m, v) => $"TS.Store(c{m}{v}, ref ws, {Names.Plus(Format.Int(k.COffset), Names.RowTimes(row, m, k.CRowStride), "j", Names.Lane(v))});");
            }
        }
    }

    private static void GemmLoops(IndentedWriter w, TapGemm k, int level, string a, string b, int mr, int nr, string[] offsets)
    {
        if (level == k.Loops.Count)
        {
            GemmTaps(w, k, a, b, mr, nr, offsets);
            return;
        }

        TapLoop loop = k.Loops[level];
        bool repeat = loop.Count > 1;
        string ia = level + 1 < k.Loops.Count ? $"a{loop.Variable}" : a;
        string ib = level + 1 < k.Loops.Count ? $"b{loop.Variable}" : b;
        if (repeat)
        {
            w.Line($"for (int {loop.Variable} = 0; {loop.Variable} < {Format.Int(loop.Count)}; {loop.Variable}++)");
        }

        w.Line("{");
        w.Indent();
        if (level + 1 < k.Loops.Count)
        {
            w.Line($"ref float {ia} = ref {a};");
            w.Line($"ref float {ib} = ref {b};");
        }

        GemmLoops(w, k, level + 1, ia, ib, mr, nr, offsets);
        if (repeat)
        {
            if (loop.AStep != 0)
            {
                w.Line($"{a} = ref TS.At(ref {a}, {Format.Int(loop.AStep)});");
            }

            if (loop.BStep != 0)
            {
                w.Line($"{b} = ref TS.At(ref {b}, {Format.Int(loop.BStep)});");
            }
        }

        w.Unindent();
        w.Line("}");
    }

    private static void GemmTaps(IndentedWriter w, TapGemm k, string a, string b, int mr, int nr, string[] offsets)
    {
        bool first = true;
        foreach (Tap tap in k.Taps)
        {
            if (tap.Comment.Length > 0)
            {
                w.Line($"// {tap.Comment}");
            }

            var loads = Enumerable.Range(0, nr).Select(v => $"b{v} = TS.Load(ref {b}, {Names.Plus(Format.Int(tap.B), offsets[v])})").ToList();
            w.Line(first ? $"TV {string.Join(", ", loads)};" : string.Join("; ", loads) + ";");
            for (int m = 0; m < mr; m++)
            {
                string decl = first && m == 0 ? "TV " : "";
                var fmas = Enumerable.Range(0, nr).Select(v => $"c{m}{v} = TS.MultiplyAdd(x, b{v}, c{m}{v});");
                w.Line($"{decl}x = TS.Broadcast(TS.At(ref {a}, {Names.Plus(Format.Int(tap.A), m == 0 ? "" : Format.Int(m * k.ARowStride))})); {string.Join(" ", fmas)}");
            }

            first = false;
        }
    }

    public static void EmitReduce(IndentedWriter w, TapReduce k, string summary)
    {
        w.Line($"/// <summary>{summary}</summary>");
        int main = k.BlockedRows / k.RowBlock * k.RowBlock;
        int tail = k.BlockedRows - main;
        w.Line(Names.AggressiveOptimization);
        using (w.Block($"public static void {k.Name}{Names.KernelTypeParameters}({Names.KernelParameters}) {Names.KernelConstraints}"))
        {
            int taps = k.Groups.Sum(g => g.Count);
            IndentedWriter.Scope? groups = null;
            string first = "";
            if (k.GroupRows > 0)
            {
                w.Line($"// {k.Rows / k.GroupRows} groups of {k.GroupRows} rows, each in blocks of {k.RowBlock}{(tail > 0 ? $" (and a block of {tail})" : "")} x {taps} taps per pass in groups of {k.Groups[0].Count}; sums over j in [0, {Format.Int(k.Columns)}){(k.ExactColumns ? " with a scalar tail" : "")}.");
                groups = w.Block($"for (int first = 0; first < {Format.Int(k.Rows)}; first += {Format.Int(k.GroupRows)})");
                first = "first";
            }
            else
            {
                w.Line($"// {k.Rows} rows in blocks of {k.RowBlock}{(tail > 0 ? $" (and a block of {tail})" : "")} x {taps} taps per pass in groups of {k.Groups[0].Count}; sums over j in [0, {Format.Int(k.Columns)}){(k.ExactColumns ? " with a scalar tail" : "")}.");
            }

            if (main > 0)
            {
                using (w.Block(first.Length == 0
                    ? $"for (int row = 0; row < {Format.Int(main)}; row += {k.RowBlock})"
                    : $"for (int row = first; row < first + {Format.Int(main)}; row += {k.RowBlock})"))
                {
                    ReduceRows(w, k, k.RowBlock);
                }
            }

            if (tail > 0)
            {
                using (w.Block())
                {
                    w.Line(first.Length == 0 ? $"const int row = {Format.Int(main)};" : $"int row = first + {Format.Int(main)};");
                    ReduceRows(w, k, tail);
                }
            }

            groups?.Dispose();
        }

        // One method per group and block height, so that each stays small enough for the JIT to keep its
        // accumulators in registers.
        foreach (int mr in tail > 0 && main > 0 ? new[] { k.RowBlock, tail } : new[] { main > 0 ? k.RowBlock : tail })
        {
            for (int gi = 0; gi < k.Groups.Count; gi++)
            {
                w.Line();
                w.Line($"/// <summary>Taps of group {gi} of <see cref=\"{k.Name}\"/> for rows [row, row + {mr}).</summary>");
                w.Line(Names.AggressiveOptimization);
                using (w.Block($"private static void {GroupName(k, gi, mr)}{Names.KernelTypeParameters}(ref float p, ref float a, ref float b, ref float c, int row) {Names.KernelConstraints}"))
                {
                    ReduceGroup(w, k, k.Groups[gi], "b", "c", mr);
                }
            }
        }
    }

    private static string GroupName(TapReduce k, int group, int mr) => $"{k.Name}Group{group}Rows{mr}";

    private static void ReduceRows(IndentedWriter w, TapReduce k, int mr)
    {
        w.Line($"ref float a = ref TS.At(ref {Names.Ref(k.A)}, {Names.Plus(Format.Int(k.AOffset), Names.RowTimes("row", 0, k.ARowStride))});");
        w.Line($"ref float b = ref TS.At(ref {Names.Ref(k.B)}, {Names.Plus(Format.Int(k.BOffset), GroupTerm(k.GroupRows, k.BGroupStep))});");
        w.Line($"ref float c = ref TS.At(ref {Names.Ref(k.C)}, {Names.Plus(Format.Int(k.COffset), Names.RowTimes("row", 0, k.CRowStride))});");
        ReduceLoops(w, k, 0, "b", "c", mr);
    }

    private static void ReduceLoops(IndentedWriter w, TapReduce k, int level, string b, string c, int mr)
    {
        if (level == k.Loops.Count)
        {
            for (int gi = 0; gi < k.Groups.Count; gi++)
            {
                w.Line($"{GroupName(k, gi, mr)}<TS, TV>(ref p, ref a, ref {b}, ref {c}, row);");
            }

            return;
        }

        TapLoop loop = k.Loops[level];
        bool repeat = loop.Count > 1;
        string ib = level + 1 < k.Loops.Count ? $"b{loop.Variable}" : b;
        string ic = level + 1 < k.Loops.Count ? $"c{loop.Variable}" : c;
        if (repeat)
        {
            w.Line($"for (int {loop.Variable} = 0; {loop.Variable} < {Format.Int(loop.Count)}; {loop.Variable}++)");
        }

        w.Line("{");
        w.Indent();
        if (level + 1 < k.Loops.Count)
        {
            w.Line($"ref float {ib} = ref {b};");
            w.Line($"ref float {ic} = ref {c};");
        }

        ReduceLoops(w, k, level + 1, ib, ic, mr);
        if (repeat)
        {
            if (loop.BStep != 0)
            {
                w.Line($"{b} = ref TS.At(ref {b}, {Format.Int(loop.BStep)});");
            }

            if (loop.CStep != 0)
            {
                w.Line($"{c} = ref TS.At(ref {c}, {Format.Int(loop.CStep)});");
            }
        }

        w.Unindent();
        w.Line("}");
    }

    /// <summary>One vector step of a reduction: t taps of B times mr rows of A at column j.</summary>
    private static void ReduceStep(IndentedWriter w, TapReduce k, IReadOnlyList<Tap> group, string b, string a, int mr)
    {
        int t = group.Count;
        w.Line($"TV {string.Join(", ", Enumerable.Range(0, t).Select(i => $"x{i} = TS.Load(ref {b}, {Names.Plus(Format.Int(group[i].B), "j")})"))};");
        for (int m = 0; m < mr; m++)
        {
            string decl = m == 0 ? "TV " : "";
            var fmas = Enumerable.Range(0, t).Select(i => $"s{m}{i} = TS.MultiplyAdd(y, x{i}, s{m}{i});");
            w.Line($"{decl}y = TS.Load(ref {a}, {Names.Plus(m == 0 ? "" : Format.Int(m * k.ARowStride), "j")}); {string.Join(" ", fmas)}");
        }
    }

    private static void ReduceGroup(IndentedWriter w, TapReduce k, IReadOnlyList<Tap> group, string b, string c, int mr)
    {
        int t = group.Count;
        string comment = string.Join("; ", group.Select(x => x.Comment).Where(x => x.Length > 0));

        // Weight gradients take the short horizontal sum; the dense forward pass keeps Sum's order.
        string sum = k.ExactColumns ? "Sum" : "SumHalves";
        w.Line("{");
        w.Indent();
        if (comment.Length > 0)
        {
            w.Line($"// {comment}");
        }

        for (int m = 0; m < mr; m++)
        {
            w.Line($"TV {string.Join(", ", Enumerable.Range(0, t).Select(i => $"s{m}{i} = TS.Zero"))};");
        }

        if (k.RowMap is ColumnMap rows)
        {
            w.Line($"// The valid columns of each of the {rows.Height} output rows: dY compact (rows of {rows.Width}), the input in rows of {rows.PaddedWidth}.");
            using (w.Block($"for (int oy = 0; oy < {rows.Height}; oy++)"))
            {
                w.Line($"ref float ar = ref TS.At(ref a, oy * {rows.Width});");
                w.Line($"ref float br = ref TS.At(ref {b}, oy * {rows.PaddedWidth});");
                using (w.Block($"for (int j = 0; j < {rows.Width}; j += TS.Count)"))
                {
                    ReduceStep(w, k, group, "br", "ar", mr);
                }
            }
        }
        else
        {
            w.Line("int j = 0;");
            string bound = k.ExactColumns ? $"j <= {Format.Int(k.Columns)} - TS.Count" : $"j < {Format.Int(k.Columns)}";
            using (w.Block($"for (; {bound}; j += TS.Count)"))
            {
                ReduceStep(w, k, group, b, "a", mr);
            }
        }

        // Eight units of a Dense layer over whole vectors, written one after another: on AVX the eight horizontal sums
        // at once (DenseKernels.SumEach, bit for bit Sum's), plus the eight biases, in one store.
        bool eightAtOnce = k.ExactColumns && k.BiasOffset is int && t == 1 && mr == 8 && k.RowMap is null
            && k.Columns % 8 == 0 && k.CRowStride == 1 && group[0].C == 0;
        if (eightAtOnce)
        {
            using (w.Block("if (global::StaticCnn.Kernels.DenseKernels.SumsEight<TV>())"))
            {
                w.Line("// AVX: the eight units' horizontal sums at once (bit for bit TS.Sum's), plus their biases, in one store.");
                string accumulators = string.Join(", ", Enumerable.Range(0, mr).Select(m => $"s{m}0"));
                w.Line($"TS.Store(TS.Add(TS.Load(ref p, {Names.Plus(Format.Int((int)k.BiasOffset!), "row")}), global::StaticCnn.Kernels.DenseKernels.SumEach<TS, TV>({accumulators})), ref {c}, 0);");
                w.Line("return;");
            }
        }

        for (int m = 0; m < mr; m++)
        {
            w.Line($"float {string.Join(", ", Enumerable.Range(0, t).Select(i => $"t{m}{i} = TS.{sum}(s{m}{i})"))};");
        }

        if (k.ExactColumns)
        {
            using (w.Block($"for (; j < {Format.Int(k.Columns)}; j++)"))
            {
                w.Line($"float {string.Join(", ", Enumerable.Range(0, t).Select(i => $"u{i} = TS.At(ref {b}, {Names.Plus(Format.Int(group[i].B), "j")})"))};");
                for (int m = 0; m < mr; m++)
                {
                    string decl = m == 0 ? "float " : "";
                    var adds = Enumerable.Range(0, t).Select(i => $"t{m}{i} += v * u{i};");
                    w.Line($"{decl}v = TS.At(ref a, {Names.Plus(m == 0 ? "" : Format.Int(m * k.ARowStride), "j")}); {string.Join(" ", adds)}");
                }
            }
        }

        for (int m = 0; m < mr; m++)
        {
            var writes = Enumerable.Range(0, t).Select(i =>
            {
                string target = $"TS.At(ref {c}, {Names.Plus(Format.Int(group[i].C), m == 0 ? "" : Format.Int(m * k.CRowStride))})";
                return k.BiasOffset is int bias
                    ? $"{target} = TS.At(ref p, {Names.Plus(Format.Int(bias), "row", m == 0 ? "" : Format.Int(m))}) + t{m}{i};"
                    : $"{target} += t{m}{i};";
            });
            w.Line(string.Join(" ", writes));
        }

        w.Unindent();
        w.Line("}");
    }
}

using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>Pooling kernels that the generated code calls with its constant shapes.</summary>
public static class Pooling
{
    /// <summary>
    /// Backward of 2x2 max pooling with stride 2 over inputs of exactly twice the output's height and width: every
    /// input cell gets its window's output gradient if it is the cell that forward's maximum came from, else 0 (every
    /// cell of <paramref name="dx"/> is written). The cell is found again in the kept input without a branch, by the
    /// rule of a scan in window order that takes a cell when it is greater or NaN: the first cell equal to the
    /// output, or, where the output is NaN, the last NaN cell.
    /// </summary>
    /// <param name="x">The kept input: <paramref name="rows"/> pairs of rows of 2 x <paramref name="width"/>.</param>
    /// <param name="y">The kept output: <paramref name="rows"/> rows of <paramref name="width"/>.</param>
    /// <param name="dy">The output gradient, laid out as <paramref name="y"/>.</param>
    /// <param name="dx">The input gradient, laid out as <paramref name="x"/>.</param>
    /// <param name="rows">Output rows over all channels.</param>
    /// <param name="width">Output width.</param>
    public static void MaxPool2x2Backward<TS, TVec>(ref float x, ref float y, ref float dy, ref float dx, int rows, int width)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int inputWidth = 2 * width;
        for (int r = 0; r < rows; r++)
        {
            nint input = (nint)r * 2 * inputWidth;
            nint output = (nint)r * width;
            ref float top = ref Unsafe.Add(ref x, input);
            ref float bottom = ref Unsafe.Add(ref top, inputWidth);
            ref float dTop = ref Unsafe.Add(ref dx, input);
            ref float dBottom = ref Unsafe.Add(ref dTop, inputWidth);
            ref float yRow = ref Unsafe.Add(ref y, output);
            ref float dyRow = ref Unsafe.Add(ref dy, output);
            if (width >= TS.Count)
            {
                // Whole vectors of outputs; the last one overlaps the one before (it writes the same values again).
                for (int o = 0; ; o += TS.Count)
                {
                    if (o > width - TS.Count)
                    {
                        o = width - TS.Count;
                    }

                    Windows<TS, TVec>(ref top, ref bottom, ref dTop, ref dBottom, ref yRow, ref dyRow, o);
                    if (o == width - TS.Count)
                    {
                        break;
                    }
                }
            }
            else
            {
                for (int o = 0; o < width; o++)
                {
                    Windows<SimdScalar, float>(ref top, ref bottom, ref dTop, ref dBottom, ref yRow, ref dyRow, o);
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="whenTrue"/> if <paramref name="condition"/>, else <paramref name="whenFalse"/>, computed with a
    /// mask instead of a branch: the winner searches of max-pooling backward depend on the data, and their
    /// branches mispredicted about twice per window.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Select(bool condition, int whenTrue, int whenFalse)
    {
        int mask = -Unsafe.BitCast<bool, byte>(condition);
        return whenFalse ^ ((whenTrue ^ whenFalse) & mask);
    }

    /// <summary>The TS.Count windows from output column <paramref name="o"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Windows<TS, TVec>(ref float top, ref float bottom, ref float dTop, ref float dBottom, ref float y, ref float dy, int o)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        nint cell = 2 * (nint)o;
        TVec top0 = TS.Load(ref top, cell), top1 = TS.Load(ref top, cell + TS.Count);
        TVec bottom0 = TS.Load(ref bottom, cell), bottom1 = TS.Load(ref bottom, cell + TS.Count);

        // The window's cells in scan order, one window per lane.
        TVec a = TS.Evens(top0, top1), b = TS.Odds(top0, top1), c = TS.Evens(bottom0, bottom1), d = TS.Odds(bottom0, bottom1);
        TVec max = TS.Load(ref y, o);
        TVec ea = TS.Equal(a, max), eb = TS.Equal(b, max), ec = TS.Equal(c, max), ed = TS.Equal(d, max);
        TVec nb = TS.IsNaN(b), nc = TS.IsNaN(c), nd = TS.IsNaN(d);
        TVec ncd = TS.Or(nc, nd);
        TVec nbcd = TS.Or(nb, ncd);
        TVec eab = TS.Or(ea, eb);

        // A non-NaN maximum has no NaN cell and equals at least one cell: the first equal one wins. A NaN maximum
        // equals no cell: the last NaN wins.
        TVec g = TS.Load(ref dy, o);
        TVec ga = TS.And(TS.Or(ea, TS.AndNot(TS.IsNaN(a), nbcd)), g);
        TVec gb = TS.And(TS.Or(TS.AndNot(eb, ea), TS.AndNot(nb, ncd)), g);
        TVec gc = TS.And(TS.Or(TS.AndNot(ec, eab), TS.AndNot(nc, nd)), g);
        TVec gd = TS.And(TS.Or(TS.AndNot(ed, TS.Or(eab, ec)), nd), g);

        TS.Store(TS.InterleaveLower(ga, gb), ref dTop, cell);
        TS.Store(TS.InterleaveUpper(ga, gb), ref dTop, cell + TS.Count);
        TS.Store(TS.InterleaveLower(gc, gd), ref dBottom, cell);
        TS.Store(TS.InterleaveUpper(gc, gd), ref dBottom, cell + TS.Count);
    }
}

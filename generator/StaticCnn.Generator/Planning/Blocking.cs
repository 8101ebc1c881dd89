using System;

namespace StaticCnn.Generator.Planning;

/// <summary>
/// A register block: <see cref="Rows"/> broadcast rows x <see cref="Vectors"/> vectors of columns (or taps),
/// every pair one accumulator held in a register.
/// </summary>
internal readonly record struct RegisterBlock(int Rows, int Vectors)
{
    public override string ToString() => $"{Rows}x{Vectors}";
}

/// <summary>
/// Chooses register blocks for the kernels from the exact shapes. Two targets: the narrow one (AVX2, NEON,
/// scalar: 16 vector registers of at most 8 floats) and the wide one (AVX-512: 32 registers of 16 floats); the
/// generated kernels hold one block of each and pick by <c>TS.Count</c>, which the JIT folds. The model per tap:
/// a block of MR rows x NR vectors needs MR*NR accumulators, NR loaded vectors and one broadcast; it costs
/// max(MR*NR / 2 FMA ports, loads / 2 load ports, FMA latency) cycles plus a fixed overhead, so a block needs
/// at least 2 x latency independent accumulators to keep both FMA ports busy. Loads shifted by a tap split cache lines (counted
/// double on the wide target, whose vectors are a whole line). Blocks past the edges do wasted work, which the
/// cost counts.
/// </summary>
internal static class Blocking
{
    /// <summary>The narrow planning vector width in floats (AVX2).</summary>
    public const int Lanes = 8;

    /// <summary>The widest vector any path runs (AVX-512): buffers reserve room for whole blocks of it.</summary>
    public const int MaxLanes = 16;

    /// <summary>Most column vectors per block: buffers reserve room for 4 vectors of <see cref="MaxLanes"/>.</summary>
    public const int MaxColumnFloats = MaxLanes * 4;

    /// <summary>
    /// FMA latency in cycles, rounded up from 4 so that a block keeps a margin of independent accumulators
    /// (out-of-order scheduling does not overlap taps perfectly).
    /// </summary>
    private const double FmaLatency = 6;

    /// <summary>Cycles per tap besides the FMAs and loads (pointer steps, loop control), which bigger blocks amortise.</summary>
    private const double TapOverhead = 1;

    /// <summary>
    /// The cheapest block for <paramref name="rows"/> x <paramref name="columns"/>; with a <paramref name="map"/>,
    /// a block that runs compact (<see cref="ColumnMap.Compact"/>) is costed over the valid columns only.
    /// </summary>
    public static RegisterBlock ForGemm(int rows, int columns, bool wide, bool shiftedLoads = true, ColumnMap? map = null)
    {
        int lanes = wide ? MaxLanes : Lanes;
        int registers = wide ? 32 : 16;
        double split = shiftedLoads ? (wide ? 2.0 : 1.5) : 1.0;
        RegisterBlock best = new(1, 1);
        double bestCost = double.MaxValue;
        for (int mr = 1; mr <= Math.Min(rows, 12); mr++)
        {
            for (int nr = 1; nr * lanes <= MaxColumnFloats; nr++)
            {
                if ((mr * nr) + nr + 1 > registers)
                {
                    continue;
                }

                int blockColumns = map is ColumnMap m && m.Compact(nr, lanes) ? m.Height * m.Width : columns;
                int columnBlocks = (blockColumns + (nr * lanes) - 1) / (nr * lanes);
                int fullRowBlocks = rows / mr;
                int tail = rows % mr;
                double cost = columnBlocks * ((fullRowBlocks * TapCycles(mr, nr, split)) + (tail > 0 ? TapCycles(tail, nr, split) : 0));
                if (cost < bestCost - 1e-9)
                {
                    bestCost = cost;
                    best = new(mr, nr);
                }
            }
        }

        return best;
    }

    /// <summary>
    /// The row stride of a GEMM's result: whole blocks of either target run past <paramref name="columns"/>, so
    /// every row has room for the last block's full width (and starts 64-byte aligned).
    /// </summary>
    public static int RowStride(int columns, RegisterBlock narrow, RegisterBlock wide, RegisterBlock? mid = null)
    {
        int narrowEnd = RoundUp(columns, narrow.Vectors * Lanes);
        int wideEnd = RoundUp(columns, wide.Vectors * MaxLanes);
        int midEnd = mid is RegisterBlock m ? RoundUp(columns, m.Vectors * Lanes) : 0;
        return RoundUp(Math.Max(Math.Max(narrowEnd, wideEnd), midEnd), MaxLanes);
    }

    public static RegisterBlock ForReduce(int rows, int taps, int columns, bool wide)
    {
        int lanes = wide ? MaxLanes : Lanes;
        int registers = wide ? 32 : 16;
        RegisterBlock best = new(1, 1);
        double bestCost = double.MaxValue;
        for (int mr = 1; mr <= Math.Min(rows, 8); mr++)
        {
            for (int t = 1; t <= Math.Min(taps, 8); t++)
            {
                if ((mr * t) + t + 1 > registers)
                {
                    continue;
                }

                int rowBlocks = (rows + mr - 1) / mr;
                int tapGroups = (taps + t - 1) / t;
                int steps = (columns + lanes - 1) / lanes;

                // Per step: mr*t FMAs and mr + t loads; per group a horizontal sum of every accumulator.
                double step = Math.Max(Math.Max(mr * t / 2.0, (mr + (t * 1.5)) / 2.0), FmaLatency) + TapOverhead;
                double cost = rowBlocks * tapGroups * ((steps * step) + (mr * t * 4));
                if (cost < bestCost - 1e-9)
                {
                    bestCost = cost;
                    best = new(mr, t);
                }
            }
        }

        return best;
    }

    /// <summary>
    /// The cheapest block for a convolution with its filters in the lanes: rows are the pixels of a
    /// <paramref name="height"/> x <paramref name="width"/> output, columns its <paramref name="filters"/>; a block of
    /// MR pixels must lie inside one output row (MR divides the width) so that its pixels read the input at
    /// consecutive offsets. Ties go to the block with fewer loads per multiply-add.
    /// </summary>
    /// <param name="lanes">Floats per vector of the target.</param>
    /// <param name="registers">Its vector registers: 16, or 32 (AVX-512 at either width, NEON).</param>
    public static RegisterBlock ForPixelRows(int height, int width, int filters, int lanes, int registers)
    {
        int vectors = (filters + lanes - 1) / lanes;
        RegisterBlock best = new(1, 1);
        double bestCost = double.MaxValue;
        for (int mr = 1; mr <= Math.Min(width, 12); mr++)
        {
            if (width % mr != 0)
            {
                continue;
            }

            for (int nr = 1; nr <= Math.Min(vectors, 4); nr++)
            {
                if ((mr * nr) + nr + 1 > registers)
                {
                    continue;
                }

                int columnBlocks = (filters + (nr * lanes) - 1) / (nr * lanes);
                double cost = (double)height * (width / mr) * columnBlocks * TapCycles(mr, nr, 1.0);
                cost += cost * 1e-3 * (mr + nr) / (mr * nr);
                if (cost < bestCost - 1e-9)
                {
                    bestCost = cost;
                    best = new(mr, nr);
                }
            }
        }

        return best;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static double TapCycles(int mr, int nr, double split) =>
        Math.Max(Math.Max(mr * nr / 2.0, (mr + (nr * split)) / 2.0), FmaLatency) + TapOverhead;
}

using System;

namespace StaticCnn.Generator.Planning;

/// <summary>
/// Chooses register blocks for the kernels from the exact shapes, assuming 16 vector registers (AVX2) and two
/// FMA and two load ports: a block of MR rows x NR vectors needs MR*NR accumulators, NR loaded vectors and one
/// broadcast, and costs per tap max(MR*NR, MR + NR) / 2 cycles. Blocks past the edges do wasted work, which the
/// cost counts.
/// </summary>
internal static class Blocking
{
    public const int Registers = 16;

    /// <summary>The planning vector width in floats (AVX2); wider machines run the same blocks over wider vectors.</summary>
    public const int Lanes = 8;

    /// <summary>The widest vector any path runs (AVX-512): buffers reserve room for whole blocks of it.</summary>
    public const int MaxLanes = 16;

    public static (int RowBlock, int ColumnVectors) ForGemm(int rows, int columns)
    {
        (int, int) best = (1, 1);
        double bestCost = double.MaxValue;
        for (int mr = 1; mr <= 8; mr++)
        {
            for (int nr = 1; nr <= 4; nr++)
            {
                if ((mr * nr) + nr + 1 > Registers)
                {
                    continue;
                }

                double cost = GemmCost(rows, columns, mr, nr);
                if (cost < bestCost - 1e-9)
                {
                    bestCost = cost;
                    best = (mr, nr);
                }
            }
        }

        return best;
    }

    public static (int RowBlock, int Taps) ForReduce(int rows, int taps, int columns)
    {
        (int, int) best = (1, 1);
        double bestCost = double.MaxValue;
        for (int mr = 1; mr <= 8; mr++)
        {
            for (int t = 1; t <= Math.Min(taps, 8); t++)
            {
                if ((mr * t) + t + 1 > Registers)
                {
                    continue;
                }

                int rowBlocks = (rows + mr - 1) / mr;
                int tapGroups = (taps + t - 1) / t;
                int steps = (columns + Lanes - 1) / Lanes;

                // Per step: mr*t FMAs and mr + t loads; per group a horizontal sum of every accumulator.
                double cost = rowBlocks * tapGroups * ((steps * Math.Max(mr * t, mr + t) / 2.0) + (mr * t * 4));
                if (cost < bestCost - 1e-9)
                {
                    bestCost = cost;
                    best = (mr, t);
                }
            }
        }

        return best;
    }

    private static double GemmCost(int rows, int columns, int mr, int nr)
    {
        int columnBlocks = (columns + (nr * Lanes) - 1) / (nr * Lanes);
        int fullRowBlocks = rows / mr;
        int tail = rows % mr;
        double perTap = Math.Max(mr * nr, mr + nr) / 2.0;
        double cost = fullRowBlocks * columnBlocks * perTap;
        if (tail > 0)
        {
            cost += columnBlocks * Math.Max(tail * nr, tail + nr) / 2.0;
        }

        return cost;
    }
}

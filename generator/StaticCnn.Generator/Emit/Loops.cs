using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Emit;

/// <summary>Loops over rows and planes that several layer kinds' kernels write the same way.</summary>
internal static class Loops
{
    /// <summary>A loop over x in [0, length): whole vectors, the last one overlapping the one before, or scalars when the row is shorter than a vector.</summary>
    public static void RowLoop(IndentedWriter w, int length, string vector, string scalar)
    {
        using (w.Block($"if ({length} >= TS.Count)"))
        {
            VectorLoop(w, length, vector);
        }

        using (w.Block("else"))
        {
            using (w.Block($"for (int x = 0; x < {length}; x++)"))
            {
                w.Line(scalar);
            }
        }
    }

    /// <summary>A loop over x in [0, length) by whole vectors, the last one moved back to overlap the one before (length at least a vector).</summary>
    public static void VectorLoop(IndentedWriter w, int length, params string[] body)
    {
        using (w.Block($"for (int x = 0; x < {length}; x += TS.Count)"))
        {
            w.Line($"if (x > {length} - TS.Count)");
            w.Line("{");
            w.Line($"    x = {length} - TS.Count;");
            w.Line("}");
            w.Line();
            foreach (string line in body)
            {
                w.Line(line);
            }
        }
    }

    /// <summary>Copies <paramref name="rows"/> rows of <paramref name="length"/> floats of each of <paramref name="planes"/> planes between two strided layouts.</summary>
    public static void PlaneRowCopy(IndentedWriter w, int planes, int rows, int length, int source, int sourcePlane, int sourceRow, int destination, int destinationPlane, int destinationRow)
    {
        if (sourceRow == length && destinationRow == length)
        {
            using (w.Block($"for (int ci = 0; ci < {planes}; ci++)"))
            {
                w.Line($"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {source} + (ci * {sourcePlane})), ref TS.At(ref ws, {destination} + (ci * {destinationPlane})), {rows * length});");
            }

            return;
        }

        using (w.Block($"for (int ci = 0; ci < {planes}; ci++)"))
        using (w.Block($"for (int y = 0; y < {rows}; y++)"))
        {
            w.Line($"global::StaticCnn.Kernels.Memory.Copy(ref TS.At(ref ws, {source} + (ci * {sourcePlane}) + (y * {sourceRow})), ref TS.At(ref ws, {destination} + (ci * {destinationPlane}) + (y * {destinationRow})), {length});");
        }
    }
}

using System.Text;
using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// Writes the weights a network bakes in (<c>[Network(..., Weights = "file.safetensors")]</c>): the floats as a
/// constant array the compiler stores in the assembly's read-only data (a <c>ReadOnlySpan&lt;float&gt;</c> over it
/// allocates nothing), and the members that expose and restore them.
/// </summary>
internal static class BakedWeightsEmitter
{
    private const int PerLine = 8;

    /// <summary>The public members on the network class.</summary>
    public static void EmitMembers(IndentedWriter w, string kernels, string file)
    {
        w.Line("/// <summary>");
        w.Line($"/// The weights baked in at compile time from {Text.Xml(file)}, in the layout of <see cref=\"Parameters\"/>.");
        w.Line("/// They live in the assembly's read-only data: reading them allocates nothing.");
        w.Line("/// </summary>");
        w.Line($"public static global::System.ReadOnlySpan<float> BakedParameters => {kernels}.BakedParameters;");
        w.Line();
        w.Line("/// <summary>Sets <see cref=\"Parameters\"/> back to <see cref=\"BakedParameters\"/>, as the constructor does.</summary>");
        w.Line("public void RestoreBakedParameters() => BakedParameters.CopyTo(_storage.Parameters);");
    }

    /// <summary>The data, inside the file-local kernels class.</summary>
    public static void EmitData(IndentedWriter w, EquatableArray<float> values, string file)
    {
        w.Line($"/// <summary>The {Format.Count(values.Count)} parameters read from {Text.Xml(file)} at compile time.</summary>");
        w.Line("public static global::System.ReadOnlySpan<float> BakedParameters => new float[]");
        w.Line("{");
        var line = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            line.Append(Format.FloatLiteral(values[i])).Append(',');
            if ((i + 1) % PerLine == 0 || i == values.Count - 1)
            {
                w.Line("    " + line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(' ');
            }
        }

        w.Line("};");
    }
}

using System.Text;
using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// Writes the weights a network bakes in (<c>[Network(..., Weights = "file.safetensors")]</c>): the floats as a
/// constant array the compiler stores in the assembly's read-only data (a <c>ReadOnlySpan&lt;float&gt;</c> over it
/// allocates nothing), and the members that expose and restore them. The array holds the parameters and then the
/// buffers (BatchNorm running statistics; none for most networks), so <c>BakedParameters</c> and
/// <c>BakedBuffers</c> are its two slices at <c>ParameterCount</c>.
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
        w.Line($"public static global::System.ReadOnlySpan<float> BakedParameters => {kernels}.BakedValues.Slice(0, ParameterCount);");
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// The buffers baked in at compile time from {Text.Xml(file)} (BatchNorm running statistics; empty when the");
        w.Line("/// network has none), in the layout of <see cref=\"Buffers\"/>. Read-only data too.");
        w.Line("/// </summary>");
        w.Line($"public static global::System.ReadOnlySpan<float> BakedBuffers => {kernels}.BakedValues.Slice(ParameterCount, BufferCount);");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Sets <see cref=\"Parameters\"/> and <see cref=\"Buffers\"/> back to <see cref=\"BakedParameters\"/> and");
        w.Line("/// <see cref=\"BakedBuffers\"/>, as the constructor does.");
        w.Line("/// </summary>");
        using (w.Block("public void RestoreBakedParameters()"))
        {
            w.Line("if (_storage.Frozen)");
            w.Line("{");
            w.Line("    throw global::StaticCnn.NetworkErrors.Frozen(GetType().Name, nameof(RestoreBakedParameters));");
            w.Line("}");
            w.Line();
            w.Line("BakedParameters.CopyTo(_storage.Parameters);");
            w.Line("BakedBuffers.CopyTo(_storage.Buffers);");
        }
    }

    /// <summary>
    /// The data, inside the file-local kernels class: <paramref name="values"/> holds the parameters followed by the
    /// buffers (<see cref="Weights.BakedWeights.Values"/>).
    /// </summary>
    public static void EmitData(IndentedWriter w, EquatableArray<float> values, string file)
    {
        w.Line($"/// <summary>The {Format.Count(values.Count)} values read from {Text.Xml(file)} at compile time: the parameters, then the buffers.</summary>");
        w.Line("public static global::System.ReadOnlySpan<float> BakedValues => new float[]");
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

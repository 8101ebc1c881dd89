using StaticCnn.Generator.Planning;

namespace StaticCnn.Generator.Emit;

/// <summary>Names and fragments the emitted code uses everywhere.</summary>
internal static class Names
{
    public const string Simd = "global::StaticCnn.Kernels";

    /// <summary>The type parameters and constraints of every kernel method.</summary>
    public const string KernelTypeParameters = "<TS, TV>";

    /// <summary>The runtime's clock for ForwardProfiled's per-layer timestamps.</summary>
    public const string LayerClock = "global::StaticCnn.Kernels.LayerClock";

    public const string KernelConstraints = "where TS : struct, global::StaticCnn.Kernels.ISimd<TV> where TV : struct";

    /// <summary>The parameters every kernel method takes: parameters, gradients, workspace.</summary>
    public const string KernelParameters = "ref float p, ref float g, ref float ws";

    public const string KernelArguments = "ref p, ref g, ref ws";

    public const string AggressiveOptimization =
        "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    public static string Ref(Operand operand) => operand switch
    {
        Operand.Parameters => "p",
        Operand.Gradients => "g",
        _ => "ws",
    };

    /// <summary>"a + b" with constant folding of zero terms, for readable offsets.</summary>
    public static string Plus(params string[] terms)
    {
        var parts = new System.Collections.Generic.List<string>();
        foreach (string term in terms)
        {
            if (term.Length > 0 && term != "0")
            {
                parts.Add(term);
            }
        }

        if (parts.Count == 0)
        {
            return "0";
        }

        string text = string.Join(" + ", parts);
        return text.Replace("+ -", "- ");
    }

    /// <summary>"3 * TS.Count", "TS.Count" or "" for vector v.</summary>
    public static string Lane(int v) => v switch
    {
        0 => "",
        1 => "TS.Count",
        _ => $"{v} * TS.Count",
    };

    /// <summary>"row * 25", "(row + 2) * 25", or "" when the stride is 0.</summary>
    public static string RowTimes(string row, int m, int stride)
    {
        if (stride == 0)
        {
            return "";
        }

        string r = m == 0 ? row : $"({row} + {m})";
        return stride == 1 ? r : $"{r} * {stride}";
    }
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;

namespace StaticCnn.CodeFixes;

/// <summary>
/// One suggestion the analyzer attached to a diagnostic as property "fixN" = "argument=value|output": set the
/// attribute argument (a constructor parameter such as "stride", or the named property "Rounding") to the value,
/// or, with an empty argument, remove the layer attribute.
/// </summary>
internal sealed class FixSuggestion
{
    private FixSuggestion(string argument, int value, string output, int index)
    {
        Argument = argument;
        Value = value;
        Output = output;
        Index = index;
    }

    public string Argument { get; }

    public int Value { get; }

    /// <summary>"28x28", or "" when the analyzer gave no output size.</summary>
    public string Output { get; }

    public int Index { get; }

    public static IReadOnlyList<FixSuggestion> Read(ImmutableDictionary<string, string?> properties)
    {
        var found = new List<FixSuggestion>();
        for (int i = 0; properties.TryGetValue("fix" + i.ToString(CultureInfo.InvariantCulture), out string? text) && text is not null; i++)
        {
            int equals = text.IndexOf('=');
            int bar = text.IndexOf('|');
            if (equals < 0 || bar < equals
                || !int.TryParse(text.Substring(equals + 1, bar - equals - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                continue;
            }

            found.Add(new FixSuggestion(text.Substring(0, equals), value, text.Substring(bar + 1), i));
        }

        return found;
    }

    /// <summary>"Use stride 1 (output 28x28)", "Use Rounding = ShapeRounding.Floor (output 14x14)", "Remove [Sigmoid]".</summary>
    public string Title(string layer)
    {
        string output = Output.Length > 0 ? $" (output {Output})" : "";
        return Argument switch
        {
            "" => $"Remove [{layer}]",
            "Rounding" => $"Use Rounding = ShapeRounding.{RoundingName(Value)}{output}",
            "PaddingMode" => $"Use PaddingMode = PaddingMode.{PaddingModeName(Value)}{output}",
            _ when IsNamedProperty(Argument) => $"Use {Argument} = {Value.ToString(CultureInfo.InvariantCulture)}{output}",
            "kernelSize" => $"Use kernel size {Value.ToString(CultureInfo.InvariantCulture)}{output}",
            "size" => $"Use window size {Value.ToString(CultureInfo.InvariantCulture)}{output}",
            "features" => $"Use {layer}({Value.ToString(CultureInfo.InvariantCulture)}), its input's count",
            _ => $"Use {Argument} {Value.ToString(CultureInfo.InvariantCulture)}{output}",
        };
    }

    /// <summary>"Rounding", "PaddingMode", "Groups", "KernelWidth": a named property of the attribute (constructor parameters start in lower case).</summary>
    public static bool IsNamedProperty(string argument) => argument.Length > 0 && char.IsUpper(argument[0]);

    public static string PaddingModeName(int value) => value switch
    {
        1 => "Valid",
        2 => "Same",
        _ => "Explicit",
    };

    public static string RoundingName(int value) => value switch
    {
        1 => "Floor",
        2 => "Ceil",
        _ => "Exact",
    };
}

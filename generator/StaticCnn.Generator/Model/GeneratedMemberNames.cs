namespace StaticCnn.Generator.Model;

/// <summary>Every member name the generated part of a network class declares, besides its parameterless constructor.</summary>
internal static class GeneratedMemberNames
{
    public static readonly string[] All =
    {
        "InputLength", "OutputLength", "ParameterCount", "Summary", "InputShape", "Layers", "Parameters", "Gradients",
        "VectorWidth", "InitializeParameters", "Forward", "Backward", "ZeroGradients", "_storage",
    };
}

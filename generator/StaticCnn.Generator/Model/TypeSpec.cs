using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Model;

/// <summary>A containing type, as the generated partial declaration must repeat it.</summary>
/// <param name="Keyword">"class", "struct", "record", "record struct" or "interface".</param>
/// <param name="Name">The escaped identifier, e.g. "Outer" or "@class".</param>
/// <param name="TypeParameters">"" or "&lt;T, U&gt;" with escaped names.</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name, string TypeParameters);

/// <summary>Where the network class lives and how to redeclare it.</summary>
/// <param name="Namespace">Escaped, dotted namespace, or "" for the global namespace.</param>
/// <param name="Name">Escaped class name.</param>
/// <param name="TypeParameters">"" or "&lt;T&gt;".</param>
/// <param name="Keyword">"class" or "record".</param>
/// <param name="ContainingTypes">Outermost first.</param>
/// <param name="MetadataName">Fully qualified name for hint names and messages, e.g. "Samples.Outer.LeNet5".</param>
internal sealed record TypeSpec(
    string Namespace,
    string Name,
    string TypeParameters,
    string Keyword,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string MetadataName)
{
    /// <summary>The name people read in messages: "LeNet5" or "Outer.LeNet5".</summary>
    public string DisplayName { get; init; } = Name;
}

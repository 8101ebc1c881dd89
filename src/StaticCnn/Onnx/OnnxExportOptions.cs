using System.Collections.Generic;

namespace StaticCnn;

/// <summary>Optional settings for <see cref="OnnxExporter"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The graph name (<c>GraphProto.name</c>); defaults to <c>"StaticCnn"</c>.</summary>
    public string GraphName { get; init; } = "StaticCnn";

    /// <summary>The symbolic name of the batch dimension of the input and output; defaults to <c>"N"</c>.</summary>
    public string BatchDimension { get; init; } = "N";

    /// <summary>Strings stored in <c>ModelProto.metadata_props</c>, written in ordinal key order.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

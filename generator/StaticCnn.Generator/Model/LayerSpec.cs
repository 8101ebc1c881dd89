namespace StaticCnn.Generator.Model;

/// <summary>
/// One layer attribute as written, before any checking: a value-equatable record of ints, floats and enums. Each
/// layer kind has its own record, in its folder under Layers/ (ConvSpec, PoolSpec, DenseSpec, ...), holding exactly
/// the arguments that kind declares; counts keep the declared values (a pooling stride of 0 stays 0 here, shape
/// inference resolves it).
/// </summary>
internal abstract record LayerSpec
{
    /// <summary>Which attribute.</summary>
    public abstract LayerKind Kind { get; }

    /// <summary>1-based position among the layers, as messages number them.</summary>
    public int Index { get; init; }
}

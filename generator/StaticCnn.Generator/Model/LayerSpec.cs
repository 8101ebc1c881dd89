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

    /// <summary>
    /// How messages and comments name the layer when "{Kind} #{Index}" would not say where it is: inside a block
    /// ("Residual #4 › BasicBlock › Conv2D #1"), or after a block, where its position among the network's attributes
    /// differs from <see cref="Index"/>. Null for a layer of a plain sequence. Set by shape inference.
    /// </summary>
    public string? Label { get; init; }

    /// <summary>
    /// The 1-based position of the network attribute a diagnostic about this layer goes on: the layer's own, or, for a
    /// layer inside a block, the [Residual] or [Concat] that uses the block. 0: <see cref="Index"/>. Set by shape inference.
    /// </summary>
    public int Site { get; init; }

    /// <summary>"Conv2D #1", or the <see cref="Label"/>.</summary>
    public string Name => Label ?? $"{Kind} #{Index}";
}

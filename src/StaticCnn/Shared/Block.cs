// One source for the runtime (public StaticCnn.Block, written in blocks' attributes) and the generator (internal, which
// substitutes the use's values for these markers), linked into both projects.
#if STATICCNN_GENERATOR
namespace StaticCnn.Generator.Model;
#else
namespace StaticCnn;
#endif

/// <summary>
/// Values a block's layer arguments can take from the attribute that uses the block: write <c>Block.Filters</c>
/// where a count goes and each use decides it (<c>[Residual(typeof(BasicBlock), Filters = 32)]</c>). They are
/// markers, not numbers: anywhere else the generator reports them (SCNN0034).
/// </summary>
#if STATICCNN_GENERATOR
internal
#else
public
#endif
static class Block
{
    /// <summary>The use site's <c>Filters</c> (output channels of the block's convolutions).</summary>
    public const int Filters = int.MinValue + 1;

    /// <summary>The use site's <c>Stride</c> (1 when the use site does not set it).</summary>
    public const int Stride = int.MinValue + 2;

    /// <summary>The use site's <c>Hidden</c> (the expanded width of an inverted residual, for example).</summary>
    public const int Hidden = int.MinValue + 3;
}

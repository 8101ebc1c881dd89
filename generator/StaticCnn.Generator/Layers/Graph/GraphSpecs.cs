using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>What can be wrong with a block a [Residual] or [Concat] names, found while it is read.</summary>
internal enum BlockProblem
{
    None,

    /// <summary>The type has no [Block] attribute (Detail: its name).</summary>
    NotABlock,

    /// <summary>The block uses itself, directly or through others (Detail: the chain).</summary>
    Recursive,

    /// <summary>A layer uses Block.Filters, Block.Stride or Block.Hidden and the use site does not set it (Detail: which, where).</summary>
    MarkerNotSet,

    /// <summary>The block has no layers.</summary>
    Empty,

    /// <summary>The typeof argument is missing or is not a class (Detail: what was written).</summary>
    NotAType,
}

/// <summary>
/// A block as one use of it reads: its name and its layers, with Block.Filters, Block.Stride and Block.Hidden
/// replaced by the use site's values. Value-equatable: editing a block changes the spec of every network that uses it.
/// </summary>
/// <param name="Name">The block class's name as written in messages ("BasicBlock").</param>
/// <param name="Layers">Its layer attributes in source order, numbered from 1 within the block.</param>
/// <param name="Problem">What is wrong with it, if anything (its layers are then not checked).</param>
/// <param name="Detail">The problem's particulars for the message.</param>
internal sealed record BlockSpec(string Name, EquatableArray<LayerSpec> Layers, BlockProblem Problem = BlockProblem.None, string Detail = "");

/// <summary>The values a use site gives the markers of the blocks it uses (0: not set).</summary>
internal readonly record struct BlockValues(int Filters, int Stride, int Hidden)
{
    public static bool IsMarker(int value) => value is Block.Filters or Block.Stride or Block.Hidden;

    /// <summary>"Block.Filters".</summary>
    public static string MarkerName(int marker) => marker switch
    {
        Block.Filters => "Block.Filters",
        Block.Stride => "Block.Stride",
        _ => "Block.Hidden",
    };

    /// <summary>The value <paramref name="marker"/> stands for, or null when the use site does not set it (Stride defaults to 1).</summary>
    public int? Resolve(int marker) => marker switch
    {
        Block.Filters => Filters != 0 ? Filters : null,
        Block.Stride => Stride != 0 ? Stride : 1,
        _ => Hidden != 0 ? Hidden : null,
    };
}

/// <summary>[Residual(typeof(Body), Shortcut = typeof(Projection), Filters = ..., Stride = ..., Hidden = ...)].</summary>
internal sealed record ResidualSpec(BlockSpec Body, BlockSpec? Shortcut, BlockValues Values) : LayerSpec
{
    public override LayerKind Kind => LayerKind.Residual;
}

/// <summary>[Concat(typeof(A), typeof(B), ..., IncludeInput = ...)]; also the node that concatenates the branches.</summary>
internal sealed record ConcatSpec(EquatableArray<BlockSpec> Branches, bool IncludeInput, BlockValues Values) : LayerSpec
{
    public override LayerKind Kind => LayerKind.Concat;
}

/// <summary>The node that ends a residual connection: the sum of its block's and its shortcut's outputs.</summary>
internal sealed record AddSpec : LayerSpec
{
    public override LayerKind Kind => LayerKind.Add;
}

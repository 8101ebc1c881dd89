using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Model;

/// <summary>
/// Everything the generator needs about one [Network] class: value-equatable, free of compiler objects, so the
/// incremental pipeline caches on it and shape inference is a pure function of it.
/// </summary>
/// <param name="Type">The class and its containers.</param>
/// <param name="Channels">Declared input channels.</param>
/// <param name="Height">Declared input height.</param>
/// <param name="Width">Declared input width.</param>
/// <param name="Layers">Layer attributes in source order.</param>
/// <param name="Declaration">Problems with the declaration itself (not partial, layers spread, ...).</param>
/// <param name="Rounding">The [Network]'s Rounding as written (Exact when not set; may be undefined).</param>
/// <param name="HasUnreadableArguments">
/// An attribute argument was not a constant the generator could read; the compiler reports that error itself.
/// </param>
/// <param name="WeightsFile">The safetensors file named by <c>Weights = "..."</c> to bake in, or null.</param>
internal sealed record NetworkSpec(
    TypeSpec Type,
    int Channels,
    int Height,
    int Width,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<DeclarationProblem> Declaration,
    bool HasUnreadableArguments,
    Rounding Rounding = Rounding.Exact,
    string? WeightsFile = null);

/// <summary>What can be wrong with the class that carries [Network], independent of shapes.</summary>
internal enum DeclarationProblemKind
{
    NotPartial,
    ContainingTypeNotPartial,
    StaticClass,
    LayersOnOtherDeclaration,

    /// <summary>A member the user declared has the name of a generated member (Detail: its name).</summary>
    MemberClash,

    /// <summary>A network's own layer uses Block.Filters, Block.Stride or Block.Hidden (Detail: "marker|argument|kind").</summary>
    MarkerOutsideBlock,
}

/// <param name="Kind">What is wrong.</param>
/// <param name="Detail">A name for the message: the containing type, or the misplaced layer's attribute name.</param>
/// <param name="LayerIndex">For misplaced layers, the 1-based layer position; otherwise 0.</param>
internal sealed record DeclarationProblem(DeclarationProblemKind Kind, string Detail, int LayerIndex = 0);

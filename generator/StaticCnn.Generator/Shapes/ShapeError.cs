using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Shapes;

/// <summary>The rules a declaration can break; each maps to one SCNN diagnostic.</summary>
internal enum Rule
{
    NotPartial,
    LayersOnOtherDeclaration,
    LayerWithoutNetwork,
    NoLayers,
    NonPositive,
    NotWhole,
    WindowTooLarge,
    PoolPaddingTooLarge,
    SpatialAfterFlat,
    Overflow,
    SlopeNotFinite,
    ContainingTypeNotPartial,
    StaticClass,
    UnknownRounding,
    CeilConvolution,
    MemberClash,
    PaddingCoversKernel,
    ConsecutiveActivations,
    StrideSkipsInput,
    DenseDominates,
    WindowLoops,
    UnknownEnumValue,
    PaddingConflict,
    GroupsDoNotDivide,
    SoftmaxNotLast,
    DropoutProbability,
    BatchNormFeatures,
    BatchNormTwice,
    BatchNormArgument,
    ResidualShapes,
    ConcatSizes,
    NotABlock,
    RecursiveBlock,
    MarkerNotSet,
}

/// <summary>A different value for one attribute argument that makes the layer fit, for messages and code fixes.</summary>
/// <param name="Argument">
/// The constructor parameter to change ("stride", "padding", "kernelSize", "size"), "Rounding" (the named
/// property; Value is a ShapeRounding), or "" to remove the layer.
/// </param>
/// <param name="Value">The value that fits.</param>
/// <param name="Output">The output size it gives, "15x15".</param>
/// <param name="Also">Another argument changed too (e.g. "stride" is kept but named for clarity), or "".</param>
internal sealed record FitSuggestion(string Argument, int Value, string Output, string Also = "");

/// <summary>
/// A broken rule, with the finished message. <paramref name="LayerIndex"/> is 1-based; 0 means the [Network]
/// attribute (or the class) itself. <paramref name="Argument"/> names the constructor parameter to squiggle, or "".
/// </summary>
internal sealed record ShapeError(
    Rule Rule,
    int LayerIndex,
    string Argument,
    string Message,
    EquatableArray<FitSuggestion> Suggestions)
{
    /// <summary>
    /// For an error about a layer inside a block: the way from the network's attribute at <see cref="LayerIndex"/> to
    /// the block's attribute the error is about, as pairs (which block of the use: 0 the body, 1 the shortcut, or the
    /// branch; then the layer's 1-based position in that block), so that the analyzer can point at it and the code
    /// fixes change it there. Empty for the network's own layers. <see cref="Argument"/> and the suggestions are then
    /// the block's attribute's.
    /// </summary>
    public EquatableArray<int> Path { get; init; }
}

// LayerKind, ShapeRounding and PaddingMode are the runtime's own sources, linked from src/StaticCnn/Shared.
global using Rounding = StaticCnn.Generator.Model.ShapeRounding;

namespace StaticCnn.Generator.Model;

internal static class LayerKinds
{
    public static bool IsDefined(this ShapeRounding rounding) => rounding is ShapeRounding.Exact or ShapeRounding.Floor or ShapeRounding.Ceil;

    public static bool IsDefined(this PaddingMode mode) => mode is PaddingMode.Explicit or PaddingMode.Valid or PaddingMode.Same;
}

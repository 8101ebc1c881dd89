namespace StaticCnn.Generator.Model;

/// <summary>The layer attributes the generator understands (mirrors StaticCnn.LayerKind in the runtime).</summary>
internal enum LayerKind
{
    Conv2D,
    MaxPool2D,
    AvgPool2D,
    ReLU,
    LeakyReLU,
    Sigmoid,
    Tanh,
    Flatten,
    Dense,
}

/// <summary>
/// How a spatial layer rounds (N + 2P - F) / S + 1 (mirrors StaticCnn.ShapeRounding): Exact requires an exact
/// division, Floor rounds down (PyTorch's default), Ceil rounds up (PyTorch's pooling ceil_mode).
/// </summary>
internal enum Rounding
{
    Exact = 0,
    Floor = 1,
    Ceil = 2,
}

internal static class LayerKinds
{
    public static bool IsDefined(this Rounding rounding) => rounding is Rounding.Exact or Rounding.Floor or Rounding.Ceil;
}

using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// The arguments of one layer attribute, as a layer kind's parser reads them: constructor parameters by name (the
/// compiler fills in defaults) and named properties. Reading never throws; a value that is not a constant of the
/// expected type marks the declaration as unreadable (the compiler reports that error itself) and yields the
/// fallback. Implemented over Roslyn's AttributeData in Parsing/, so that the layer kinds stay free of compiler types.
/// </summary>
internal abstract class LayerArguments
{
    protected LayerArguments(int index, Rounding inheritedRounding)
    {
        Index = index;
        InheritedRounding = inheritedRounding;
    }

    /// <summary>The layer's 1-based position.</summary>
    public int Index { get; }

    /// <summary>The network's Rounding (Exact when it is not set or not a defined value).</summary>
    public Rounding InheritedRounding { get; }

    /// <summary>Set when an argument could not be read.</summary>
    public bool Unreadable { get; protected set; }

    /// <summary>The constructor argument <paramref name="parameter"/> as an int.</summary>
    public abstract int Int(string parameter, int fallback);

    /// <summary>The constructor argument <paramref name="parameter"/> as a float (an int or double constant converts).</summary>
    public abstract float Float(string parameter, float fallback);

    /// <summary>The named property Rounding = ShapeRounding.X, or null when it is not set.</summary>
    public abstract Rounding? Rounding();

    /// <summary>The named property <paramref name="property"/> as an int (an enum's value too), or null when it is not set.</summary>
    public abstract int? NamedInt(string property);

    /// <summary>The named property <paramref name="property"/> as a bool, or null when it is not set.</summary>
    public abstract bool? NamedBool(string property);

    /// <summary>The named property <paramref name="property"/> as a float (an int or double constant converts), or null when it is not set.</summary>
    public abstract float? NamedFloat(string property);
}

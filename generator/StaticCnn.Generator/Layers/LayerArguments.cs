using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
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
    protected LayerArguments(int index, NetworkDefaults defaults)
    {
        Index = index;
        Defaults = defaults;
    }

    /// <summary>The layer's 1-based position.</summary>
    public int Index { get; }

    /// <summary>What the network's attribute sets for every layer that does not set it itself.</summary>
    public NetworkDefaults Defaults { get; }

    /// <summary>The network's Rounding (Exact when it is not set or not a defined value).</summary>
    public Rounding InheritedRounding => Defaults.Rounding;

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

    /// <summary>
    /// Int arguments written as Block.Filters, Block.Stride or Block.Hidden that the enclosing use does not set (or that
    /// sit on a network's own layer, where nothing sets them): the argument and the marker. Such an argument reads as the
    /// marker's raw value; the parser turns the list into an error.
    /// </summary>
    public List<(string Argument, int Marker)> UnresolvedMarkers { get; } = new();

    /// <summary>The block named by the constructor argument <paramref name="parameter"/> (a typeof), read with <paramref name="values"/>.</summary>
    public abstract BlockSpec Block(string parameter, BlockValues values);

    /// <summary>The block named by the named property <paramref name="property"/>, or null when it is not set.</summary>
    public abstract BlockSpec? NamedBlock(string property, BlockValues values);

    /// <summary>The blocks of the params-array constructor argument <paramref name="parameter"/>.</summary>
    public abstract EquatableArray<BlockSpec> Blocks(string parameter, BlockValues values);
}

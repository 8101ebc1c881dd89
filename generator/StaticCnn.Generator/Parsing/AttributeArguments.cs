using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Parsing;

/// <summary>
/// <see cref="LayerArguments"/> over Roslyn's AttributeData: reads TypedConstants defensively, never throws, and
/// marks the declaration unreadable when a value is not a constant of the expected type.
/// </summary>
internal sealed class AttributeArguments : LayerArguments
{
    private readonly AttributeData _data;
    private readonly BlockValues? _values;
    private readonly BlockReader? _blocks;

    /// <param name="data">The attribute.</param>
    /// <param name="index">Its 1-based position.</param>
    /// <param name="defaults">The network's Rounding and BatchNorm defaults.</param>
    /// <param name="values">Inside a block: the values its use gives Block.Filters and the other markers.</param>
    /// <param name="blocks">Reads the blocks a [Residual] or [Concat] names.</param>
    public AttributeArguments(AttributeData data, int index, NetworkDefaults defaults, BlockValues? values = null, BlockReader? blocks = null)
        : base(index, defaults)
    {
        _data = data;
        _values = values;
        _blocks = blocks;
    }

    public override int Int(string parameter, int fallback)
    {
        TypedConstant? value = Argument(parameter);
        if (value is { Kind: TypedConstantKind.Primitive, Value: int number })
        {
            return Substitute(parameter, number);
        }

        MarkUnreadable(value);
        return fallback;
    }

    public override float Float(string parameter, float fallback)
    {
        TypedConstant? value = Argument(parameter);
        switch (value)
        {
            case { Kind: TypedConstantKind.Primitive, Value: float number }:
                return number;
            case { Kind: TypedConstantKind.Primitive, Value: double number }:
                return (float)number;
            case { Kind: TypedConstantKind.Primitive, Value: int number }:
                return number;
        }

        MarkUnreadable(value);
        return fallback;
    }

    public override Rounding? Rounding()
    {
        foreach (KeyValuePair<string, TypedConstant> named in _data.NamedArguments)
        {
            if (named.Key != "Rounding")
            {
                continue;
            }

            if (named.Value is { Kind: TypedConstantKind.Enum or TypedConstantKind.Primitive, Value: int value })
            {
                return (Rounding)value;
            }

            Unreadable = true;
            return null;
        }

        return null;
    }

    public override int? NamedInt(string property) =>
        Named(property) switch
        {
            null => null,
            { Kind: TypedConstantKind.Primitive, Value: int value } => Substitute(property, value),
            { Kind: TypedConstantKind.Enum, Value: int value } => value,
            _ => NotReadableInt(),
        };

    public override bool? NamedBool(string property) =>
        Named(property) switch
        {
            null => null,
            { Kind: TypedConstantKind.Primitive, Value: bool value } => value,
            _ => UnreadableBool(),
        };

    public override float? NamedFloat(string property) =>
        Named(property) switch
        {
            null => null,
            { Kind: TypedConstantKind.Primitive, Value: float value } => value,
            { Kind: TypedConstantKind.Primitive, Value: double value } => (float)value,
            { Kind: TypedConstantKind.Primitive, Value: int value } => value,
            _ => UnreadableFloat(),
        };

    public override BlockSpec Block(string parameter, BlockValues values) =>
        _blocks is null ? new BlockSpec("?", EquatableArray<LayerSpec>.Empty, BlockProblem.NotAType) : _blocks.Read(Argument(parameter), values);

    public override BlockSpec? NamedBlock(string property, BlockValues values) =>
        Named(property) is { } value && _blocks is not null ? _blocks.Read(value, values) : null;

    public override EquatableArray<BlockSpec> Blocks(string parameter, BlockValues values)
    {
        if (_blocks is null || Argument(parameter) is not { Kind: TypedConstantKind.Array } array)
        {
            Unreadable |= _data.AttributeConstructor is null;
            return EquatableArray<BlockSpec>.Empty;
        }

        var blocks = new List<BlockSpec>();
        foreach (TypedConstant element in array.Values)
        {
            blocks.Add(_blocks.Read(element, values));
        }

        return blocks.ToEquatableArray();
    }

    /// <summary>An int written as Block.Filters (or another marker) becomes the enclosing use's value.</summary>
    private int Substitute(string argument, int value)
    {
        if (!BlockValues.IsMarker(value))
        {
            return value;
        }

        if (_values?.Resolve(value) is int resolved)
        {
            return resolved;
        }

        UnresolvedMarkers.Add((argument, value));
        return value;
    }

    private TypedConstant? Named(string property)
    {
        foreach (KeyValuePair<string, TypedConstant> named in _data.NamedArguments)
        {
            if (named.Key == property)
            {
                return named.Value;
            }
        }

        return null;
    }

    private int? NotReadableInt()
    {
        Unreadable = true;
        return null;
    }

    private bool? UnreadableBool()
    {
        Unreadable = true;
        return null;
    }

    private float? UnreadableFloat()
    {
        Unreadable = true;
        return null;
    }

    /// <summary>An argument that is there but not readable, or an attribute whose constructor did not bind, cannot be read.</summary>
    private void MarkUnreadable(TypedConstant? value)
    {
        if (value is not null || _data.AttributeConstructor is null)
        {
            Unreadable = true;
        }
    }

    /// <summary>The constructor argument bound to <paramref name="parameter"/> (defaults are filled in by the compiler).</summary>
    private TypedConstant? Argument(string parameter)
    {
        IMethodSymbol? constructor = _data.AttributeConstructor;
        if (constructor is null)
        {
            return null;
        }

        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        for (int i = 0; i < parameters.Length && i < _data.ConstructorArguments.Length; i++)
        {
            if (parameters[i].Name == parameter)
            {
                return _data.ConstructorArguments[i];
            }
        }

        return null;
    }
}

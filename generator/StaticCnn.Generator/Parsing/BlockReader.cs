using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Parsing;

/// <summary>
/// Reads the blocks a [Residual] or [Concat] names (typeof arguments) into <see cref="BlockSpec"/>s: the class's layer
/// attributes in source order, with Block.Filters, Block.Stride and Block.Hidden replaced by the use's values, and the
/// blocks those name in turn. A block that uses itself, directly or through others, is reported instead of read.
/// </summary>
internal sealed class BlockReader
{
    /// <summary>Blocks nest at most this deep (a guard; a recursive chain is reported long before).</summary>
    public const int MaxDepth = 32;

    private readonly List<INamedTypeSymbol> _open = new();
    private readonly NetworkDefaults _inherited;
    private readonly CancellationToken _cancellationToken;

    public BlockReader(NetworkDefaults inherited, CancellationToken cancellationToken)
    {
        _inherited = inherited;
        _cancellationToken = cancellationToken;
    }

    /// <summary>An argument of some block was not a constant (the compiler reports it).</summary>
    public bool Unreadable { get; private set; }

    /// <summary>The compiler objects of every layer attribute read from blocks, for the analyzer's use (not part of the spec).</summary>
    public BlockSpec Read(TypedConstant? argument, BlockValues values)
    {
        if (argument is not { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol type } || type.TypeKind == TypeKind.Error)
        {
            // typeof of a type that does not exist is the compiler's error; a null or missing argument is ours.
            if (argument is { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol { TypeKind: TypeKind.Error } })
            {
                Unreadable = true;
            }

            return new BlockSpec("?", EquatableArray<LayerSpec>.Empty, BlockProblem.NotAType, argument?.Value?.ToString() ?? "null");
        }

        string name = type.Name;
        if (!type.GetAttributes().Any(a => AttributeNames.IsBlock(a.AttributeClass)))
        {
            return new BlockSpec(name, EquatableArray<LayerSpec>.Empty, BlockProblem.NotABlock, name);
        }

        if (_open.Contains(type, SymbolEqualityComparer.Default) || _open.Count >= MaxDepth)
        {
            string chain = string.Join(" › ", _open.Select(t => t.Name).Concat(new[] { name }));
            return new BlockSpec(name, EquatableArray<LayerSpec>.Empty, BlockProblem.Recursive, chain);
        }

        _open.Add(type);
        try
        {
            var layers = new List<LayerSpec>();
            var unresolved = new List<string>();
            foreach ((AttributeData data, LayerKind kind) in LayerAttributes(type))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var arguments = new AttributeArguments(data, layers.Count + 1, _inherited, values, this);
                LayerSpec layer = LayerDefinitions.For(kind).Parse(arguments) with { Index = layers.Count + 1 };
                Unreadable |= arguments.Unreadable;
                foreach ((string parameter, int marker) in arguments.UnresolvedMarkers)
                {
                    unresolved.Add($"{kind} #{Format.Int(layer.Index)} uses {BlockValues.MarkerName(marker)} ({parameter})");
                }

                layers.Add(layer);
            }

            if (unresolved.Count > 0)
            {
                return new BlockSpec(name, layers.ToEquatableArray(), BlockProblem.MarkerNotSet, string.Join("; ", unresolved));
            }

            return new BlockSpec(name, layers.ToEquatableArray(), layers.Count == 0 ? BlockProblem.Empty : BlockProblem.None);
        }
        finally
        {
            _open.RemoveAt(_open.Count - 1);
        }
    }

    /// <summary>The layer attributes on <paramref name="type"/>, in source order (file by file, then by position).</summary>
    public static IEnumerable<(AttributeData Data, LayerKind Kind)> LayerAttributes(INamedTypeSymbol type) =>
        type.GetAttributes()
            .Select(a => (Data: a, Kind: AttributeNames.LayerKindOf(a.AttributeClass)))
            .Where(x => x.Kind is not null)
            .OrderBy(x => x.Data.ApplicationSyntaxReference?.SyntaxTree.FilePath ?? "", System.StringComparer.Ordinal)
            .ThenBy(x => x.Data.ApplicationSyntaxReference?.Span.Start ?? 0)
            .Select(x => (x.Data, x.Kind!.Value));
}

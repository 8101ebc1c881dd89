using System;
using System.Collections.Generic;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>Every layer kind the generator knows, by kind and by attribute name: the one list a new kind is added to.</summary>
internal static class LayerDefinitions
{
    public static readonly IReadOnlyList<LayerDefinition> All = new LayerDefinition[]
    {
        new Conv2DLayer(),
        new DepthwiseConv2DLayer(),
        new PoolLayer(LayerKind.MaxPool2D),
        new PoolLayer(LayerKind.AvgPool2D),
        new ActivationLayer(LayerKind.ReLU),
        new ActivationLayer(LayerKind.LeakyReLU),
        new ActivationLayer(LayerKind.Sigmoid),
        new ActivationLayer(LayerKind.Tanh),
        new ActivationLayer(LayerKind.ReLU6),
        new ActivationLayer(LayerKind.HardSigmoid),
        new ActivationLayer(LayerKind.HardSwish),
        new ActivationLayer(LayerKind.SiLU),
        new ActivationLayer(LayerKind.GELU),
        new GlobalPoolLayer(LayerKind.GlobalAvgPool2D),
        new GlobalPoolLayer(LayerKind.GlobalMaxPool2D),
        new FlattenLayer(),
        new DenseLayer(),
        new BatchNormLayer(),
        new DropoutLayer(),
        new SoftmaxLayer(),
        new ResidualLayer(),
        new ConcatLayer(),
        new AddLayer(),
    };

    private static readonly Dictionary<LayerKind, LayerDefinition> ByKind = Index(d => d.Kind);

    private static readonly Dictionary<string, LayerDefinition> ByAttribute = Index(d => d.AttributeName);

    /// <summary>The definition of <paramref name="kind"/>.</summary>
    public static LayerDefinition For(LayerKind kind) =>
        ByKind.TryGetValue(kind, out LayerDefinition? definition) ? definition : throw new ArgumentException($"No layer kind {kind}.", nameof(kind));

    /// <summary>The definition whose attribute class (in namespace StaticCnn) is named <paramref name="attributeName"/>, or null.</summary>
    public static LayerDefinition? ForAttribute(string attributeName) =>
        ByAttribute.TryGetValue(attributeName, out LayerDefinition? definition) ? definition : null;

    private static Dictionary<TKey, LayerDefinition> Index<TKey>(Func<LayerDefinition, TKey> key)
        where TKey : notnull
    {
        var index = new Dictionary<TKey, LayerDefinition>();
        foreach (LayerDefinition definition in All)
        {
            index.Add(key(definition), definition);
        }

        return index;
    }
}

using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>Hand-built models for the pure shape tests: no Roslyn involved.</summary>
/// <remarks>"Model.LayerKind": a bare LayerKind would bind to the runtime's StaticCnn.LayerKind, an enclosing namespace.</remarks>
internal static class Specs
{
    /// <summary>A network class "Net" in the global namespace; layers are numbered 1, 2, ... in order.</summary>
    public static NetworkSpec Network(int channels, int height, int width, params LayerSpec[] layers) =>
        new(
            new TypeSpec("", "Net", "", "class", EquatableArray<ContainingTypeSpec>.Empty, "Net"),
            channels,
            height,
            width,
            layers.Select((layer, i) => layer with { Index = i + 1 }).ToEquatableArray(),
            EquatableArray<DeclarationProblem>.Empty,
            HasUnreadableArguments: false);

    public static ConvSpec Conv2D(int filters, int kernelSize, int stride = 1, int padding = 0) =>
        new(filters, kernelSize, stride, padding);

    public static PoolSpec MaxPool2D(int size, int stride = 0, int padding = 0) =>
        new(Model.LayerKind.MaxPool2D, size, stride, padding);

    public static PoolSpec AvgPool2D(int size, int stride = 0, int padding = 0) =>
        new(Model.LayerKind.AvgPool2D, size, stride, padding);

    public static DenseSpec Dense(int units) => new(units);

    public static ActivationSpec ReLU() => new(Model.LayerKind.ReLU);

    public static FlattenSpec Flatten() => new();

    /// <summary>LeNet-5 as in the contract.</summary>
    public static NetworkSpec LeNet5() => Network(1, 28, 28,
        Conv2D(6, 5, stride: 1, padding: 2), ReLU(), MaxPool2D(2, stride: 2),
        Conv2D(16, 5), ReLU(), MaxPool2D(2),
        Flatten(), Dense(120), ReLU(), Dense(84), ReLU(), Dense(10));
}

using System.Linq;
using StaticCnn.Generator.Helpers;
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

    public static LayerSpec Conv2D(int filters, int kernelSize, int stride = 1, int padding = 0) =>
        new(Model.LayerKind.Conv2D, 0, Filters: filters, KernelSize: kernelSize, Stride: stride, Padding: padding);

    public static LayerSpec MaxPool2D(int size, int stride = 0, int padding = 0) =>
        new(Model.LayerKind.MaxPool2D, 0, KernelSize: size, Stride: stride, Padding: padding);

    public static LayerSpec AvgPool2D(int size, int stride = 0, int padding = 0) =>
        new(Model.LayerKind.AvgPool2D, 0, KernelSize: size, Stride: stride, Padding: padding);

    public static LayerSpec Dense(int units) => new(Model.LayerKind.Dense, 0, Units: units);

    public static LayerSpec ReLU() => new(Model.LayerKind.ReLU, 0);

    public static LayerSpec Flatten() => new(Model.LayerKind.Flatten, 0);

    /// <summary>LeNet-5 as in the contract.</summary>
    public static NetworkSpec LeNet5() => Network(1, 28, 28,
        Conv2D(6, 5, stride: 1, padding: 2), ReLU(), MaxPool2D(2, stride: 2),
        Conv2D(16, 5), ReLU(), MaxPool2D(2),
        Flatten(), Dense(120), ReLU(), Dense(84), ReLU(), Dense(10));
}

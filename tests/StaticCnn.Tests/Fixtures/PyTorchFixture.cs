using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using StaticCnn.Reference;

namespace StaticCnn.Tests;

/// <summary>One layer as a PyTorch fixture describes it. <see cref="Kind"/> is Conv2D, MaxPool2D, AvgPool2D, ReLU,
/// LeakyReLU, Sigmoid, Tanh, Flatten or Dense; the other members are set for the kinds that have them.</summary>
public sealed record PyTorchLayer(
    string Kind,
    int? Filters = null,
    int? KernelSize = null,
    int? Stride = null,
    int? Padding = null,
    int? Size = null,
    double? Slope = null,
    int? Units = null,
    string? Rounding = null);

/// <summary>
/// A network evaluated by PyTorch (tests/StaticCnn.Tests/Fixtures/PyTorch/make_fixtures.py): its input shape
/// [C, H, W], its layers, its parameters (nn.Sequential.parameters() order: layer by layer, weight then bias), one
/// input sample <see cref="X"/>, a dLoss/dOutput vector, and what PyTorch computed in float32: the logits and the
/// gradients of L = sum(OutputGradient * logits) with respect to the parameters and the input.
/// </summary>
public sealed record PyTorchFixture(
    string Name,
    int[] Input,
    IReadOnlyList<PyTorchLayer> Layers,
    float[] Parameters,
    float[] X,
    float[] OutputGradient,
    float[] Logits,
    float[] ParameterGradients,
    float[] InputGradient)
{
    /// <summary>The names of the fixture files shipped with the tests.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["lenet5", "seed", "activations", "strides", "dense_only", "maxpool_ties", "floor_mode", "ceil_mode"];

    public int Channels => Input[0];

    public int Height => Input[1];

    public int Width => Input[2];

    /// <summary>Reads Fixtures/PyTorch/<paramref name="name"/>.json from the test output directory.</summary>
    public static PyTorchFixture Load(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "PyTorch", name + ".json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PyTorch fixture '{name}' not found at {path}.", path);
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        int[] input = Ints(Property(root, "input", path));
        if (input.Length != 3)
        {
            throw new InvalidDataException($"{path}: \"input\" must be [C, H, W].");
        }

        var layers = new List<PyTorchLayer>();
        foreach (JsonElement layer in Property(root, "layers", path).EnumerateArray())
        {
            layers.Add(new PyTorchLayer(
                Property(layer, "kind", path).GetString()
                    ?? throw new InvalidDataException($"{path}: a layer has a null \"kind\"."),
                Filters: OptionalInt(layer, "filters"),
                KernelSize: OptionalInt(layer, "kernelSize"),
                Stride: OptionalInt(layer, "stride"),
                Padding: OptionalInt(layer, "padding"),
                Size: OptionalInt(layer, "size"),
                Slope: layer.TryGetProperty("slope", out JsonElement slope) ? slope.GetDouble() : null,
                Units: OptionalInt(layer, "units"),
                Rounding: layer.TryGetProperty("rounding", out JsonElement rounding) ? rounding.GetString() : null));
        }

        return new PyTorchFixture(
            Property(root, "name", path).GetString() ?? name,
            input,
            layers,
            Floats(Property(root, "parameters", path)),
            Floats(Property(root, "x", path)),
            Floats(Property(root, "outputGradient", path)),
            Floats(Property(root, "logits", path)),
            Floats(Property(root, "parameterGradients", path)),
            Floats(Property(root, "inputGradient", path)));
    }

    /// <summary>The layers as <see cref="RefLayer"/>s, for <see cref="ReferenceNetwork"/>.</summary>
    public RefLayer[] ToReferenceLayers()
    {
        var result = new RefLayer[Layers.Count];
        for (int i = 0; i < result.Length; i++)
        {
            PyTorchLayer l = Layers[i];
            result[i] = l.Kind switch
            {
                "Conv2D" => new RefConv2D(Need(l.Filters, l, "filters"), Need(l.KernelSize, l, "kernelSize"),
                                          l.Stride ?? 1, l.Padding ?? 0, Rounding(l)),
                "MaxPool2D" => new RefMaxPool2D(Need(l.Size, l, "size"), l.Stride ?? 0, l.Padding ?? 0, Rounding(l)),
                "AvgPool2D" => new RefAvgPool2D(Need(l.Size, l, "size"), l.Stride ?? 0, l.Padding ?? 0, Rounding(l)),
                "ReLU" => new RefReLU(),
                "LeakyReLU" => new RefLeakyReLU(l.Slope ?? 0.01),
                "Sigmoid" => new RefSigmoid(),
                "Tanh" => new RefTanh(),
                "Flatten" => new RefFlatten(),
                "Dense" => new RefDense(Need(l.Units, l, "units")),
                _ => throw new InvalidDataException($"Fixture '{Name}': unknown layer kind '{l.Kind}'."),
            };
        }
        return result;
    }

    /// <summary>A <see cref="ReferenceNetwork"/> of this fixture's input shape and layers.</summary>
    public ReferenceNetwork ToReferenceNetwork() => new(Channels, Height, Width, ToReferenceLayers());

    private RefRounding Rounding(PyTorchLayer layer) => layer.Rounding switch
    {
        null or "Exact" => RefRounding.Exact,
        "Floor" => RefRounding.Floor,
        "Ceil" => RefRounding.Ceil,
        _ => throw new InvalidDataException($"Fixture '{Name}': layer {layer.Kind} has an unknown \"rounding\" '{layer.Rounding}'."),
    };

    private int Need(int? value, PyTorchLayer layer, string property) =>
        value ?? throw new InvalidDataException($"Fixture '{Name}': layer {layer.Kind} has no \"{property}\".");

    private static JsonElement Property(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new InvalidDataException($"{path}: missing property \"{name}\".");

    private static int? OptionalInt(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.GetInt32() : null;

    private static int[] Ints(JsonElement array)
    {
        var result = new int[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            result[i++] = item.GetInt32();
        }
        return result;
    }

    private static float[] Floats(JsonElement array)
    {
        var result = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            result[i++] = item.GetSingle();
        }
        return result;
    }
}

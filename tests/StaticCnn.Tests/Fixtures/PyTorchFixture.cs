using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using StaticCnn.Reference;

namespace StaticCnn.Tests;

/// <summary>One layer as a PyTorch fixture describes it. <see cref="Kind"/> is Conv2D, MaxPool2D, AvgPool2D, ReLU,
/// LeakyReLU, Sigmoid, Tanh, Flatten, Dense, ReLU6, HardSigmoid, HardSwish, SiLU, GELU, GlobalAvgPool2D,
/// GlobalMaxPool2D, Softmax, BatchNorm, Dropout, Residual or Concat; the other members are set for the kinds that have
/// them (null: absent from the JSON, the reference record's default). A DepthwiseConv2D is a Conv2D with
/// <see cref="Groups"/> = its input channels. A Residual has <see cref="Body"/> and, for a projection,
/// <see cref="Shortcut"/> (null: the identity); a Concat has <see cref="Branches"/> and <see cref="IncludeInput"/>
/// (make_graph_fixtures.py); their nested layers are PyTorchLayers of the same format, to any depth.</summary>
public sealed record PyTorchLayer(
    string Kind,
    int? Filters = null,
    int? KernelSize = null,
    int? Stride = null,
    int? Padding = null,
    int? Size = null,
    double? Slope = null,
    int? Units = null,
    string? Rounding = null,
    int? KernelHeight = null,
    int? KernelWidth = null,
    int? StrideHeight = null,
    int? StrideWidth = null,
    int? PadTop = null,
    int? PadBottom = null,
    int? PadLeft = null,
    int? PadRight = null,
    bool? Same = null,
    int? DilationHeight = null,
    int? DilationWidth = null,
    int? Groups = null,
    bool? Bias = null,
    bool? CountIncludePadding = null,
    bool? ApproximateTanh = null,
    double? Epsilon = null,
    double? Momentum = null,
    double? P = null,
    IReadOnlyList<PyTorchLayer>? Body = null,
    IReadOnlyList<PyTorchLayer>? Shortcut = null,
    IReadOnlyList<IReadOnlyList<PyTorchLayer>>? Branches = null,
    bool? IncludeInput = null);

/// <summary>
/// A network evaluated by PyTorch (tests/StaticCnn.Tests/Fixtures/PyTorch/make_fixtures.py and
/// make_modern_fixtures.py): its input shape [C, H, W], its layers, its parameters (nn.Sequential.parameters() order:
/// layer by layer, weight then bias), <see cref="Samples"/> input samples <see cref="X"/> (one after another), a
/// dLoss/dOutput vector per sample, and what PyTorch computed in float32: the logits of every sample and the gradients
/// of L = sum over the samples of dot(OutputGradient, logits) with respect to the parameters (summed over the batch)
/// and every input. Batch fixtures (the *_train and *_eval files) also carry the batch normalisation buffers before
/// and after the forward pass, the mode and the dropout mask's seed and step.
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
    /// <summary>The names of the single-sample fixture files shipped with the tests (one sample, no buffers: the
    /// plain forward and backward pass).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "lenet5", "seed", "activations", "strides", "dense_only", "maxpool_ties", "floor_mode", "ceil_mode",
        "rectangular", "dilated", "grouped", "special_geometry", "modern_activations", "spatial_softmax",
    ];

    /// <summary>The names of the batch fixtures (make_modern_fixtures.py): networks with batch normalisation and
    /// dropout, each in training mode ("_train") and evaluation mode ("_eval") from the same starting state.</summary>
    public static IReadOnlyList<string> BatchNames { get; } =
    [
        "mobilenetish_train", "mobilenetish_eval", "dscnnish_train", "dscnnish_eval",
        "dense_batchnorm_train", "dense_batchnorm_eval",
    ];

    /// <summary>The names of the graph batch fixtures (make_graph_fixtures.py): the residual and concatenating
    /// networks of Networks/GraphNetworks.cs (InvertedResidualNet, InceptionNet) and ResNet8 (samples/TinyMl), batch fixtures like
    /// <see cref="BatchNames"/> whose layers include Residual and Concat, with "parameterNames" and "bufferNames" (the
    /// PyTorch state_dict keys) in the JSON.</summary>
    public static IReadOnlyList<string> GraphBatchNames { get; } =
    [
        "resnet8_train", "resnet8_eval", "inverted_residual_train", "inverted_residual_eval",
        "inception_train", "inception_eval",
    ];

    /// <summary>The batch fixtures of the MLPerf Tiny models declared in samples/TinyMl/Models besides ResNet8 (whose
    /// fixtures are among <see cref="GraphBatchNames"/>), from make_tinyml_fixtures.py: PyTorch ports with the Keras
    /// reference's semantics, float vectors as base64 float32.</summary>
    public static IReadOnlyList<string> TinyMlBatchNames { get; } =
    [
        "dscnn_train", "dscnn_eval", "mobilenet_v1_train", "mobilenet_v1_eval", "fc_autoencoder_train", "fc_autoencoder_eval",
    ];

    /// <summary>
    /// How far PyTorch's own float32 results are from float64 on this fixture (JSON "float32Deviation", written by
    /// make_tinyml_fixtures.py; 0 when absent), in <see cref="Numerics.Tolerance"/>'s measure.
    /// </summary>
    public double Float32Deviation { get; init; }

    /// <summary>
    /// The relative tolerance for comparing against this fixture: <see cref="Numerics.Tolerance.Relative"/>, or twice
    /// PyTorch's own float32 deviation when that is larger (a deep network trained on batch statistics, such as
    /// MobileNetV1, is conditioned so that float32 rounding moves its gradients by up to 1e-3 of their scale).
    /// </summary>
    public double RelativeTolerance => Math.Max(Numerics.Tolerance.Relative, 2 * Float32Deviation);

    /// <summary>How many samples <see cref="X"/>, <see cref="OutputGradient"/>, <see cref="Logits"/> and
    /// <see cref="InputGradient"/> hold, one after another (JSON "samples"; 1 when absent).</summary>
    public int Samples { get; init; } = 1;

    /// <summary>"train" (PyTorch's model.train(): batch statistics, dropout masks) or "eval" (model.eval()); null when
    /// absent, which means the network behaves the same in both modes.</summary>
    public string? Mode { get; init; }

    /// <summary>Whether <see cref="Mode"/> is "train".</summary>
    public bool Training => Mode == "train";

    /// <summary>The buffers before the forward pass (JSON "buffers"): per batch normalisation layer in order,
    /// running_mean [C], running_var [C], num_batches_tracked [1]. Empty when absent.</summary>
    public float[] Buffers { get; init; } = [];

    /// <summary>The buffers after the forward pass (JSON "buffersAfter"; in training mode the running statistics are
    /// updated with the momentum and the unbiased batch variance, and num_batches_tracked is one more). Empty when
    /// absent.</summary>
    public float[] BuffersAfter { get; init; } = [];

    /// <summary>The seed of the dropout masks (JSON "dropoutSeed"), for <c>StaticCnn.Kernels.Dropout.Key</c>.</summary>
    public int? DropoutSeed { get; init; }

    /// <summary>The training step of the dropout masks (JSON "dropoutStep").</summary>
    public long? DropoutStep { get; init; }

    /// <summary>PyTorch's state_dict keys of the parameters, in order (JSON "parameterNames"; graph fixtures only).</summary>
    public string[] ParameterNames { get; init; } = [];

    /// <summary>PyTorch's state_dict keys of the buffers, in order (JSON "bufferNames"; graph fixtures only).</summary>
    public string[] BufferNames { get; init; } = [];

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

        IReadOnlyList<PyTorchLayer> layers = ReadLayers(Property(root, "layers", path), path);

        var fixture = new PyTorchFixture(
            Property(root, "name", path).GetString() ?? name,
            input,
            layers,
            Floats(Property(root, "parameters", path)),
            Floats(Property(root, "x", path)),
            Floats(Property(root, "outputGradient", path)),
            Floats(Property(root, "logits", path)),
            Floats(Property(root, "parameterGradients", path)),
            Floats(Property(root, "inputGradient", path)))
        {
            Samples = OptionalInt(root, "samples") ?? 1,
            Mode = root.TryGetProperty("mode", out JsonElement mode) ? mode.GetString() : null,
            Float32Deviation = root.TryGetProperty("float32Deviation", out JsonElement deviation) ? deviation.GetDouble() : 0,
            Buffers = root.TryGetProperty("buffers", out JsonElement buffers) ? Floats(buffers) : [],
            BuffersAfter = root.TryGetProperty("buffersAfter", out JsonElement after) ? Floats(after) : [],
            DropoutSeed = OptionalInt(root, "dropoutSeed"),
            DropoutStep = root.TryGetProperty("dropoutStep", out JsonElement step) ? step.GetInt64() : null,
            ParameterNames = root.TryGetProperty("parameterNames", out JsonElement parameterNames) ? [.. parameterNames.EnumerateArray().Select(e => e.GetString()!)] : [],
            BufferNames = root.TryGetProperty("bufferNames", out JsonElement bufferNames) ? [.. bufferNames.EnumerateArray().Select(e => e.GetString()!)] : [],
        };
        if (fixture.Samples < 1
            || fixture.X.Length % fixture.Samples != 0
            || fixture.OutputGradient.Length % fixture.Samples != 0
            || fixture.Logits.Length != fixture.OutputGradient.Length
            || fixture.InputGradient.Length != fixture.X.Length)
        {
            throw new InvalidDataException(
                $"{path}: \"x\", \"outputGradient\", \"logits\" and \"inputGradient\" do not hold {fixture.Samples} sample(s).");
        }
        return fixture;
    }

    /// <summary>Splits a per-sample vector (<see cref="X"/>, <see cref="OutputGradient"/>, <see cref="Logits"/>,
    /// <see cref="InputGradient"/>) into its <see cref="Samples"/> samples.</summary>
    public float[][] PerSample(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length % Samples != 0)
        {
            throw new ArgumentException($"{values.Length} values do not split into {Samples} samples.", nameof(values));
        }
        int length = values.Length / Samples;
        var result = new float[Samples][];
        for (int s = 0; s < Samples; s++)
        {
            result[s] = values.AsSpan(s * length, length).ToArray();
        }
        return result;
    }

    /// <summary>The layers as <see cref="RefLayer"/>s, for <see cref="ReferenceNetwork"/>.</summary>
    public RefLayer[] ToReferenceLayers() => ToReferenceLayers(Layers);

    /// <summary>A layer list as <see cref="RefLayer"/>s (the top-level list, a block's body or shortcut, a
    /// branch).</summary>
    private RefLayer[] ToReferenceLayers(IReadOnlyList<PyTorchLayer> layers)
    {
        var result = new RefLayer[layers.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ToReferenceLayer(layers[i]);
        }
        return result;
    }

    /// <summary>One layer as a <see cref="RefLayer"/>; a Residual's or Concat's nested lists recursively.</summary>
    private RefLayer ToReferenceLayer(PyTorchLayer l) => l.Kind switch
    {
        "Conv2D" => new RefConv2D(Need(l.Filters, l, "filters"), Need(l.KernelSize, l, "kernelSize"),
                                  l.Stride ?? 1, l.Padding ?? 0, Rounding(l))
        {
            KernelHeight = l.KernelHeight ?? 0,
            KernelWidth = l.KernelWidth ?? 0,
            StrideHeight = l.StrideHeight ?? 0,
            StrideWidth = l.StrideWidth ?? 0,
            PadTop = l.PadTop,
            PadBottom = l.PadBottom,
            PadLeft = l.PadLeft,
            PadRight = l.PadRight,
            Same = l.Same ?? false,
            DilationHeight = l.DilationHeight ?? 1,
            DilationWidth = l.DilationWidth ?? 1,
            Groups = l.Groups ?? 1,
            Bias = l.Bias ?? true,
        },
        "MaxPool2D" => new RefMaxPool2D(Need(l.Size, l, "size"), l.Stride ?? 0, l.Padding ?? 0, Rounding(l))
        {
            KernelHeight = l.KernelHeight ?? 0,
            KernelWidth = l.KernelWidth ?? 0,
            StrideHeight = l.StrideHeight ?? 0,
            StrideWidth = l.StrideWidth ?? 0,
            PadTop = l.PadTop,
            PadBottom = l.PadBottom,
            PadLeft = l.PadLeft,
            PadRight = l.PadRight,
            Same = l.Same ?? false,
        },
        "AvgPool2D" => new RefAvgPool2D(Need(l.Size, l, "size"), l.Stride ?? 0, l.Padding ?? 0, Rounding(l))
        {
            KernelHeight = l.KernelHeight ?? 0,
            KernelWidth = l.KernelWidth ?? 0,
            StrideHeight = l.StrideHeight ?? 0,
            StrideWidth = l.StrideWidth ?? 0,
            PadTop = l.PadTop,
            PadBottom = l.PadBottom,
            PadLeft = l.PadLeft,
            PadRight = l.PadRight,
            Same = l.Same ?? false,
            CountIncludePadding = l.CountIncludePadding ?? true,
        },
        "ReLU" => new RefReLU(),
        "LeakyReLU" => new RefLeakyReLU(l.Slope ?? 0.01),
        "Sigmoid" => new RefSigmoid(),
        "Tanh" => new RefTanh(),
        "Flatten" => new RefFlatten(),
        "Dense" => new RefDense(Need(l.Units, l, "units")),
        "ReLU6" => new RefReLU6(),
        "HardSigmoid" => new RefHardSigmoid(),
        "HardSwish" => new RefHardSwish(),
        "SiLU" => new RefSiLU(),
        "GELU" => new RefGELU(l.ApproximateTanh ?? false),
        "GlobalAvgPool2D" => new RefGlobalAvgPool2D(),
        "GlobalMaxPool2D" => new RefGlobalMaxPool2D(),
        "Softmax" => new RefSoftmax(),
        "BatchNorm" => new RefBatchNorm(l.Epsilon ?? 1e-5, l.Momentum ?? 0.1),
        "Dropout" => new RefDropout(Need(l.P, l, "p")),
        "Residual" => new RefResidual(
            ToReferenceLayers(l.Body ?? throw new InvalidDataException($"Fixture '{Name}': a Residual has no \"body\".")),
            l.Shortcut is null ? null : ToReferenceLayers(l.Shortcut)),
        "Concat" => new RefConcat(ReferenceBranches(l), l.IncludeInput ?? false),
        _ => throw new InvalidDataException($"Fixture '{Name}': unknown layer kind '{l.Kind}'."),
    };

    /// <summary>A Concat's branches as <see cref="RefLayer"/> lists.</summary>
    private RefLayer[][] ReferenceBranches(PyTorchLayer layer)
    {
        IReadOnlyList<IReadOnlyList<PyTorchLayer>> branches = layer.Branches
            ?? throw new InvalidDataException($"Fixture '{Name}': a Concat has no \"branches\".");
        var result = new RefLayer[branches.Count][];
        for (int b = 0; b < result.Length; b++)
        {
            result[b] = ToReferenceLayers(branches[b]);
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

    private T Need<T>(T? value, PyTorchLayer layer, string property)
        where T : struct =>
        value ?? throw new InvalidDataException($"Fixture '{Name}': layer {layer.Kind} has no \"{property}\".");

    /// <summary>A JSON layer list, nested lists (a Residual's "body" and "shortcut", a Concat's "branches") read
    /// recursively.</summary>
    private static List<PyTorchLayer> ReadLayers(JsonElement array, string path)
    {
        var layers = new List<PyTorchLayer>();
        foreach (JsonElement layer in array.EnumerateArray())
        {
            layers.Add(ReadLayer(layer, path));
        }
        return layers;
    }

    private static PyTorchLayer ReadLayer(JsonElement layer, string path)
    {
        List<PyTorchLayer>? body = OptionalLayers(layer, "body", path);
        List<PyTorchLayer>? shortcut = OptionalLayers(layer, "shortcut", path);
        List<IReadOnlyList<PyTorchLayer>>? branches = null;
        if (layer.TryGetProperty("branches", out JsonElement branchArray) && branchArray.ValueKind != JsonValueKind.Null)
        {
            branches = [];
            foreach (JsonElement branch in branchArray.EnumerateArray())
            {
                branches.Add(ReadLayers(branch, path));
            }
        }

        return new PyTorchLayer(
            Property(layer, "kind", path).GetString()
                ?? throw new InvalidDataException($"{path}: a layer has a null \"kind\"."),
            Filters: OptionalInt(layer, "filters"),
            KernelSize: OptionalInt(layer, "kernelSize"),
            Stride: OptionalInt(layer, "stride"),
            Padding: OptionalInt(layer, "padding"),
            Size: OptionalInt(layer, "size"),
            Slope: layer.TryGetProperty("slope", out JsonElement slope) ? slope.GetDouble() : null,
            Units: OptionalInt(layer, "units"),
            Rounding: layer.TryGetProperty("rounding", out JsonElement rounding) ? rounding.GetString() : null,
            KernelHeight: OptionalInt(layer, "kernelHeight"),
            KernelWidth: OptionalInt(layer, "kernelWidth"),
            StrideHeight: OptionalInt(layer, "strideHeight"),
            StrideWidth: OptionalInt(layer, "strideWidth"),
            PadTop: OptionalInt(layer, "padTop"),
            PadBottom: OptionalInt(layer, "padBottom"),
            PadLeft: OptionalInt(layer, "padLeft"),
            PadRight: OptionalInt(layer, "padRight"),
            Same: OptionalBool(layer, "same"),
            DilationHeight: OptionalInt(layer, "dilationHeight"),
            DilationWidth: OptionalInt(layer, "dilationWidth"),
            Groups: OptionalInt(layer, "groups"),
            Bias: OptionalBool(layer, "bias"),
            CountIncludePadding: OptionalBool(layer, "countIncludePadding"),
            ApproximateTanh: OptionalBool(layer, "approximateTanh"),
            Epsilon: OptionalSingle(layer, "epsilon"),
            Momentum: OptionalSingle(layer, "momentum"),
            P: OptionalSingle(layer, "p"),
            Body: body,
            Shortcut: shortcut,
            Branches: branches,
            IncludeInput: OptionalBool(layer, "includeInput"));
    }

    /// <summary>A nested layer list; null when the property is absent or null (a Residual's identity shortcut).</summary>
    private static List<PyTorchLayer>? OptionalLayers(JsonElement layer, string name, string path) =>
        layer.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? ReadLayers(value, path)
            : null;

    private static JsonElement Property(JsonElement element, string name, string path) =>
        element.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new InvalidDataException($"{path}: missing property \"{name}\".");

    private static int? OptionalInt(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.GetInt32() : null;

    private static bool? OptionalBool(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.GetBoolean() : null;

    /// <summary>A float32 property widened to double: StaticCnn's Epsilon, Momentum and dropout probability are
    /// floats, and the fixture writes the shortest string of the float32 value PyTorch used.</summary>
    private static double? OptionalSingle(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.GetSingle() : null;

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
        if (array.ValueKind == JsonValueKind.String)
        {
            // make_modern_fixtures.py's floats_base64: the little-endian float32 bytes, base64.
            byte[] bytes = Convert.FromBase64String(array.GetString()!);
            if (bytes.Length % sizeof(float) != 0)
            {
                throw new FormatException($"A base64 float vector of {bytes.Length} bytes is not a whole number of float32 values.");
            }

            float[] values = new float[bytes.Length / sizeof(float)];
            for (int v = 0; v < values.Length; v++)
            {
                values[v] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(v * sizeof(float)));
            }

            return values;
        }

        var result = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            result[i++] = item.GetSingle();
        }
        return result;
    }
}

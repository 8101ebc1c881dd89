using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace StaticCnn.Tests.Weights;

/// <summary>
/// A safetensors file written from a PyTorch state_dict by Fixtures/SafeTensors/make_safetensors.py, with what
/// PyTorch says about it: the state_dict keys, shapes and dtypes in order, one input and the logits of the model
/// holding exactly the file's values (in evaluation mode). The BatchNorm fixtures also hold the values StaticCnn must
/// load, in the layouts of <see cref="INetwork.Parameters"/> and <see cref="INetwork.Buffers"/>.
/// </summary>
public sealed record SafeTensorsFixture(string Name, string File, string Network, string DType,
    IReadOnlyList<(string Name, int[] Shape)> Tensors, float[] X, float[] Logits)
{
    public const string Folder = "SafeTensors";

    /// <summary>The fixtures the script makes (file names without extension).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["lenet5", "strides", "activations", "dense_only_f16", "activations_bf16", "seed_f64", "mobilenetish"];

    /// <summary>The fixtures of networks with BatchNorm: their files hold buffers too.</summary>
    public static IReadOnlyList<string> BatchNormNames { get; } = ["mobilenetish"];

    /// <summary>Each tensor's dtype in the file, in <see cref="Tensors"/> order (the file's dtype when the JSON gives none).</summary>
    public IReadOnlyList<string> TensorDTypes { get; init; } = [];

    /// <summary>The parameters in <see cref="INetwork.Parameters"/> order, when the JSON lists them.</summary>
    public float[]? Parameters { get; init; }

    /// <summary>The buffers in <see cref="INetwork.Buffers"/> order (num_batches_tracked as a float), when the JSON lists them.</summary>
    public float[]? Buffers { get; init; }

    public string Path => FixturePaths.Output(Folder, File);

    public static SafeTensorsFixture Load(string name)
    {
        string path = FixturePaths.Output(Folder, name + ".json");
        using JsonDocument document = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        string dtype = root.GetProperty("dtype").GetString() ?? throw new InvalidDataException(path);
        JsonElement[] entries = root.GetProperty("tensors").EnumerateArray().ToArray();
        var tensors = entries
            .Select(t => (t.GetProperty("name").GetString() ?? throw new InvalidDataException(path),
                          t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray()))
            .ToArray();
        return new SafeTensorsFixture(
            name,
            root.GetProperty("file").GetString() ?? throw new InvalidDataException(path),
            root.GetProperty("network").GetString() ?? throw new InvalidDataException(path),
            dtype,
            tensors,
            Floats(root.GetProperty("x")),
            Floats(root.GetProperty("logits")))
        {
            TensorDTypes = entries
                .Select(t => t.TryGetProperty("dtype", out JsonElement d) ? d.GetString() ?? throw new InvalidDataException(path) : dtype)
                .ToArray(),
            Parameters = root.TryGetProperty("parameters", out JsonElement parameters) ? Floats(parameters) : null,
            Buffers = root.TryGetProperty("buffers", out JsonElement buffers) ? Floats(buffers) : null,
        };
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    public override string ToString() => Name;
}

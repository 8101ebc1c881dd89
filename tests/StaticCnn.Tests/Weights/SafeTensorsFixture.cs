using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace StaticCnn.Tests.Weights;

/// <summary>
/// A safetensors file written from a PyTorch state_dict by Fixtures/SafeTensors/make_safetensors.py, with what
/// PyTorch says about it: the state_dict keys and shapes in order, one input and the logits of the model holding
/// exactly the file's values.
/// </summary>
public sealed record SafeTensorsFixture(string Name, string File, string Network, string DType,
    IReadOnlyList<(string Name, int[] Shape)> Tensors, float[] X, float[] Logits)
{
    public const string Folder = "SafeTensors";

    /// <summary>The fixtures the script makes (file names without extension).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["lenet5", "strides", "activations", "dense_only_f16", "activations_bf16", "seed_f64"];

    public string Path => FixturePaths.Output(Folder, File);

    public static SafeTensorsFixture Load(string name)
    {
        string path = FixturePaths.Output(Folder, name + ".json");
        using JsonDocument document = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        var tensors = root.GetProperty("tensors").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString() ?? throw new InvalidDataException(path),
                          t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray()))
            .ToArray();
        return new SafeTensorsFixture(
            name,
            root.GetProperty("file").GetString() ?? throw new InvalidDataException(path),
            root.GetProperty("network").GetString() ?? throw new InvalidDataException(path),
            root.GetProperty("dtype").GetString() ?? throw new InvalidDataException(path),
            tensors,
            root.GetProperty("x").EnumerateArray().Select(v => v.GetSingle()).ToArray(),
            root.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray());
    }

    public override string ToString() => Name;
}

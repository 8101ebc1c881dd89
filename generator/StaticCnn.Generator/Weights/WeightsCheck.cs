using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Weights;

/// <summary>What can be wrong with the weights a network bakes in.</summary>
internal enum WeightsRule
{
    FileNotFound,
    Unreadable,
    MissingTensor,
    WrongShape,
    WrongDType,
    UnexpectedTensor,
    NotFinite,
}

/// <summary>A broken weights rule with its finished message.</summary>
internal sealed record WeightsProblem(WeightsRule Rule, string Message);

/// <summary>
/// The values to bake in, or the first problem that prevents it. <see cref="Values"/> holds the network's parameters
/// (contract layout) followed by its <see cref="BufferCount"/> buffer values (BatchNorm running statistics, in the
/// layout of <c>Buffers</c>): the generated class stores them in one constant array and slices it into
/// <c>BakedParameters</c> and <c>BakedBuffers</c> at <c>ParameterCount</c>.
/// </summary>
internal sealed record BakedWeights(EquatableArray<float> Values, int BufferCount, WeightsProblem? Problem)
{
    public bool IsValid => Problem is null;

    /// <summary>Number of parameters at the start of <see cref="Values"/>.</summary>
    public int ParameterCount => Values.Count - BufferCount;
}

/// <summary>
/// Checks a safetensors file against a network's layers, in the names and shapes of a PyTorch
/// <c>nn.Sequential</c> <c>state_dict</c> of the same layers: layer #i is module <c>i - 1</c>, so LeNet-5's first
/// convolution is "0.weight" <c>[6, 1, 5, 5]</c> and "0.bias" <c>[6]</c>, its first Dense "7.weight" <c>[120, 400]</c>.
/// A Dense declared straight after a spatial layer (the implied Flatten) shifts the indices after it by one, because
/// the PyTorch model needs an <c>nn.Flatten()</c> there. Every tensor of every layer must be there with exactly its
/// shape: weights and biases, and a BatchNorm's "weight", "bias" and buffers "running_mean", "running_var" and
/// "num_batches_tracked" (shape <c>[]</c>). F32, F64, F16 and BF16 are converted to float32; the batch count
/// num_batches_tracked, which PyTorch writes as I64, may also be I64 or I32 (or any of the float types); no other
/// tensor may be an integer. A tensor the network does not have is an error too. Parameters and buffers go to
/// separate layouts (a buffer's offset is into the buffers). Pure: the generator and the analyzer share it.
/// </summary>
internal static class WeightsCheck
{
    public static BakedWeights Run(string declared, NetworkShapes shapes, IReadOnlyList<WeightsFile> files)
    {
        WeightsFile[] matches = files.Where(f => f.Matches(declared)).ToArray();
        if (matches.Length != 1)
        {
            string why = matches.Length == 0
                ? $"no AdditionalFiles item matches \"{declared}\"; add <AdditionalFiles Include=\"{declared}\" /> to the project"
                : $"{matches.Length} AdditionalFiles items match \"{declared}\" ({string.Join(", ", matches.Select(m => m.Path))}); name the file by a longer path";
            return Fail(WeightsRule.FileNotFound, $"Weights file \"{declared}\" not found: {why}.");
        }

        WeightsFile file = matches[0];
        string label = $"Weights file \"{declared}\"";
        if (file.ReadError is not null)
        {
            return Fail(WeightsRule.Unreadable, $"{label} could not be read: {file.ReadError}.");
        }

        byte[] bytes = file.Content.AsImmutableArray().ToArray();
        IReadOnlyList<SafeTensorEntry>? entries = SafeTensorsHeader.Read(bytes, out long dataStart, out string? error);
        if (entries is null)
        {
            return Fail(WeightsRule.Unreadable, $"{label} is not a valid safetensors file: {error}.");
        }

        var byName = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        foreach (SafeTensorEntry entry in entries)
        {
            byName[entry.Name] = entry;
        }

        var parameters = new float[shapes.ParameterCount];
        var buffers = new float[shapes.BufferCount];
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        int[] modules = ModuleNames.Indices(shapes.Layers.Select(l => l.Kind == LayerKind.Dense && !l.Input.Flat).ToArray());
        for (int index = 0; index < shapes.Layers.Count; index++)
        {
            LayerShape layer = shapes.Layers[index];
            int impliedFlattens = shapes.IsGraph ? 0 : modules[index] - index;
            string module = layer.Module;
            foreach (ParameterSpec tensor in layer.Parameters)
            {
                string name = ModuleNames.Tensor(module, tensor.Name);
                long[] shape = tensor.Dimensions.Select(d => (long)d).ToArray();
                int offset = tensor.Offset;
                bool counter = tensor.Role == ParameterRole.BatchesTracked;
                float[] target = tensor.Buffer ? buffers : parameters;
                expectedNames.Add(name);
                string role = $"{layer.Name} ({layer.Input} -> {layer.Output})";
                if (!byName.TryGetValue(name, out SafeTensorEntry? entry))
                {
                    string buffer = !tensor.Buffer ? ""
                        : counter ? " (a buffer of PyTorch's state_dict: the BatchNorm's count of training batches, an int64 scalar)"
                        : " (a buffer of PyTorch's state_dict: the BatchNorm's running statistics)";
                    return Fail(WeightsRule.MissingTensor,
                        $"{label} has no tensor \"{name}\"; {role} needs it with shape {Dims(shape)}{buffer} (names follow a PyTorch nn.Sequential of the same layers: layer #{layer.Index} is module {module}{(impliedFlattens > 0 ? $", counting {impliedFlattens} implied Flatten module(s) before it" : "")}).");
                }

                if (!entry.Shape.SequenceEqual(shape))
                {
                    return Fail(WeightsRule.WrongShape,
                        $"{label}: tensor \"{name}\" has shape {Dims(entry.Shape)} but {role} needs {Dims(shape)}.");
                }

                int size = ElementSize(entry.DType);
                bool integer = IsInteger(entry.DType);
                if (size == 0 || (integer && !counter))
                {
                    return Fail(WeightsRule.WrongDType, counter
                        ? $"{label}: tensor \"{name}\" is {entry.DType}; a BatchNorm's num_batches_tracked is read from I64 (as PyTorch writes it) or I32, or from F32, F64, F16 or BF16."
                        : $"{label}: tensor \"{name}\" is {entry.DType}; StaticCnn reads F32, F64, F16 or BF16{(integer ? " (integers only for a BatchNorm's num_batches_tracked)" : "")}.");
                }

                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (entry.End - entry.Begin != count * size)
                {
                    return Fail(WeightsRule.Unreadable,
                        $"{label}: tensor \"{name}\" ({entry.DType} {Dims(shape)}) should take {count * size} bytes but its data_offsets span {entry.End - entry.Begin}.");
                }

                Convert(bytes, dataStart + entry.Begin, entry.DType, target, offset, (int)count);
                for (int i = 0; i < count; i++)
                {
                    float value = target[offset + i];
                    if (float.IsNaN(value) || float.IsInfinity(value))
                    {
                        return Fail(WeightsRule.NotFinite,
                            $"{label}: tensor \"{name}\" holds {Format.Float(value)} at element {i}; baked weights must be finite.");
                    }
                }
            }
        }

        SafeTensorEntry? extra = entries.FirstOrDefault(e => !expectedNames.Contains(e.Name));
        if (extra is not null)
        {
            return Fail(WeightsRule.UnexpectedTensor,
                $"{label} has a tensor \"{extra.Name}\" {Dims(extra.Shape)} that no layer of the network uses (expected exactly: {string.Join(", ", expectedNames.Select(n => "\"" + n + "\""))}).");
        }

        return new BakedWeights(new EquatableArray<float>(parameters.Concat(buffers)), buffers.Length, null);
    }

    private static BakedWeights Fail(WeightsRule rule, string message) =>
        new(EquatableArray<float>.Empty, 0, new WeightsProblem(rule, message));

    private static string Dims(long[] shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static int ElementSize(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F64" or "I64" => 8,
        "F16" or "BF16" => 2,
        _ => 0,
    };

    /// <summary>The integer dtypes read (for num_batches_tracked only).</summary>
    private static bool IsInteger(string dtype) => dtype is "I64" or "I32";

    /// <summary>Little-endian elements of <paramref name="dtype"/> at <paramref name="start"/> into float32.</summary>
    private static void Convert(byte[] bytes, long start, string dtype, float[] target, int offset, int count)
    {
        int at = checked((int)start);
        int size = ElementSize(dtype);
        byte[] element = new byte[8];
        for (int i = 0; i < count; i++, at += size)
        {
            if (IsInteger(dtype))
            {
                // A batch count: a little-endian two's-complement integer, rounded to the nearest float32.
                long integer = 0;
                for (int b = size - 1; b >= 0; b--)
                {
                    integer = (integer << 8) | bytes[at + b];
                }

                if (size == 4)
                {
                    integer = unchecked((int)integer);
                }

                target[offset + i] = integer;
                continue;
            }

            if (dtype == "F16")
            {
                target[offset + i] = HalfToSingle((ushort)(bytes[at] | (bytes[at + 1] << 8)));
                continue;
            }

            // The float's little-endian bytes (a BF16 is the upper half of a float32), then the machine's order.
            int width = dtype == "BF16" ? 4 : size;
            Array.Clear(element, 0, 8);
            Array.Copy(bytes, at, element, width - size, size);
            if (!BitConverter.IsLittleEndian)
            {
                Array.Reverse(element, 0, width);
            }

            target[offset + i] = width == 4 ? BitConverter.ToSingle(element, 0) : (float)BitConverter.ToDouble(element, 0);
        }
    }

    /// <summary>IEEE 754 binary16 to binary32, exactly (every half is a float).</summary>
    private static float HalfToSingle(ushort half)
    {
        int sign = (half >> 15) & 1;
        int exponent = (half >> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        float magnitude = exponent switch
        {
            0 => mantissa * (1f / (1 << 24)),
            0x1F => mantissa == 0 ? float.PositiveInfinity : float.NaN,
            _ => (1f + (mantissa / 1024f)) * (float)Math.Pow(2, exponent - 15),
        };
        return sign == 1 ? -magnitude : magnitude;
    }
}

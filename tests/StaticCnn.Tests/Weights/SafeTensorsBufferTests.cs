using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using StaticCnn.Tests.Networks;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Weights;

/// <summary>
/// Buffers (BatchNorm running statistics) in safetensors files: saved and loaded with the parameters, bit for bit,
/// under PyTorch's names, with <c>num_batches_tracked</c> an int64 scalar; a file that lacks a buffer, has one of the
/// wrong shape, or an integer where floats belong is refused and leaves both the parameters and the buffers as they
/// were. The bad files are written here by hand, independently of <see cref="SafeTensors"/>'s writer.
/// </summary>
public sealed class SafeTensorsBufferTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticcnn-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> NetworksWithBuffers() =>
        new(NetworkCase.All.Where(n => n.Create().BufferCount > 0).Select(n => n.Name));

    /// <summary>
    /// Random parameters and buffers that a network could hold: running variances positive, batch counts whole
    /// numbers (a file stores them as int64).
    /// </summary>
    private static void Randomize(INetwork network, int seed)
    {
        Samples.Uniform(network.ParameterCount, seed).CopyTo(network.Parameters);
        Span<float> buffers = network.Buffers;
        foreach (ParameterTensor tensor in ParameterTensors.Of(network).Where(t => t.IsBuffer))
        {
            Span<float> values = buffers.Slice(tensor.Offset, tensor.Length);
            switch (tensor.Role)
            {
                case TensorRole.RunningMean:
                    Samples.Uniform(tensor.Length, seed + tensor.Offset + 1, -0.5f, 0.5f).CopyTo(values);
                    break;
                case TensorRole.RunningVariance:
                    Samples.Uniform(tensor.Length, seed + tensor.Offset + 1, 0.25f, 2f).CopyTo(values);
                    break;
                default:
                    values[0] = 1000 + seed + tensor.Offset;
                    break;
            }
        }
    }

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void TheBatchNormNetworksAreAmongThoseWithBuffers()
    {
        string[] names = NetworkCase.All.Where(n => n.Create().BufferCount > 0).Select(n => n.Name).ToArray();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "MobileNetish", "DsCnnish", "DenseBatchNorm" });
        Assert.DoesNotContain("LeNet5", names);
    }

    [Theory]
    [MemberData(nameof(NetworksWithBuffers))]
    public void SaveThenLoadRestoresParametersAndBuffersBitForBit(string name)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork saved = network.Create();
        Randomize(saved, seed: 21);
        string path = Path.Combine(_directory, name + ".safetensors");

        SafeTensors.Save(saved, path);
        byte[] bytes = SafeTensors.ToBytes(saved);
        foreach (Action<INetwork> load in new Action<INetwork>[]
        {
            net => SafeTensors.Load(net, path),
            net => SafeTensors.Load(net, bytes),
            net => SafeTensors.Load(net, new MemoryStream(bytes)),
        })
        {
            INetwork loaded = network.Create();
            Randomize(loaded, seed: 3);
            load(loaded);

            Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
            Assert.Equal(Bits(saved.Buffers), Bits(loaded.Buffers));
            float[] input = Samples.Uniform(saved.InputLength, seed: 8);
            float[] a = new float[saved.OutputLength];
            float[] b = new float[saved.OutputLength];
            saved.Forward(input, a);
            loaded.Forward(input, b);
            Assert.Equal(a, b);
        }

        Assert.Equal(System.IO.File.ReadAllBytes(path), bytes);
    }

    [Theory]
    [MemberData(nameof(NetworksWithBuffers))]
    public void HeaderListsTheStateDictWithNumBatchesTrackedAsAnInt64Scalar(string name)
    {
        INetwork net = NetworkCase.All.Single(n => n.Name == name).Create();
        Randomize(net, seed: 5);
        IReadOnlyList<ParameterTensor> tensors = ParameterTensors.Of(net);

        byte[] bytes = SafeTensors.ToBytes(net);

        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        int dataStart = 8 + (int)headerLength;
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        JsonProperty[] entries = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToArray();
        Assert.Equal(tensors.Select(t => t.Name), entries.Select(e => e.Name));
        long offset = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            ParameterTensor tensor = tensors[i];
            JsonElement entry = entries[i].Value;
            bool counter = tensor.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
            Assert.Equal(counter, tensor.Role == TensorRole.BatchesTracked);
            Assert.True(!counter || tensor.IsBuffer);
            Assert.Equal(counter ? "I64" : "F32", entry.GetProperty("dtype").GetString());
            int[] shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            Assert.Equal(tensor.Shape, shape);
            if (counter)
            {
                Assert.Empty(shape);
            }

            long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long length = counter ? 8 : 4L * tensor.Length;
            Assert.Equal([offset, offset + length], offsets);
            ReadOnlySpan<byte> data = bytes.AsSpan(dataStart + (int)offset, (int)length);
            ReadOnlySpan<float> source = (tensor.IsBuffer ? net.Buffers : net.Parameters).Slice(tensor.Offset, tensor.Length);
            if (counter)
            {
                Assert.Equal((long)source[0], BitConverter.ToInt64(data));
            }
            else
            {
                Assert.Equal(Bits(source), Bits(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data)));
            }

            offset += length;
        }

        Assert.Equal(dataStart + offset, bytes.Length);
    }

    [Fact]
    public void NamesShapesAndDTypesAreThoseOfPyTorchsStateDict()
    {
        foreach (string name in SafeTensorsFixture.BatchNormNames)
        {
            SafeTensorsFixture fixture = SafeTensorsFixture.Load(name);
            INetwork net = SafeTensorsPyTorchTests.Create(fixture.Network);
            using JsonDocument header = Header(SafeTensors.ToBytes(net));

            JsonProperty[] entries = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToArray();
            Assert.Equal(fixture.Tensors.Select(t => t.Name), entries.Select(e => e.Name));
            Assert.Equal(fixture.Tensors.Select(t => t.Shape), entries.Select(e => e.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray()));
            Assert.Equal(fixture.TensorDTypes, entries.Select(e => e.Value.GetProperty("dtype").GetString()));
            Assert.Contains("I64", fixture.TensorDTypes);
        }
    }

    [Fact]
    public void PyTorchsFileHoldsTheBuffersAsPyTorchWroteThem()
    {
        // mobilenetish.safetensors comes from torch: tensors sorted by name, num_batches_tracked I64 [] after 3 steps.
        SafeTensorsFixture fixture = SafeTensorsFixture.Load("mobilenetish");
        using JsonDocument header = Header(System.IO.File.ReadAllBytes(fixture.Path));
        JsonElement counter = header.RootElement.GetProperty("1.num_batches_tracked");
        Assert.Equal("I64", counter.GetProperty("dtype").GetString());
        Assert.Equal(0, counter.GetProperty("shape").GetArrayLength());

        var net = new MobileNetish();
        SafeTensors.Load(net, fixture.Path);

        IReadOnlyList<ParameterTensor> tensors = ParameterTensors.Of(net);
        float[] counts = tensors.Where(t => t.Role == TensorRole.BatchesTracked).Select(t => net.Buffers[t.Offset]).ToArray();
        Assert.Equal([3f, 3f, 3f, 3f, 3f], counts);
        foreach (ParameterTensor tensor in tensors.Where(t => t.Role is TensorRole.RunningMean or TensorRole.RunningVariance))
        {
            float initial = tensor.Role == TensorRole.RunningMean ? 0f : 1f;
            Assert.Contains(net.Buffers.Slice(tensor.Offset, tensor.Length).ToArray(), v => v != initial);
        }
    }

    private static JsonDocument Header(byte[] bytes) => JsonDocument.Parse(bytes.AsMemory(8, (int)BitConverter.ToInt64(bytes, 0)));

    // ------------------------------------------------------------------------------------------ hand-written files

    /// <summary>One tensor of a hand-written file.</summary>
    private sealed record Tensor(string Name, string DType, long[] Shape, byte[] Data);

    /// <summary>
    /// DenseBatchNorm's state_dict as PyTorch names it: Flatten is module 0, the Linear layers 1, 4 and 7, the
    /// BatchNorm1d layers 2 and 5 with their buffers after their parameters.
    /// </summary>
    private static readonly (string Name, long[] Shape)[] DenseBatchNormTensors =
    [
        ("1.weight", [16, 20]), ("1.bias", [16]),
        ("2.weight", [16]), ("2.bias", [16]), ("2.running_mean", [16]), ("2.running_var", [16]), ("2.num_batches_tracked", []),
        ("4.weight", [8, 16]), ("4.bias", [8]),
        ("5.weight", [8]), ("5.bias", [8]), ("5.running_mean", [8]), ("5.running_var", [8]), ("5.num_batches_tracked", []),
        ("7.weight", [4, 8]), ("7.bias", [4]),
    ];

    private static bool IsBufferName(string name) =>
        name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal) || IsCounter(name);

    private static bool IsCounter(string name) => name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    private static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    private static float[] Values(int index, long[] shape) =>
        Samples.Uniform((int)Count(shape), seed: 400 + index, low: 0.25f, high: 2f);

    private static Tensor F32(int index) =>
        new(DenseBatchNormTensors[index].Name, "F32", DenseBatchNormTensors[index].Shape,
            Values(index, DenseBatchNormTensors[index].Shape).SelectMany(BitConverter.GetBytes).ToArray());

    /// <summary>The file PyTorch would write (in state_dict order rather than sorted; the order must not matter), counters 7 and 9.</summary>
    private static List<Tensor> Valid() =>
        DenseBatchNormTensors.Select((t, i) => IsCounter(t.Name)
            ? new Tensor(t.Name, "I64", t.Shape, BitConverter.GetBytes(t.Name.StartsWith('2') ? 7L : 9L))
            : F32(i)).ToList();

    private static (float[] Parameters, float[] Buffers) ValidValues()
    {
        var parameters = new List<float>();
        var buffers = new List<float>();
        for (int i = 0; i < DenseBatchNormTensors.Length; i++)
        {
            (string name, long[] shape) = DenseBatchNormTensors[i];
            List<float> target = IsBufferName(name) ? buffers : parameters;
            if (IsCounter(name))
            {
                target.Add(name.StartsWith('2') ? 7f : 9f);
            }
            else
            {
                target.AddRange(Values(i, shape));
            }
        }

        return (parameters.ToArray(), buffers.ToArray());
    }

    private static byte[] File(IEnumerable<Tensor> tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new MemoryStream();
        foreach (Tensor t in tensors)
        {
            header.Append($",\"{t.Name}\":{{\"dtype\":\"{t.DType}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{data.Length},{data.Length + t.Data.Length}]}}");
            data.Write(t.Data);
        }

        byte[] json = Encoding.UTF8.GetBytes(header.Append('}').ToString());
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data.ToArray()];
    }

    private static List<Tensor> With(string name, Func<Tensor, Tensor> change) =>
        Valid().Select(t => t.Name == name ? change(t) : t).ToList();

    private static readonly Dictionary<string, (Func<byte[]> Make, string Message)> BadFiles = new()
    {
        ["missing running_var"] = (() => File(Valid().Where(t => t.Name != "5.running_var")),
            "lacks tensor '5.running_var' [8] (BatchNorm layer 6 running variance) and has no other tensor in its place"),
        ["missing num_batches_tracked"] = (() => File(Valid().Where(t => t.Name != "2.num_batches_tracked")),
            "lacks tensor '2.num_batches_tracked' [] (BatchNorm layer 3 batch count) and has no other tensor in its place"),
        ["renamed buffer"] = (() => File(With("2.running_mean", t => t with { Name = "2.running_avg" })),
            "lacks tensor '2.running_mean' [16] (BatchNorm layer 3 running mean) but has '2.running_avg', which the network does not have"),
        ["running_mean of the wrong shape"] = (() => File(With("2.running_mean", t => t with { Shape = [4, 4] })),
            "tensor '2.running_mean' has shape [4, 4], but the network's BatchNorm layer 3 running mean is [16]"),
        ["num_batches_tracked of shape [1]"] = (() => File(With("5.num_batches_tracked", t => t with { Shape = [1] })),
            "tensor '5.num_batches_tracked' has shape [1], but the network's BatchNorm layer 6 batch count is []"),
        ["I64 weight"] = (() => File(With("4.weight", t => t with { DType = "I64", Data = new byte[8 * 128] })),
            "tensor '4.weight' has dtype 'I64' cannot hold learnable parameters for StaticCnn; it loads F32 and converts F16, BF16 and F64 " +
            "(an integer dtype is accepted only for a BatchNorm's num_batches_tracked, and '4.weight' [8, 16] (Dense layer 5 weight) holds floats)"),
        ["I32 running_var"] = (() => File(With("2.running_var", t => t with { DType = "I32" })),
            "tensor '2.running_var' has dtype 'I32' cannot hold learnable parameters"),
        ["U8 num_batches_tracked"] = (() => File(With("2.num_batches_tracked", t => t with { DType = "U8", Data = [7] })),
            "tensor '2.num_batches_tracked' has dtype 'U8' cannot hold learnable parameters for StaticCnn; it loads F32 and converts F16, BF16 and F64; a batch count may also be I64 (as PyTorch writes it) or I32"),
        ["extra buffer"] = (() => File([.. Valid(), new Tensor("2.running_std", "F32", [16], new byte[64])]),
            "has tensor '2.running_std', which the network does not have"),
        ["truncated counter"] = (() => File(Valid().OrderBy(t => IsCounter(t.Name)))[..^4],
            "tensor '5.num_batches_tracked' has data_offsets"),
    };

    public static TheoryData<string> BadFileNames() => new(BadFiles.Keys);

    [Theory]
    [MemberData(nameof(BadFileNames))]
    public void BadBufferFailsClearlyAndLeavesParametersAndBuffersUnchanged(string name)
    {
        (Func<byte[]> make, string message) = BadFiles[name];
        byte[] bytes = make();
        string path = Path.Combine(_directory, "bad.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        var before = new DenseBatchNorm();
        Randomize(before, seed: 11);

        foreach (string from in new[] { "file", "memory", "stream" })
        {
            var net = new DenseBatchNorm();
            before.Parameters.CopyTo(net.Parameters);
            before.Buffers.CopyTo(net.Buffers);

            InvalidDataException e = Assert.Throws<InvalidDataException>(() =>
            {
                _ = from switch
                {
                    "file" => SafeTensors.Load(net, path),
                    "memory" => SafeTensors.Load(net, bytes),
                    _ => SafeTensors.Load(net, new MemoryStream(bytes)),
                };
            });

            Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"Expected \"{message}\" in: {e.Message}");
            Assert.StartsWith(from == "file" ? path + ":" : "safetensors data:", e.Message);
            Assert.Equal(Bits(before.Parameters), Bits(net.Parameters));
            Assert.Equal(Bits(before.Buffers), Bits(net.Buffers));
        }
    }

    public static TheoryData<string> CounterDTypes() => new() { "I64", "I32", "F32", "F64", "F16", "BF16" };

    [Theory]
    [MemberData(nameof(CounterDTypes))]
    public void NumBatchesTrackedLoadsFromAnIntegerOrAFloat(string dtype)
    {
        static byte[] Encode(string dtype, long value) => dtype switch
        {
            "I64" => BitConverter.GetBytes(value),
            "I32" => BitConverter.GetBytes((int)value),
            "F32" => BitConverter.GetBytes((float)value),
            "F64" => BitConverter.GetBytes((double)value),
            "F16" => BitConverter.GetBytes((Half)value),
            _ => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(value) >> 16)),
        };

        // Sorted by name, as safetensors.torch.save_file writes them ("1.bias" before "1.weight").
        List<Tensor> tensors = Valid()
            .Select(t => IsCounter(t.Name) ? t with { DType = dtype, Data = Encode(dtype, t.Name.StartsWith('2') ? 7 : 9) } : t)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        var net = new DenseBatchNorm();
        Randomize(net, seed: 12);

        SafeTensors.Load(net, File(tensors));

        (float[] parameters, float[] buffers) = ValidValues();
        Assert.Equal(Bits(parameters), Bits(net.Parameters));
        Assert.Equal(Bits(buffers), Bits(net.Buffers));
        Assert.Equal([7f, 9f], ParameterTensors.Of(net).Where(t => t.Role == TensorRole.BatchesTracked).Select(t => net.Buffers[t.Offset]));
    }

    [Fact]
    public void ASavedCounterIsTheWholeNumberItHolds()
    {
        var net = new DenseBatchNorm();
        Randomize(net, seed: 13);
        ParameterTensor[] counters = ParameterTensors.Of(net).Where(t => t.Role == TensorRole.BatchesTracked).ToArray();
        net.Buffers[counters[0].Offset] = 123456;
        net.Buffers[counters[1].Offset] = 0;

        byte[] bytes = SafeTensors.ToBytes(net);
        var loaded = new DenseBatchNorm();
        SafeTensors.Load(loaded, bytes);

        Assert.Equal(123456f, loaded.Buffers[counters[0].Offset]);
        Assert.Equal(0f, loaded.Buffers[counters[1].Offset]);
        using JsonDocument header = Header(bytes);
        long[] offsets = header.RootElement.GetProperty("2.num_batches_tracked").GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        int dataStart = 8 + (int)BitConverter.ToInt64(bytes, 0);
        Assert.Equal(123456L, BitConverter.ToInt64(bytes, dataStart + (int)offsets[0]));
    }
}

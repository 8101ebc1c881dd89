using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using StaticCnn.Tests.Networks;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Weights;

/// <summary>
/// Every way a safetensors file can be wrong fails with a message naming the mismatch and leaves the parameters
/// as they were, whether read from a file or from memory. The files are written here by hand (header text and
/// data bytes), independently of <see cref="SafeTensors"/>'s writer.
/// </summary>
public sealed class SafeTensorsFailureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticcnn-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>One tensor entry of a hand-written header.</summary>
    private sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End)
    {
        public string Json => $"\"{Name}\":{{\"dtype\":\"{DType}\",\"shape\":[{string.Join(",", Shape)}],\"data_offsets\":[{Begin},{End}]}}";
    }

    /// <summary>DenseOnlyNet's tensors as PyTorch names them: Flatten is module 0, so the Linear layers are 1, 3 and 5.</summary>
    private static readonly (string Name, long[] Shape)[] DenseOnly =
    [
        ("1.weight", [16, 20]), ("1.bias", [16]), ("3.weight", [8, 16]), ("3.bias", [8]), ("5.weight", [4, 8]), ("5.bias", [4]),
    ];

    private static List<Entry> ValidEntries()
    {
        var entries = new List<Entry>();
        long offset = 0;
        foreach ((string name, long[] shape) in DenseOnly)
        {
            long bytes = 4 * shape.Aggregate(1L, (a, b) => a * b);
            entries.Add(new Entry(name, "F32", shape, offset, offset + bytes));
            offset += bytes;
        }

        return entries;
    }

    private static byte[] ValidData() =>
        Samples.Uniform(DenseOnlyNet.ParameterCount, seed: 77).SelectMany(BitConverter.GetBytes).ToArray();

    private static byte[] File(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
    }

    private static byte[] File(IEnumerable<Entry> entries, byte[] data, string metadata = "{\"format\":\"pt\"}") =>
        File("{\"__metadata__\":" + metadata + "," + string.Join(",", entries.Select(e => e.Json)) + "}", data);

    private static List<Entry> With(string name, Func<Entry, Entry> change) =>
        ValidEntries().Select(e => e.Name == name ? change(e) : e).ToList();

    private static readonly Dictionary<string, (Func<byte[]> Make, string Message)> Cases = new()
    {
        ["valid file (control)"] = (() => File(ValidEntries(), ValidData()), ""),
        ["wrong name"] = (() => File(With("3.weight", e => e with { Name = "3.weights" }), ValidData()),
            "lacks tensor '3.weight' [8, 16] (Dense layer 4 weight) but has '3.weights', which the network does not have"),
        ["missing tensor"] = (() => File(ValidEntries().SkipLast(1), ValidData().SkipLast(16).ToArray()),
            "lacks tensor '5.bias' [4] (Dense layer 6 bias) and has no other tensor in its place"),
        ["extra tensor"] = (() => File([.. ValidEntries(), new Entry("6.weight", "F32", [2], 2032, 2040)], [.. ValidData(), .. new byte[8]]),
            "has tensor '6.weight', which the network does not have"),
        ["wrong shape"] = (() => File(With("1.weight", e => e with { Shape = [20, 16] }), ValidData()),
            "tensor '1.weight' has shape [20, 16], but the network's Dense layer 2 weight is [16, 20]"),
        ["integer dtype"] = (() => File(With("1.bias", e => e with { DType = "I32" }), ValidData()),
            "tensor '1.bias' has dtype 'I32' cannot hold learnable parameters"),
        ["unknown dtype"] = (() => File(With("1.bias", e => e with { DType = "F33" }), ValidData()),
            "tensor '1.bias' has dtype 'F33' is not a safetensors dtype"),
        ["truncated data"] = (() => File(ValidEntries(), ValidData().SkipLast(10).ToArray()),
            "tensor '5.bias' has data_offsets [2016, 2032], past the end of the 2,022 bytes of data after the header (truncated?)"),
        ["truncated header"] = (() => File(ValidEntries(), ValidData()).Take(100).ToArray(),
            "only 92 bytes follow the length prefix (truncated?)"),
        ["shorter than the length prefix"] = (() => [1, 2, 3], "it is 3 bytes long, shorter than the 8-byte header length"),
        ["empty"] = (() => [], "it is 0 bytes long"),
        ["oversized"] = (() => File(ValidEntries(), [.. ValidData(), 0, 0, 0, 0]),
            "the file is larger than its header claims: the tensors end at data byte 2,032, but 2,036 bytes follow the header"),
        ["huge header length"] = (() => [.. BitConverter.GetBytes(ulong.MaxValue - 3), .. File(ValidEntries(), ValidData()).Skip(8)],
            "more than the format's limit"),
        ["bad JSON"] = (() => File("{\"__metadata__\":{\"format\":\"pt\"},\"1.weight\":{\"dtype\":\"F32\",", ValidData()),
            "the header is not valid JSON"),
        ["JSON array"] = (() => File("[1, 2]", ValidData()), "the header must be a JSON object"),
        ["content after the JSON"] = (() => File("{\"__metadata__\":{}} {}", ValidData()), "not valid JSON"),
        ["overlapping offsets"] = (() => File(With("1.bias", e => e with { Begin = 1276, End = 1340 }), ValidData()),
            "tensors '1.weight' [0, 1280] and '1.bias' [1276, 1340] overlap"),
        ["offsets out of range"] = (() => File(With("5.bias", e => e with { Begin = 4000, End = 4016 }), ValidData()),
            "tensor '5.bias' has data_offsets [4000, 4016], past the end"),
        ["huge offsets"] = (() => File(With("5.bias", e => e with { Begin = long.MaxValue - 8, End = long.MaxValue }), ValidData()),
            "past the end"),
        ["offsets that end before they begin"] = (() => File(With("1.bias", e => e with { Begin = 1344, End = 1280 }), ValidData()),
            "tensor '1.bias' has data_offsets [1344, 1280], which end before they begin"),
        ["offsets of the wrong size"] = (() => File(With("1.bias", e => e with { End = 1340 }), ValidData()),
            "tensor '1.bias' (F32 [16]) needs 64 bytes, but its data_offsets [1280, 1340] hold 60 bytes"),
        ["gap between tensors"] = (() => File(
                ValidEntries().Select(e => e.Begin >= 1280 ? e with { Begin = e.Begin + 8, End = e.End + 8 } : e),
                [.. ValidData().Take(1280), .. new byte[8], .. ValidData().Skip(1280)]),
            "data bytes [1280, 1288) before tensor '1.bias' belong to no tensor"),
        ["negative offset"] = (() => File(
                "{\"1.weight\":{\"dtype\":\"F32\",\"shape\":[16,20],\"data_offsets\":[-4,1276]}}", ValidData()),
            "tensor '1.weight': \"data_offsets\" must hold non-negative integers, but holds -4"),
        ["fractional shape"] = (() => File(
                "{\"1.weight\":{\"dtype\":\"F32\",\"shape\":[16,2.5e1],\"data_offsets\":[0,1280]}}", ValidData()),
            "\"shape\" must hold non-negative integers, but holds 2.5e1"),
        ["shape whose size overflows"] = (() => File(
                With("1.bias", e => e with { Shape = [4294967296, 4294967296, 4294967296] }), ValidData()),
            "tensor '1.bias' (F32 [4294967296, 4294967296, 4294967296]) needs"),
        ["duplicate tensor"] = (() => File([.. ValidEntries(), ValidEntries()[0]], ValidData()),
            "the header names tensor '1.weight' twice"),
        ["missing data_offsets"] = (() => File("{\"1.weight\":{\"dtype\":\"F32\",\"shape\":[16,20]}}", ValidData()),
            "tensor '1.weight' has no \"data_offsets\""),
        ["unknown key"] = (() => File("{\"1.weight\":{\"dtype\":\"F32\",\"shape\":[16,20],\"data_offsets\":[0,1280],\"stride\":[1]}}", ValidData()),
            "tensor '1.weight' has the unknown key 'stride'"),
        ["metadata that is not a string"] = (() => File(ValidEntries(), ValidData(), "{\"epoch\":3}"),
            "\"__metadata__\" entry 'epoch' must be a string, but is a number"),
        ["invalid UTF-8"] = (() => File(ValidEntries(), ValidData(), "{\"k\":\"\u00e9\"}").Select((b, i) => b == 0xC3 ? (byte)0xFF : b).ToArray(),
            "not valid JSON"),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BadFileFailsNamingTheMismatchAndLeavesParametersUnchanged(string name)
    {
        (Func<byte[]> make, string message) = Cases[name];
        byte[] bytes = make();
        string path = Path.Combine(_directory, "case.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        float[] before = Samples.Uniform(DenseOnlyNet.ParameterCount, seed: 5);

        foreach (bool fromFile in new[] { true, false })
        {
            var net = new DenseOnlyNet();
            before.CopyTo(net.Parameters);
            void Load()
            {
                if (fromFile)
                {
                    SafeTensors.Load(net, path);
                }
                else
                {
                    SafeTensors.Load(net, bytes);
                }
            }

            if (message.Length == 0)
            {
                Load();
                Assert.Equal(ValidData(), net.Parameters.ToArray().SelectMany(BitConverter.GetBytes).ToArray());
                continue;
            }

            InvalidDataException e = Assert.Throws<InvalidDataException>(Load);
            Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"Expected \"{message}\" in: {e.Message}");
            Assert.StartsWith(fromFile ? path + ":" : "safetensors data:", e.Message);
            Assert.Equal(before, net.Parameters.ToArray());
        }
    }

    [Fact]
    public void AnImpliedFlattenTakesAModuleIndex()
    {
        // StridesNet: Conv2D, ReLU, Conv2D, MaxPool2D, Dense with no Flatten declared: nn.Sequential(Conv2d, ReLU,
        // Conv2d, MaxPool2d, Flatten, Linear), so the Linear is module 5.
        IReadOnlyList<ParameterTensor> tensors = ParameterTensors.Of(new StridesNet());

        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "5.weight", "5.bias"], tensors.Select(t => t.Name));
        Assert.Equal([0, 1, 2, 3, 5], ParameterTensors.ModuleIndices(new StridesNet()));
        Assert.Equal([5, 36], tensors[4].Shape);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], ParameterTensors.ModuleIndices(new LeNet5()));
    }
}

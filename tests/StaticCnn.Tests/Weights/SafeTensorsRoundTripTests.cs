using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Weights;

/// <summary>Saving and loading give back every parameter bit for bit, for every test network.</summary>
public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("staticcnn-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> Networks() => new(NetworkCase.All.Select(n => n.Name));

    [Theory]
    [MemberData(nameof(Networks))]
    public void SaveThenLoadRestoresEveryParameter(string name)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork saved = network.Create();
        float[] values = Samples.Uniform(saved.ParameterCount, seed: 7);
        values.CopyTo(saved.Parameters);
        string path = Path.Combine(_directory, name + ".safetensors");

        SafeTensors.Save(saved, path);
        INetwork loaded = network.Create();
        loaded.InitializeParameters(3);
        SafeTensors.Load(loaded, path);

        Assert.Equal(values, loaded.Parameters.ToArray());
        float[] input = Samples.Uniform(saved.InputLength, seed: 8);
        float[] a = new float[saved.OutputLength];
        float[] b = new float[saved.OutputLength];
        saved.Forward(input, a);
        loaded.Forward(input, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void FileLayoutIsTheFormatsHeaderThenParametersInOrder()
    {
        INetwork net = new Networks.DenseOnlyNet();
        Samples.Uniform(net.ParameterCount, seed: 9).CopyTo(net.Parameters);

        byte[] bytes = SafeTensors.ToBytes(net);

        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"},\"1.weight\":{\"dtype\":\"F32\",\"shape\":[16,20],\"data_offsets\":[0,1280]}", header);
        Assert.Equal(8 + headerLength + (4L * net.ParameterCount), bytes.Length);
        float[] data = new float[net.ParameterCount];
        Buffer.BlockCopy(bytes, 8 + (int)headerLength, data, 0, data.Length * 4);
        Assert.Equal(net.Parameters.ToArray(), data);
    }

    [Fact]
    public void MetadataRoundTripsAndFormatDefaultsToPt()
    {
        var net = new Networks.MaxPoolTiesNet();
        string path = Path.Combine(_directory, "meta.safetensors");
        var metadata = new Dictionary<string, string> { ["epoch"] = "3", ["note"] = "quote \" and ü" };

        SafeTensors.Save(net, path, metadata);
        IReadOnlyDictionary<string, string> read = SafeTensors.Load(new Networks.MaxPoolTiesNet(), path);

        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "quote \" and ü" }, read);
        SafeTensors.Save(net, path, new Dictionary<string, string> { ["format"] = "mine" });
        Assert.Equal("mine", SafeTensors.Load(net, path)["format"]);
    }

    [Fact]
    public void SaveReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        INetwork net = new Networks.PointwiseNet();
        string path = Path.Combine(_directory, "model.safetensors");
        File.WriteAllText(path, "an older, unrelated file");

        Samples.Uniform(net.ParameterCount, seed: 1).CopyTo(net.Parameters);
        SafeTensors.Save(net, path);
        Samples.Uniform(net.ParameterCount, seed: 2).CopyTo(net.Parameters);
        SafeTensors.Save(net, path);

        Assert.Equal([path], Directory.GetFiles(_directory));
        var loaded = new Networks.PointwiseNet();
        SafeTensors.Load(loaded, path);
        Assert.Equal(Samples.Uniform(net.ParameterCount, seed: 2), loaded.Parameters.ToArray());
    }

    [Fact]
    public void SaveIntoAMissingDirectoryThrowsAndCreatesNothing()
    {
        string path = Path.Combine(_directory, "missing", "model.safetensors");

        Assert.Throws<DirectoryNotFoundException>(() => SafeTensors.Save(new Networks.PointwiseNet(), path));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }
}

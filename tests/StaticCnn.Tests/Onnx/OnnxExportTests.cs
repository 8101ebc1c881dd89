using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Onnx;

/// <summary>
/// Every test network, exported with random parameters, runs in ONNX Runtime (an independent implementation of
/// the ONNX operators) and gives what <see cref="INetwork.Forward"/> gives, sample by sample in a batch.
/// </summary>
public sealed class OnnxExportTests
{
    private const int Batch = 3;

    public static TheoryData<string> Networks() => new(NetworkCase.All.Select(n => n.Name));

    /// <summary>He-initialised weights and random biases (initialisation may leave biases zero, which would hide a misplaced bias).</summary>
    internal static INetwork RandomNetwork(string name, int seed)
    {
        INetwork net = NetworkCase.All.Single(n => n.Name == name).Create();
        net.InitializeParameters(seed);
        float[] noise = Samples.Uniform(net.ParameterCount, seed + 1, -0.5f, 0.5f);
        foreach (ParameterTensor bias in ParameterTensors.Of(net).Where(t => t.IsBias))
        {
            noise.AsSpan(bias.Offset, bias.Length).CopyTo(net.Parameters.Slice(bias.Offset, bias.Length));
        }

        return net;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void OnnxRuntimeAgreesWithForwardOnABatch(string name)
    {
        INetwork net = RandomNetwork(name, seed: 41);
        using var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(net), Batch);
        float[] inputs = Samples.Uniform(Batch * net.InputLength, seed: 42);
        inputs.CopyTo(runner.Input);

        runner.Run();

        Assert.Equal(Batch * net.OutputLength, runner.Output.Length);
        float[] ours = new float[net.OutputLength];
        for (int b = 0; b < Batch; b++)
        {
            net.Forward(inputs.AsSpan(b * net.InputLength, net.InputLength), ours);
            Tolerance.AssertClose(runner.Output.Slice(b * net.OutputLength, net.OutputLength), ours, $"{name} sample {b}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void InputAndOutputHaveTheContractShapesWithASymbolicBatch(string name)
    {
        INetwork net = RandomNetwork(name, seed: 1);
        using var session = new InferenceSession(OnnxExporter.ToBytes(net));

        NodeMetadata input = session.InputMetadata[OnnxExporter.InputName];
        Assert.Equal([-1, net.InputShape.Channels, net.InputShape.Height, net.InputShape.Width], input.Dimensions);
        Assert.Equal("N", input.SymbolicDimensions[0]);
        NodeMetadata output = Assert.Single(session.OutputMetadata, o => o.Key == OnnxExporter.OutputName).Value;
        TensorShape last = net.Layers[^1].Output;
        int[] expected = last.IsFlat ? [-1, last.Length] : [-1, last.Channels, last.Height, last.Width];
        Assert.Equal(expected, output.Dimensions);
        Assert.Equal(net.OutputLength, output.Dimensions.Skip(1).Aggregate(1, (a, b) => a * b));
    }

    [Fact]
    public void ModelCarriesProducerGraphNameAndMetadata()
    {
        INetwork net = RandomNetwork("LeNet5", seed: 2);
        var options = new OnnxExportOptions
        {
            GraphName = "lenet",
            BatchDimension = "batch",
            Metadata = new Dictionary<string, string> { ["dataset"] = "mnist", ["epoch"] = "3" },
        };

        using var session = new InferenceSession(OnnxExporter.ToBytes(net, options));

        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("StaticCnn", metadata.ProducerName);
        Assert.Equal("lenet", metadata.GraphName);
        Assert.Equal(net.Summary, metadata.GraphDescription);
        Assert.Equal("mnist", metadata.CustomMetadataMap["dataset"]);
        Assert.Equal("3", metadata.CustomMetadataMap["epoch"]);
        Assert.Equal("batch", session.InputMetadata["input"].SymbolicDimensions[0]);
    }

    [Fact]
    public void FileAndStreamExportsAreTheBytes()
    {
        INetwork net = RandomNetwork("SeedNet", seed: 3);
        byte[] bytes = OnnxExporter.ToBytes(net);
        string directory = Directory.CreateTempSubdirectory("staticcnn-onnx-").FullName;
        try
        {
            string path = Path.Combine(directory, "seed.onnx");
            File.WriteAllText(path, "replaced");
            OnnxExporter.Export(net, path);
            using var stream = new MemoryStream();
            OnnxExporter.Export(net, stream);

            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal(bytes, stream.ToArray());
            Assert.Equal([path], Directory.GetFiles(directory));
            using var session = new InferenceSession(path);
            Assert.Equal(OnnxExporter.OutputName, Assert.Single(session.OutputNames));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ExportUsesTheCurrentParameters()
    {
        INetwork net = RandomNetwork("DenseOnlyNet", seed: 4);
        byte[] before = OnnxExporter.ToBytes(net);
        net.Parameters[^1] += 1f;
        using var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(net));
        Samples.Uniform(net.InputLength, seed: 5).CopyTo(runner.Input);
        float[] ours = new float[net.OutputLength];
        net.Forward(runner.Input, ours);

        runner.Run();

        Assert.NotEqual(before, OnnxExporter.ToBytes(net));
        Tolerance.AssertClose(runner.Output, ours, "DenseOnlyNet after a parameter change");
    }

    [Fact]
    public void RunnerAllocatesNothingPerRun()
    {
        INetwork net = RandomNetwork("LeNet5", seed: 6);
        using var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(net));
        Samples.Uniform(net.InputLength, seed: 7).CopyTo(runner.Input);
        runner.Run();
        runner.Run();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            runner.Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

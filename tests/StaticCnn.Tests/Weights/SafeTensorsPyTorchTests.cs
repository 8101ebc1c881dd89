using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Weights;

/// <summary>
/// Safetensors files written from PyTorch state_dicts (Fixtures/SafeTensors/make_safetensors.py) load into the
/// generated networks under PyTorch's names and give PyTorch's logits (buffers included: a BatchNorm network's
/// running statistics load too, and its evaluation-mode logits are PyTorch's); the files StaticCnn saves are the
/// committed ones that the script reads back into PyTorch.
/// </summary>
public sealed class SafeTensorsPyTorchTests
{
    public static TheoryData<string> Fixtures() => new(SafeTensorsFixture.Names);

    /// <summary>The StaticCnn-written files that make_safetensors.py checks with PyTorch, and the fixture each was loaded from.</summary>
    public static TheoryData<string, string> SavedByStaticCnn() => new()
    {
        { "strides", "staticcnn_strides.safetensors" },
        { "mobilenetish", "staticcnn_mobilenetish.safetensors" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TensorNamesAndShapesAreThoseOfPyTorchsStateDict(string name)
    {
        SafeTensorsFixture fixture = SafeTensorsFixture.Load(name);
        INetwork net = Create(fixture.Network);

        IReadOnlyList<ParameterTensor> tensors = ParameterTensors.Of(net);

        Assert.Equal(fixture.Tensors.Select(t => t.Name), tensors.Select(t => t.Name));
        for (int i = 0; i < tensors.Count; i++)
        {
            Assert.Equal(fixture.Tensors[i].Shape, tensors[i].Shape);
        }

        Assert.Equal(net.ParameterCount, tensors.Where(t => !t.IsBuffer).Sum(t => t.Length));
        Assert.Equal(net.BufferCount, tensors.Where(t => t.IsBuffer).Sum(t => t.Length));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PyTorchFileLoadsAndGivesPyTorchsLogits(string name)
    {
        SafeTensorsFixture fixture = SafeTensorsFixture.Load(name);
        INetwork net = Create(fixture.Network);
        net.InitializeParameters(12345);
        Samples.Uniform(net.BufferCount, seed: 12346).CopyTo(net.Buffers);

        IReadOnlyDictionary<string, string> metadata = SafeTensors.Load(net, fixture.Path);

        Assert.Equal("pt", metadata["format"]);
        if (fixture.Parameters is not null)
        {
            Assert.Equal(fixture.Parameters, net.Parameters.ToArray());
        }

        if (fixture.Buffers is not null)
        {
            Assert.Equal(fixture.Buffers, net.Buffers.ToArray());
        }

        Assert.False(net.Training);
        float[] output = new float[net.OutputLength];
        net.Forward(fixture.X, output);
        Tolerance.AssertClose(fixture.Logits, output, $"{name} logits");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PyTorchBytesLoadFromMemoryAndStreamAsFromTheFile(string name)
    {
        SafeTensorsFixture fixture = SafeTensorsFixture.Load(name);
        INetwork fromFile = Create(fixture.Network);
        INetwork fromMemory = Create(fixture.Network);
        INetwork fromStream = Create(fixture.Network);
        byte[] bytes = File.ReadAllBytes(fixture.Path);

        SafeTensors.Load(fromFile, fixture.Path);
        SafeTensors.Load(fromMemory, bytes);
        using (var stream = new MemoryStream(bytes))
        {
            SafeTensors.Load(fromStream, stream);
        }

        Assert.Equal(fromFile.Parameters.ToArray(), fromMemory.Parameters.ToArray());
        Assert.Equal(fromFile.Parameters.ToArray(), fromStream.Parameters.ToArray());
        Assert.Equal(fromFile.Buffers.ToArray(), fromMemory.Buffers.ToArray());
        Assert.Equal(fromFile.Buffers.ToArray(), fromStream.Buffers.ToArray());
    }

    /// <summary>
    /// What StaticCnn writes for a network holding PyTorch's values (for MobileNetish: its parameters and BatchNorm
    /// buffers, num_batches_tracked as I64) is byte for byte the committed file that make_safetensors.py loads into
    /// PyTorch with load_state_dict(strict=True) and checks (tensor by tensor and through the logits). Rerun with
    /// STATICCNN_UPDATE_FIXTURES=1 after an intended change of the writer, then rerun the script.
    /// </summary>
    [Theory]
    [MemberData(nameof(SavedByStaticCnn))]
    public void SavedFileIsTheOneCheckedByPyTorch(string name, string file)
    {
        SafeTensorsFixture fixture = SafeTensorsFixture.Load(name);
        INetwork net = Create(fixture.Network);
        SafeTensors.Load(net, fixture.Path);
        string directory = Directory.CreateTempSubdirectory("staticcnn-safetensors-").FullName;
        try
        {
            string saved = Path.Combine(directory, file);
            SafeTensors.Save(net, saved);
            byte[] ours = File.ReadAllBytes(saved);
            if (FixturePaths.Updating)
            {
                File.WriteAllBytes(FixturePaths.Source(SafeTensorsFixture.Folder, file), ours);
            }

            byte[] committed = File.ReadAllBytes(FixturePaths.Updating
                ? FixturePaths.Source(SafeTensorsFixture.Folder, file)
                : FixturePaths.Output(SafeTensorsFixture.Folder, file));
            Assert.True(committed.AsSpan().SequenceEqual(ours),
                $"SafeTensors.Save no longer writes {file} ({ours.Length} bytes, committed {committed.Length}). " +
                $"If intended, rerun with {FixturePaths.UpdateVariable}=1 and check the new file with make_safetensors.py.");

            INetwork reloaded = Create(fixture.Network);
            SafeTensors.Load(reloaded, saved);
            Assert.Equal(net.Parameters.ToArray(), reloaded.Parameters.ToArray());
            Assert.Equal(net.Buffers.ToArray(), reloaded.Buffers.ToArray());
            float[] output = new float[reloaded.OutputLength];
            reloaded.Forward(fixture.X, output);
            Tolerance.AssertClose(fixture.Logits, output, $"{name} logits after a save and load");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static INetwork Create(string network) => NetworkCase.All.Single(n => n.Name == network).Create();
}

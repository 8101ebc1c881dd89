using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Weights;

/// <summary>
/// Safetensors files written from PyTorch state_dicts (Fixtures/SafeTensors/make_safetensors.py) load into the
/// generated networks under PyTorch's names and give PyTorch's logits; the file StaticCnn saves is the committed one
/// that the script reads back into PyTorch.
/// </summary>
public sealed class SafeTensorsPyTorchTests
{
    /// <summary>The StaticCnn-written file that make_safetensors.py checks with PyTorch.</summary>
    private const string SavedByStaticCnn = "staticcnn_strides.safetensors";

    public static TheoryData<string> Fixtures() => new(SafeTensorsFixture.Names);

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

        Assert.Equal(net.ParameterCount, tensors.Sum(t => t.Length));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PyTorchFileLoadsAndGivesPyTorchsLogits(string name)
    {
        SafeTensorsFixture fixture = SafeTensorsFixture.Load(name);
        INetwork net = Create(fixture.Network);
        net.InitializeParameters(12345);

        IReadOnlyDictionary<string, string> metadata = SafeTensors.Load(net, fixture.Path);

        Assert.Equal("pt", metadata["format"]);
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
    }

    /// <summary>
    /// What StaticCnn writes for PyTorch's strides parameters is byte for byte the committed file that
    /// make_safetensors.py loads into PyTorch and checks (tensor by tensor and through the logits). Rerun with
    /// STATICCNN_UPDATE_FIXTURES=1 after an intended change of the writer, then rerun the script.
    /// </summary>
    [Fact]
    public void SavedFileIsTheOneCheckedByPyTorch()
    {
        SafeTensorsFixture fixture = SafeTensorsFixture.Load("strides");
        INetwork net = Create(fixture.Network);
        SafeTensors.Load(net, fixture.Path);
        string directory = Directory.CreateTempSubdirectory("staticcnn-safetensors-").FullName;
        try
        {
            string saved = Path.Combine(directory, SavedByStaticCnn);
            SafeTensors.Save(net, saved);
            byte[] ours = File.ReadAllBytes(saved);
            if (FixturePaths.Updating)
            {
                File.WriteAllBytes(FixturePaths.Source(SafeTensorsFixture.Folder, SavedByStaticCnn), ours);
            }

            byte[] committed = File.ReadAllBytes(FixturePaths.Updating
                ? FixturePaths.Source(SafeTensorsFixture.Folder, SavedByStaticCnn)
                : FixturePaths.Output(SafeTensorsFixture.Folder, SavedByStaticCnn));
            Assert.True(committed.AsSpan().SequenceEqual(ours),
                $"SafeTensors.Save no longer writes {SavedByStaticCnn} ({ours.Length} bytes, committed {committed.Length}). " +
                $"If intended, rerun with {FixturePaths.UpdateVariable}=1 and check the new file with make_safetensors.py.");

            INetwork reloaded = Create(fixture.Network);
            SafeTensors.Load(reloaded, saved);
            float[] output = new float[reloaded.OutputLength];
            reloaded.Forward(fixture.X, output);
            Tolerance.AssertClose(fixture.Logits, output, "strides logits after a save and load");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static INetwork Create(string network) => NetworkCase.All.Single(n => n.Name == network).Create();
}

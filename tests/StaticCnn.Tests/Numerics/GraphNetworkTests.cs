using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Tests.Networks;
using Xunit;
using TinyMl;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// What networks with blocks add to the contract: tensor names are the equivalent PyTorch module's state_dict keys
/// (checked against the names PyTorch itself wrote into the graph fixtures), safetensors round-trips them, the layer
/// table names every layer's operands and module, and the summary shows the blocks.
/// </summary>
public sealed class GraphNetworkTests
{
    public static TheoryData<string> Fixtures() => new(PyTorchFixture.GraphBatchNames.Where(n => n.EndsWith("_eval", StringComparison.Ordinal)));

    private static INetwork Create(string fixture) => fixture[..fixture.LastIndexOf('_')] switch
    {
        "resnet8" => new ResNet8(),
        "inverted_residual" => new InvertedResidualNet(),
        "inception" => new InceptionNet(),
        _ => throw new ArgumentException(fixture),
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TensorNamesArePyTorchsStateDictKeys(string fixtureName)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(fixtureName);
        IReadOnlyList<ParameterTensor> tensors = ParameterTensors.Of(Create(fixtureName));

        Assert.NotEmpty(fixture.ParameterNames);
        Assert.Equal(fixture.ParameterNames, tensors.Where(t => !t.IsBuffer).Select(t => t.Name));
        Assert.Equal(fixture.BufferNames, tensors.Where(t => t.IsBuffer).Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void SafeTensorsRoundTripsParametersAndBuffers(string fixtureName)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(fixtureName);
        INetwork saved = Create(fixtureName);
        fixture.Parameters.CopyTo(saved.Parameters);
        fixture.Buffers.CopyTo(saved.Buffers);
        byte[] bytes = SafeTensors.ToBytes(saved);

        INetwork loaded = Create(fixtureName);
        SafeTensors.Load(loaded, bytes);

        Assert.Equal(fixture.Parameters, loaded.Parameters.ToArray());
        Assert.Equal(fixture.Buffers, loaded.Buffers.ToArray());
    }

    [Fact]
    public void TheLayerTableNamesOperandsAndModules()
    {
        LayerInfo add = ResNet8.Layers.First(l => l.Kind == LayerKind.Add);
        Assert.Equal([8, 3], add.Inputs);
        Assert.Equal("3", add.Module);
        LayerInfo projection = ResNet8.Layers.Single(l => l.Module == "5.shortcut.0");
        Assert.Equal(LayerKind.Conv2D, projection.Kind);
        Assert.Equal([10], projection.Inputs);
        LayerInfo concat = InceptionNet.Layers.Last(l => l.Kind == LayerKind.Concat);
        Assert.Equal([11, 14], concat.Inputs);
        Assert.Equal(new TensorShape(16, 16, 16), concat.Output);
    }

    [Fact]
    public void TheSummaryShowsBlocksIndentedAndTheMemoryAtInference()
    {
        string summary = ResNet8.Summary;
        Assert.Contains("    Residual #6 › ResNetProjection (shortcut)", summary);
        Assert.Contains("16    Conv2D(32, 1x1, s2, same)", summary);
        Assert.Contains("17  Add([15] + [16])", summary);
        Assert.Contains("Total parameters: 78,186", summary);
        Assert.Contains("Multiply-adds per sample: 12,575,360 forward", summary);
        Assert.Contains("Activation memory at inference: 196,608 bytes at most alive at once", summary);
    }
}

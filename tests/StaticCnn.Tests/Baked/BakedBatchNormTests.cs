using System;
using System.Linq;
using StaticCnn.Tests.Numerics;
using StaticCnn.Tests.Weights;
using Xunit;

namespace StaticCnn.Tests.Baked;

/// <summary>
/// A network with BatchNorm whose weights and running statistics were baked in at compile time from the safetensors
/// file PyTorch wrote (Fixtures/SafeTensors/mobilenetish.safetensors, made by make_safetensors.py): its constructor
/// starts from both, restoring brings both back, and it gives PyTorch's evaluation-mode logits without the file.
/// </summary>
public sealed class BakedBatchNormTests
{
    private static SafeTensorsFixture Fixture() => SafeTensorsFixture.Load("mobilenetish");

    [Fact]
    public void TheConstructorStartsFromTheBakedParametersAndBuffers()
    {
        SafeTensorsFixture fixture = Fixture();
        var network = new BakedMobileNetish();

        Assert.Equal(fixture.Parameters, BakedMobileNetish.BakedParameters.ToArray());
        Assert.Equal(fixture.Buffers, BakedMobileNetish.BakedBuffers.ToArray());
        Assert.Equal(BakedMobileNetish.ParameterCount, BakedMobileNetish.BakedParameters.Length);
        Assert.Equal(BakedMobileNetish.BufferCount, BakedMobileNetish.BakedBuffers.Length);
        Assert.Equal(fixture.Parameters, network.Parameters.ToArray());
        Assert.Equal(fixture.Buffers, network.Buffers.ToArray());
        Assert.False(network.Training);
    }

    [Fact]
    public void TheBakedNetworkHoldsWhatLoadingTheFileGives()
    {
        SafeTensorsFixture fixture = Fixture();
        INetwork loaded = SafeTensorsPyTorchTests.Create(fixture.Network);
        SafeTensors.Load(loaded, fixture.Path);

        Assert.True(loaded.Parameters.SequenceEqual(BakedMobileNetish.BakedParameters));
        Assert.True(loaded.Buffers.SequenceEqual(BakedMobileNetish.BakedBuffers));
        Assert.Equal(
            ParameterTensors.Of(loaded).Select(t => (t.Name, t.Offset, t.IsBuffer)),
            ParameterTensors.Of(new BakedMobileNetish()).Select(t => (t.Name, t.Offset, t.IsBuffer)));
    }

    [Fact]
    public void ForwardGivesPyTorchsEvaluationLogits()
    {
        SafeTensorsFixture fixture = Fixture();
        var network = new BakedMobileNetish();
        var output = new float[BakedMobileNetish.OutputLength];

        network.Forward(fixture.X, output);

        Tolerance.AssertClose(fixture.Logits, output, "baked mobilenetish logits");
    }

    [Fact]
    public void RestoreBringsBackParametersAndBuffersAfterTrainingAndReinitialising()
    {
        SafeTensorsFixture fixture = Fixture();
        var network = new BakedMobileNetish();
        var output = new float[BakedMobileNetish.OutputLength];

        // A training-mode pass updates the running statistics and the batch counts; InitializeParameters resets both.
        network.Training = true;
        network.Forward(fixture.X, output);
        Assert.False(BakedMobileNetish.BakedBuffers.SequenceEqual(network.Buffers));
        network.InitializeParameters(3);
        Assert.False(BakedMobileNetish.BakedParameters.SequenceEqual(network.Parameters));
        Assert.False(BakedMobileNetish.BakedBuffers.SequenceEqual(network.Buffers));

        network.RestoreBakedParameters();
        network.Training = false;

        Assert.True(BakedMobileNetish.BakedParameters.SequenceEqual(network.Parameters));
        Assert.True(BakedMobileNetish.BakedBuffers.SequenceEqual(network.Buffers));
        network.Forward(fixture.X, output);
        Tolerance.AssertClose(fixture.Logits, output, "baked mobilenetish logits after restoring");
    }

    [Fact]
    public void ReadingTheBakedBuffersAllocatesNothing()
    {
        float sum = BakedMobileNetish.BakedBuffers[0];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            sum += BakedMobileNetish.BakedBuffers[i] + BakedMobileNetish.BakedParameters[i];
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"Reading BakedBuffers allocated {allocated} bytes (sum {sum}).");
    }
}

using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Baked;

/// <summary>
/// Networks whose weights were baked in at compile time from safetensors files written by PyTorch
/// (Fixtures/Baked/make_baked.py): they start from those weights and give PyTorch's logits.
/// </summary>
public sealed class BakedWeightsTests
{
    public static TheoryData<string> Networks => new() { "lenet5", "implied_flatten_f16" };

    private static INetwork Create(string name) => name switch
    {
        "lenet5" => new BakedLeNet5(),
        "implied_flatten_f16" => new BakedImpliedFlattenF16(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static ReadOnlySpan<float> Baked(string name) => name switch
    {
        "lenet5" => BakedLeNet5.BakedParameters,
        _ => BakedImpliedFlattenF16.BakedParameters,
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void ForwardGivesPyTorchsLogitsFromTheBakedWeights(string name)
    {
        using JsonDocument fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Baked", name + ".json")));
        float[] input = Floats(fixture.RootElement.GetProperty("input"));
        double[] logits = Floats(fixture.RootElement.GetProperty("logits")).Select(v => (double)v).ToArray();
        INetwork network = Create(name);
        var output = new float[network.OutputLength];
        network.Forward(input, output);
        Tolerance.AssertClose(logits, output, $"{name} logits");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TheConstructorStartsFromTheBakedWeightsAndRestoreBringsThemBack(string name)
    {
        INetwork network = Create(name);
        Assert.True(Baked(name).SequenceEqual(network.Parameters));
        network.InitializeParameters(3);
        Assert.False(Baked(name).SequenceEqual(network.Parameters));
        switch (network)
        {
            case BakedLeNet5 lenet: lenet.RestoreBakedParameters(); break;
            case BakedImpliedFlattenF16 other: other.RestoreBakedParameters(); break;
        }

        Assert.True(Baked(name).SequenceEqual(network.Parameters));
    }

    [Fact]
    public void ReadingTheBakedWeightsAllocatesNothing()
    {
        float sum = BakedLeNet5.BakedParameters[0];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            sum += BakedLeNet5.BakedParameters[i];
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"Reading BakedParameters allocated {allocated} bytes (sum {sum}).");
        Assert.Equal(BakedLeNet5.ParameterCount, BakedLeNet5.BakedParameters.Length);
    }

    private static float[] Floats(JsonElement array) =>
        array.EnumerateArray().Select(e => float.Parse(e.GetString()!, CultureInfo.InvariantCulture)).ToArray();
}

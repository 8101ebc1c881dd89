using System;
using System.Collections.Generic;
using System.Linq;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>The benchmarked networks by name, and the arithmetic of their forward pass.</summary>
public static class Catalog
{
    /// <summary>The whole networks of the bars.</summary>
    public static readonly string[] Networks = ["LeNet5", "SeedNet", "CifarNet", "SmallVgg"];

    /// <summary>Single convolution layers (each with its ReLU) taken from those networks.</summary>
    public static readonly string[] Layers = ["LeNetConv1", "LeNetConv2", "LeNetDense", "VggDense", "VggConv1", "VggConv32", "VggConv64", "VggConv128", "CifarConv20", "CifarHead", "CifarTail", "MaxPool3x3", "Conv64x64"];

    /// <summary>Depthwise layers (memory-bound: measured in GB/s against the copy bandwidth at their size).</summary>
    public static readonly string[] Depthwise = ["Dw8x48", "Dw8x48Twice", "Dw16x48s2", "Dw32x24", "Dw64x12", "Dw64x12Twice", "Dw128x6", "Dw128x6Twice", "Pass8x48"];

    /// <summary>One depthwise-separable network with BatchNorm folded, unfoldable (after the ReLU), and absent.</summary>
    public static readonly string[] BatchNorm = ["BlocksFolded", "BlocksUnfolded", "BlocksPlain"];

    /// <summary>Layer networks whose passes used to depend on the data (max pooling's winner search): the probe also runs them over distinct samples.</summary>
    public static readonly string[] DataDependent = ["MaxPool3x3"];

    /// <summary>Networks with residual connections.</summary>
    public static readonly string[] Graphs = ["ResNet8"];

    /// <summary>The MLPerf Tiny reference models (samples/TinyMl/Models), in the benchmark's order.</summary>
    public static readonly string[] TinyMl = ["ResNet8", "DsCnn", "MobileNetV1", "FcAutoencoder"];

    public static INetwork Create(string name) => name switch
    {
        "ResNet8" => new TinyMl.ResNet8(),
        "DsCnn" => new TinyMl.DsCnn(),
        "MobileNetV1" => new TinyMl.MobileNetV1(),
        "FcAutoencoder" => new TinyMl.FcAutoencoder(),
        "LeNet5" => new LeNet5(),
        "SeedNet" => new SeedNet(),
        "CifarNet" => new CifarNet(),
        "SmallVgg" => new SmallVgg(),
        "VggConv1" => new VggConv1(),
        "VggConv32" => new VggConv32(),
        "VggConv64" => new VggConv64(),
        "VggConv128" => new VggConv128(),
        "CifarConv20" => new CifarConv20(),
        "LeNetConv1" => new LeNetConv1(),
        "LeNetConv2" => new LeNetConv2(),
        "LeNetDense" => new LeNetDense(),
        "VggDense" => new VggDense(),
        "CifarHead" => new CifarHead(),
        "CifarTail" => new CifarTail(),
        "MaxPool3x3" => new MaxPool3x3(),
        "Conv64x64" => new Conv64x64(),
        "Dw8x48" => new Dw8x48(),
        "Pass8x48" => new Pass8x48(),
        "Dw8x48Twice" => new Dw8x48Twice(),
        "Dw64x12Twice" => new Dw64x12Twice(),
        "Dw128x6Twice" => new Dw128x6Twice(),
        "Dw16x48s2" => new Dw16x48s2(),
        "Dw32x24" => new Dw32x24(),
        "Dw64x12" => new Dw64x12(),
        "Dw128x6" => new Dw128x6(),
        "BlocksFolded" => new BlocksFolded(),
        "BlocksUnfolded" => new BlocksUnfolded(),
        "BlocksPlain" => new BlocksPlain(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown network."),
    };

    /// <summary>Floating-point operations of one forward pass (2 per multiply-add of the convolutions and dense layers).</summary>
    public static long ForwardFlops(INetwork network) => network.Layers.Sum(l => 2 * Metrics.LayerProfile.MultiplyAdds(l));

    /// <summary>
    /// The floats one forward pass must move at least once: every layer's input and output, and the parameters
    /// (4 bytes each). What a memory-bound layer's GB/s is counted over.
    /// </summary>
    public static long ForwardBytes(INetwork network) =>
        4L * (network.Layers.Sum(l => (long)l.Input.Length + l.Output.Length) + network.ParameterCount);

    /// <summary>Deterministic inputs in [-1, 1).</summary>
    public static float[] Inputs(int length, int seed)
    {
        var random = new DeterministicRandom(seed);
        float[] values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle(-1f, 1f);
        }

        return values;
    }

    public static IEnumerable<string> All => Networks.Concat(Layers).Concat(Depthwise).Concat(BatchNorm);
}

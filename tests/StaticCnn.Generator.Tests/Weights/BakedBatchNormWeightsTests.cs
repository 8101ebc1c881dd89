using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;
using static StaticCnn.Generator.Tests.Weights.SafeTensorsWriter;

namespace StaticCnn.Generator.Tests.Weights;

/// <summary>
/// Baked weights of a network with BatchNorm: the file's parameters go to <c>BakedParameters</c> and its buffers
/// (running_mean, running_var, num_batches_tracked, which PyTorch writes as an I64 scalar) to <c>BakedBuffers</c>;
/// the constructor and <c>RestoreBakedParameters()</c> set both; every way a buffer can be wrong is an SCNN error.
/// </summary>
public sealed class BakedBatchNormWeightsTests
{
    // 2x6x6 -> Conv2D(3, 3, no bias) 3x4x4 -> BatchNorm -> ReLU -> Dense(4) (implied Flatten: module 3, so the Dense is
    // module 4). Plain is the same network without baked weights, loaded with SafeTensors.Load.
    private const string Networks = """
        using StaticCnn;
        namespace Samples;
        [Network(2, 6, 6, Weights = "bn.safetensors")]
        [Conv2D(3, 3, Bias = false)]
        [BatchNorm]
        [ReLU]
        [Dense(4)]
        public partial class BakedBn;

        [Network(2, 6, 6)]
        [Conv2D(3, 3, Bias = false)]
        [BatchNorm]
        [ReLU]
        [Dense(4)]
        public partial class PlainBn;
        """;

    // Reads the ReadOnlySpans, which reflection cannot return (only compiles when the weights were baked in).
    private const string Source = Networks + """

        public static class Probe
        {
            public static float[] Parameters() => BakedBn.BakedParameters.ToArray();
            public static float[] Buffers() => BakedBn.BakedBuffers.ToArray();
            public static void Restore(BakedBn network) => network.RestoreBakedParameters();
        }
        """;

    private const string Location = "Weights = \"bn.safetensors\"";

    /// <summary>The state_dict of the PyTorch model, in its order; num_batches_tracked 5.</summary>
    private static Tensor[] GoodTensors() =>
    [
        F32("0.weight", [3, 2, 3, 3], i => (i * 0.01f) - 0.2f),
        F32("1.weight", [3], i => 0.5f + i),
        F32("1.bias", [3], i => 0.25f - i),
        F32("1.running_mean", [3], i => 0.125f * (i + 1)),
        F32("1.running_var", [3], i => 0.75f + i),
        I64("1.num_batches_tracked", 5),
        F32("4.weight", [4, 48], i => 1f / (i + 1)),
        F32("4.bias", [4], i => -i),
    ];

    private static float[] Floats(Tensor t) =>
        Enumerable.Range(0, t.Data.Length / 4).Select(i => BitConverter.ToSingle(t.Data, i * 4)).ToArray();

    private static readonly float[] ExpectedParameters =
        GoodTensors().Where(t => t.Name is "0.weight" or "1.weight" or "1.bias" or "4.weight" or "4.bias").SelectMany(Floats).ToArray();

    private static readonly float[] ExpectedBuffers =
        [.. Floats(GoodTensors()[3]), .. Floats(GoodTensors()[4]), 5f];

    [Fact]
    public void ParametersAndBuffersAreBakedAndTheConstructorAndRestoreSetBoth()
    {
        byte[] file = Bytes(GoodTensors());
        GeneratorRun run = WeightsHarness.Run(Source, WeightsHarness.Write("bn.safetensors", file));
        DiagnosticAssert.Clean(run);

        Run(run.Output, assembly =>
        {
            Type probe = assembly.GetType("Samples.Probe", throwOnError: true)!;
            Assert.Equal(ExpectedParameters, (float[])probe.GetMethod("Parameters")!.Invoke(null, null)!);
            Assert.Equal(ExpectedBuffers, (float[])probe.GetMethod("Buffers")!.Invoke(null, null)!);

            var baked = (INetwork)Activator.CreateInstance(assembly.GetType("Samples.BakedBn", throwOnError: true)!)!;
            Assert.Equal(ExpectedParameters, baked.Parameters.ToArray());
            Assert.Equal(ExpectedBuffers, baked.Buffers.ToArray());

            // The same file loaded at run time into the same network without baked weights computes the same.
            var plain = (INetwork)Activator.CreateInstance(assembly.GetType("Samples.PlainBn", throwOnError: true)!)!;
            SafeTensors.Load(plain, file);
            float[] input = Enumerable.Range(0, 72).Select(i => MathF.Sin(i * 0.7f)).ToArray();
            float[] a = new float[4];
            float[] b = new float[4];
            baked.Forward(input, a);
            plain.Forward(input, b);
            Assert.Equal(b, a);

            // Training-mode passes move the running statistics and the count; restoring brings both back.
            baked.Training = true;
            baked.Forward(input, a);
            Assert.NotEqual(ExpectedBuffers, baked.Buffers.ToArray());
            baked.Parameters.Fill(0.5f);
            probe.GetMethod("Restore")!.Invoke(null, [baked]);
            Assert.Equal(ExpectedParameters, baked.Parameters.ToArray());
            Assert.Equal(ExpectedBuffers, baked.Buffers.ToArray());
        });
    }

    public static TheoryData<string> CounterDTypes() => new() { "I32", "F32", "F64" };

    [Theory]
    [MemberData(nameof(CounterDTypes))]
    public void NumBatchesTrackedMayAlsoBeAnInt32OrAFloat(string dtype)
    {
        byte[] data = dtype switch
        {
            "I32" => BitConverter.GetBytes(5),
            "F32" => BitConverter.GetBytes(5f),
            _ => BitConverter.GetBytes(5.0),
        };
        Tensor[] tensors = GoodTensors().Select(t => t.Name == "1.num_batches_tracked" ? t with { DType = dtype, Data = data } : t).ToArray();
        GeneratorRun run = WeightsHarness.Run(Source, WeightsHarness.Write("bn.safetensors", Bytes(tensors)));
        DiagnosticAssert.Clean(run);
        Run(run.Output, assembly =>
            Assert.Equal(ExpectedBuffers, (float[])assembly.GetType("Samples.Probe", throwOnError: true)!.GetMethod("Buffers")!.Invoke(null, null)!));
    }

    [Fact]
    public void ANetworkWithoutBuffersBakesNone()
    {
        const string plain = """
            using StaticCnn;
            namespace Samples;
            [Network(1, 1, 3, Weights = "dense.safetensors")]
            [Flatten]
            [Dense(2)]
            public partial class Tiny;

            public static class Probe
            {
                public static int Buffers() => Tiny.BakedBuffers.Length;
                public static float[] Parameters() => Tiny.BakedParameters.ToArray();
            }
            """;
        GeneratorRun run = WeightsHarness.Run(plain, WeightsHarness.Write("dense.safetensors",
            Bytes([F32("1.weight", [2, 3], i => i), F32("1.bias", [2], i => -1f)])));
        DiagnosticAssert.Clean(run);
        Run(run.Output, assembly =>
        {
            Type probe = assembly.GetType("Samples.Probe", throwOnError: true)!;
            Assert.Equal(0, (int)probe.GetMethod("Buffers")!.Invoke(null, null)!);
            Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, -1f, -1f], (float[])probe.GetMethod("Parameters")!.Invoke(null, null)!);
        });
    }

    public static TheoryData<string, string, string> BrokenFiles => new()
    {
        { "missing running_var", "SCNN0042",
            "has no tensor \"1.running_var\"; BatchNorm #2 (3x4x4 -> 3x4x4) needs it with shape [3] (a buffer of PyTorch's state_dict: the BatchNorm's running statistics)" },
        { "missing num_batches_tracked", "SCNN0042",
            "has no tensor \"1.num_batches_tracked\"; BatchNorm #2 (3x4x4 -> 3x4x4) needs it with shape [] (a buffer of PyTorch's state_dict: the BatchNorm's count of training batches, an int64 scalar)" },
        { "running_mean of the wrong shape", "SCNN0043",
            "tensor \"1.running_mean\" has shape [4] but BatchNorm #2 (3x4x4 -> 3x4x4) needs [3]" },
        { "num_batches_tracked of shape [1]", "SCNN0043",
            "tensor \"1.num_batches_tracked\" has shape [1] but BatchNorm #2 (3x4x4 -> 3x4x4) needs []" },
        { "I64 running_var", "SCNN0044",
            "tensor \"1.running_var\" is I64; StaticCnn reads F32, F64, F16 or BF16 (integers only for a BatchNorm's num_batches_tracked)" },
        { "I64 weight", "SCNN0044",
            "tensor \"0.weight\" is I64; StaticCnn reads F32, F64, F16 or BF16 (integers only for a BatchNorm's num_batches_tracked)" },
        { "U8 num_batches_tracked", "SCNN0044",
            "tensor \"1.num_batches_tracked\" is U8; a BatchNorm's num_batches_tracked is read from I64 (as PyTorch writes it) or I32, or from F32, F64, F16 or BF16" },
        { "extra buffer", "SCNN0045", "has a tensor \"1.running_std\" [3] that no layer of the network uses" },
        { "NaN running_var", "SCNN0046", "tensor \"1.running_var\" holds NaN at element 2" },
        { "I64 count of the wrong size", "SCNN0041", "tensor \"1.num_batches_tracked\" (I64 []) should take 8 bytes but its data_offsets span 4" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void EveryBrokenBufferIsAnErrorOnTheWeightsArgument(string broken, string id, string expected)
    {
        GeneratorRun run = WeightsHarness.Run(Networks, WeightsHarness.Write("bn.safetensors", Broken(broken)));
        string message = DiagnosticAssert.SingleError(run, id, Location);
        Assert.Contains(expected, message);
        Assert.StartsWith("Weights file \"bn.safetensors\"", message);
    }

    private static byte[] Broken(string kind)
    {
        IEnumerable<Tensor> good = GoodTensors();
        IEnumerable<Tensor> Replace(string name, Func<Tensor, Tensor> change) => good.Select(t => t.Name == name ? change(t) : t);
        return Bytes(kind switch
        {
            "missing running_var" => good.Where(t => t.Name != "1.running_var"),
            "missing num_batches_tracked" => good.Where(t => t.Name != "1.num_batches_tracked"),
            "running_mean of the wrong shape" => Replace("1.running_mean", t => F32(t.Name, [4], i => 0f)),
            "num_batches_tracked of shape [1]" => Replace("1.num_batches_tracked", t => t with { Shape = [1] }),
            "I64 running_var" => Replace("1.running_var", t => t with { DType = "I64", Data = new byte[24] }),
            "I64 weight" => Replace("0.weight", t => t with { DType = "I64", Data = new byte[8 * 54] }),
            "U8 num_batches_tracked" => Replace("1.num_batches_tracked", t => t with { DType = "U8", Data = [5] }),
            "extra buffer" => good.Append(F32("1.running_std", [3], i => 1f)),
            "NaN running_var" => Replace("1.running_var", t => F32(t.Name, [3], i => i == 2 ? float.NaN : 1f)),
            "I64 count of the wrong size" => Replace("1.num_batches_tracked", t => t with { Data = BitConverter.GetBytes(5) }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        });
    }

    /// <summary>Emits the compilation, loads it in a collectible context and runs <paramref name="check"/> on it.</summary>
    private static void Run(Compilation compilation, Action<Assembly> check)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, GeneratorHarness.Describe(emitted.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext("baked-batchnorm", isCollectible: true);
        try
        {
            check(context.LoadFromStream(stream));
        }
        finally
        {
            context.Unload();
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;
using static StaticCnn.Generator.Tests.Weights.SafeTensorsWriter;

namespace StaticCnn.Generator.Tests.Weights;

/// <summary>
/// [Network(..., Weights = "file.safetensors")]: the generator bakes a matching file's tensors into the class, and
/// every way the file can be wrong is an SCNN error on the Weights argument with nothing else failing.
/// </summary>
public sealed class BakedWeightsTests
{
    // 2x6x6 -> Conv2D(3, 3) 3x4x4 -> ReLU -> MaxPool2D(2) 3x2x2 -> Dense(4) (implied Flatten: module 3, so the Dense is module 4).
    private const string Source = """
        using StaticCnn;
        namespace Samples;
        [Network(2, 6, 6, Weights = "net.safetensors")]
        [Conv2D(3, 3)]
        [ReLU]
        [MaxPool2D(2)]
        [Dense(4)]
        public partial class Baked;
        """;

    private const string Location = "Weights = \"net.safetensors\"";

    private static Tensor[] GoodTensors() =>
    [
        F32("0.weight", [3, 2, 3, 3], i => (i * 0.01f) - 0.2f),
        F32("0.bias", [3], i => i + 0.5f),
        F32("4.weight", [4, 12], i => 1f / (i + 1)),
        F32("4.bias", [4], i => -i),
    ];

    private static float[] Flatten(IEnumerable<Tensor> tensors) =>
        tensors.SelectMany(t => Enumerable.Range(0, t.Data.Length / 4).Select(i => BitConverter.ToSingle(t.Data, i * 4))).ToArray();

    [Fact]
    public void AMatchingFileIsBakedInAndTheConstructorStartsFromIt()
    {
        Tensor[] tensors = GoodTensors();
        GeneratorRun run = WeightsHarness.Run(Source, WeightsHarness.Write("net.safetensors", Bytes(tensors)));
        DiagnosticAssert.Clean(run);
        Assert.Equal(Flatten(tensors), LoadParameters(run.Output, "Samples.Baked"));
    }

    [Fact]
    public void TheFileIsFoundByAPathEndingInTheDeclaredName()
    {
        GeneratorRun run = WeightsHarness.Run(Source.Replace("\"net.safetensors\"", "\"models/net.safetensors\""),
            WeightsHarness.Write(Path.Combine("models", "net.safetensors"), Bytes(GoodTensors())));
        DiagnosticAssert.Clean(run);
    }

    [Theory]
    [InlineData("F64")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void OtherFloatTypesAreConvertedToFloat32(string dtype)
    {
        Tensor[] f32 = GoodTensors();
        Tensor[] converted = f32.Select(t => Convert(t, dtype)).ToArray();
        float[] expected = converted.SelectMany(t => Decode(t)).ToArray();
        GeneratorRun run = WeightsHarness.Run(Source, WeightsHarness.Write("net.safetensors", Bytes(converted)));
        DiagnosticAssert.Clean(run);
        Assert.Equal(expected, LoadParameters(run.Output, "Samples.Baked"));
    }

    public static TheoryData<string, string, string> BrokenFiles => new()
    {
        { "missing tensor", "SCNN0042", "has no tensor \"4.bias\"; Dense #4 (3x2x2 -> 4) needs it with shape [4]" },
        { "wrong shape", "SCNN0043", "tensor \"0.weight\" has shape [3, 2, 5, 5] but Conv2D #1 (2x6x6 -> 3x4x4) needs [3, 2, 3, 3]" },
        { "wrong dtype", "SCNN0044", "tensor \"0.bias\" is I32; StaticCnn reads F32, F64, F16 or BF16" },
        { "extra tensor", "SCNN0045", "has a tensor \"5.weight\" [2] that no layer of the network uses" },
        { "nan", "SCNN0046", "tensor \"4.weight\" holds NaN at element 7" },
        { "truncated", "SCNN0041", "(truncated)" },
        { "trailing bytes", "SCNN0041", "(trailing bytes)" },
        { "overlapping", "SCNN0041", "expected it to start at" },
        { "bad json", "SCNN0041", "is not valid safetensors JSON" },
        { "huge header", "SCNN0041", "the header claims" },
        { "tiny", "SCNN0041", "a safetensors file starts with an 8-byte header length" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void EveryBrokenFileIsAnErrorOnTheWeightsArgument(string broken, string id, string expected)
    {
        byte[] bytes = Broken(broken);
        GeneratorRun run = WeightsHarness.Run(Source, WeightsHarness.Write("net.safetensors", bytes));
        string message = DiagnosticAssert.SingleError(run, id, Location);
        Assert.Contains(expected, message);
        Assert.StartsWith("Weights file \"net.safetensors\"", message);
    }

    [Fact]
    public void AMissingFileIsAnErrorThatSaysHowToAddIt()
    {
        GeneratorRun run = WeightsHarness.Run(Source);
        string message = DiagnosticAssert.SingleError(run, "SCNN0040", Location);
        Assert.Contains("<AdditionalFiles Include=\"net.safetensors\" />", message);
    }

    [Fact]
    public void TwoMatchingFilesAreAmbiguous()
    {
        byte[] bytes = Bytes(GoodTensors());
        GeneratorRun run = WeightsHarness.Run(Source, WeightsHarness.Write("net.safetensors", bytes), WeightsHarness.Write("net.safetensors", bytes));
        Assert.Contains("2 AdditionalFiles items match", DiagnosticAssert.SingleError(run, "SCNN0040", Location));
    }

    [Fact]
    public void EditingTheFileRegeneratesAndEditingCodeDoesNot()
    {
        FileOnDisk first = WeightsHarness.Write("net.safetensors", Bytes(GoodTensors()));
        CSharpCompilation compilation = GeneratorHarness.Compile(Source);
        GeneratorDriver driver = WeightsHarness.CreateDriver(first).RunGenerators(compilation);

        // An unrelated edit: every step cached.
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.ParseOptions));
        GeneratorRunResult unrelated = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.All(Reasons(unrelated, NetworkGenerator.Steps.Weights), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(unrelated, NetworkGenerator.Steps.Source), r => Assert.Equal(IncrementalStepRunReason.Cached, r));

        // New content in the file (a new AdditionalText, as the IDE and each build make): the source is regenerated.
        Tensor[] changed = GoodTensors();
        changed[1] = F32("0.bias", [3], i => 42f);
        FileOnDisk second = WeightsHarness.Write("net.safetensors", Bytes(changed));
        GeneratorRunResult rerun = driver.ReplaceAdditionalText(first, second).RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(rerun, NetworkGenerator.Steps.Source)));
        Assert.Contains("42.0f", rerun.GeneratedSources.Single().SourceText.ToString());
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static byte[] Broken(string kind)
    {
        Tensor[] good = GoodTensors();
        switch (kind)
        {
            case "missing tensor":
                return Bytes(good.Take(3));
            case "wrong shape":
                return Bytes(good.Skip(1).Prepend(F32("0.weight", [3, 2, 5, 5], i => 0f)));
            case "wrong dtype":
                return Bytes(good.Select(t => t.Name == "0.bias" ? t with { DType = "I32" } : t));
            case "extra tensor":
                return Bytes(good.Append(F32("5.weight", [2], i => 0f)));
            case "nan":
                return Bytes(good.Select(t => t.Name == "4.weight" ? F32("4.weight", [4, 12], i => i == 7 ? float.NaN : 1f) : t));
            case "truncated":
                byte[] whole = Bytes(good);
                return whole.Take(whole.Length - 4).ToArray();
            case "trailing bytes":
                return Bytes(good).Concat(new byte[] { 1, 2, 3, 4 }).ToArray();
            case "overlapping":
                return Bytes(good, (begin, end) => (Math.Max(0, begin - 4), end));
            case "bad json":
                byte[] json = Bytes(good);
                json[8] = (byte)'[';
                return json;
            case "huge header":
                byte[] huge = Bytes(good);
                BitConverter.TryWriteBytes(huge.AsSpan(0, 8), (ulong)huge.Length);
                return huge;
            case "tiny":
                return new byte[] { 1, 2, 3 };
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static Tensor Convert(Tensor tensor, string dtype)
    {
        float[] values = Enumerable.Range(0, tensor.Data.Length / 4).Select(i => BitConverter.ToSingle(tensor.Data, i * 4)).ToArray();
        byte[] data = dtype switch
        {
            "F64" => values.SelectMany(v => BitConverter.GetBytes((double)v + 1e-12)).ToArray(),
            "F16" => values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray(),
            _ => values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16))).ToArray(),
        };
        return tensor with { DType = dtype, Data = data };
    }

    private static IEnumerable<float> Decode(Tensor tensor) => tensor.DType switch
    {
        "F64" => Enumerable.Range(0, tensor.Data.Length / 8).Select(i => (float)BitConverter.ToDouble(tensor.Data, i * 8)),
        "F16" => Enumerable.Range(0, tensor.Data.Length / 2).Select(i => (float)BitConverter.ToHalf(tensor.Data, i * 2)),
        _ => Enumerable.Range(0, tensor.Data.Length / 2).Select(i => BitConverter.UInt32BitsToSingle((uint)BitConverter.ToUInt16(tensor.Data, i * 2) << 16)),
    };

    /// <summary>Emits the compilation, loads it in a collectible context and reads a new instance's Parameters.</summary>
    private static float[] LoadParameters(Compilation compilation, string typeName)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, GeneratorHarness.Describe(emitted.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext("baked-weights", isCollectible: true);
        try
        {
            Assembly assembly = context.LoadFromStream(stream);
            var network = (INetwork)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!)!;
            return network.Parameters.ToArray();
        }
        finally
        {
            context.Unload();
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Diagnostics;
using StaticCnn.Generator.Tests.Docs;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;
using static StaticCnn.Generator.Tests.Weights.SafeTensorsWriter;

namespace StaticCnn.Generator.Tests.Weights;

/// <summary>
/// docs/diagnostics/SCNN0040..SCNN0046: the baked-weights pages, generated like the others from the real analyzer
/// (see <see cref="DiagnosticDocsTests"/>). The wrong case pairs the declaration with a broken file, described in a
/// comment; the fixed case is the same declaration with a file that matches it.
/// </summary>
public sealed class WeightsDocsTests
{
    private const string Declaration = """
        [Network(1, 8, 8, Weights = "digits.safetensors")]
        [Conv2D(4, 3)]
        [ReLU]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(10)]
        public partial class Digits;
        """;

    public static TheoryData<string> Ids => new(WeightsDiagnostics.All.Select(d => d.Id));

    private static Tensor[] Good() =>
    [
        F32("0.weight", [4, 1, 3, 3], i => i * 0.01f),
        F32("0.bias", [4], i => 0.1f),
        F32("4.weight", [10, 36], i => (i % 7) * 0.02f),
        F32("4.bias", [10], i => 0f),
    ];

    private static (string Comment, byte[]? Bytes) Broken(string id) => id switch
    {
        "SCNN0040" => ("// digits.safetensors is not listed as an AdditionalFiles item", null),
        "SCNN0041" => ("// digits.safetensors was cut short while copying (its last 16 bytes are missing)", Bytes(Good())[..^16]),
        "SCNN0042" => ("// digits.safetensors was saved from a model without the last layer's bias", Bytes(Good().Take(3))),
        "SCNN0043" => ("// digits.safetensors holds a model whose first convolution has 5x5 filters",
            Bytes(Good().Skip(1).Prepend(F32("0.weight", [4, 1, 5, 5], i => 0f)))),
        "SCNN0044" => ("// digits.safetensors was quantized: \"0.weight\" is I8", Bytes(Good().Select(t => t.Name == "0.weight" ? t with { DType = "I8", Data = new byte[36] } : t))),
        "SCNN0045" => ("// digits.safetensors comes from a model with a second Linear layer",
            Bytes(Good().Concat([F32("5.weight", [10, 10], i => 0f), F32("5.bias", [10], i => 0f)]))),
        "SCNN0046" => ("// training diverged before digits.safetensors was saved: \"4.weight\" holds NaN",
            Bytes(Good().Select(t => t.Name == "4.weight" ? F32("4.weight", [10, 36], i => float.NaN) : t))),
        _ => throw new System.ArgumentOutOfRangeException(nameof(id)),
    };

    private static string File(string comment, string body) =>
        "using StaticCnn;\n\nnamespace Samples;\n\n" + (comment.Length > 0 ? comment + "\n" : "") + body.Trim() + "\n";

    [Theory]
    [MemberData(nameof(Ids))]
    public void PageShowsTheRealMessage(string id)
    {
        DiagnosticDescriptor descriptor = WeightsDiagnostics.All.Single(d => d.Id == id);
        (string comment, byte[]? bytes) = Broken(id);
        var docCase = new DiagnosticDocCase(id,
            File(comment, Declaration),
            File("// digits.safetensors: the model's state_dict, saved with safetensors (\"0.weight\" [4, 1, 3, 3], \"0.bias\" [4], \"4.weight\" [10, 36], \"4.bias\" [10])", Declaration));

        GeneratorRun wrong = bytes is null
            ? WeightsHarness.Run(docCase.Wrong)
            : WeightsHarness.Run(docCase.Wrong, WeightsHarness.Write("digits.safetensors", bytes));
        Diagnostic reported = Assert.Single(wrong.AnalyzerDiagnostics);
        Assert.Equal(id, reported.Id);
        DiagnosticAssert.AssertNoCascade(wrong);

        GeneratorRun fixedRun = WeightsHarness.Run(docCase.Fixed, WeightsHarness.Write("digits.safetensors", Bytes(Good())));
        DiagnosticAssert.Clean(fixedRun);

        DiagnosticDocsTests.VerifyPage($"{id}.md", DiagnosticDocsTests.Page(descriptor, docCase, reported, new List<string>()));
    }
}

using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Diagnostics;

/// <summary>
/// SCNN0014-SCNN0021: rounding errors, member clashes, and the configurable warnings and infos about valid
/// networks, which #pragma and .editorconfig can silence.
/// </summary>
public sealed class DesignDiagnosticTests
{
    private static string Source(string input, params string[] layers) => $$"""
        using StaticCnn;

        namespace Samples;

        [Network({{input}})]
        {{string.Join("\n", layers.Select(l => $"[{l}]"))}}
        public partial class Net;
        """;

    private static Diagnostic Single(GeneratorRun run, string id, DiagnosticSeverity severity, string location)
    {
        Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(location, GeneratorHarness.SourceText(diagnostic));
        DiagnosticAssert.AssertNoCascade(run);
        return diagnostic;
    }

    [Fact]
    public void Scnn0014UnknownRoundingOnALayer()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("1, 8, 8", "MaxPool2D(2, Rounding = (ShapeRounding)7)"));

        Diagnostic d = Single(run, "SCNN0014", DiagnosticSeverity.Error, "Rounding = (ShapeRounding)7");
        Assert.Equal("MaxPool2D #1 (input 1x8x8): Rounding = 7 is not a ShapeRounding value; use ShapeRounding.Exact, Floor or Ceil.", d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Scnn0014UnknownRoundingOnTheNetworkIsReportedOnce()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("1, 8, 8, Rounding = (ShapeRounding)(-1)", "MaxPool2D(2)", "AvgPool2D(2)"));

        Single(run, "SCNN0014", DiagnosticSeverity.Error, "Rounding = (ShapeRounding)(-1)");
    }

    [Fact]
    public void Scnn0015CeilOnAConvolution()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("1, 8, 8", "Conv2D(2, 3, stride: 2, Rounding = ShapeRounding.Ceil)"));

        Single(run, "SCNN0015", DiagnosticSeverity.Error, "Rounding = ShapeRounding.Ceil");
    }

    [Fact]
    public void NetworkWideCeilRoundsConvolutionsDown()
    {
        // Conv2D: floor((9 - 4) / 3) + 1 = 2 (ceil would be 3); MaxPool2D: ceil((2 - 2) / 2) + 1 = 1.
        GeneratorRun run = GeneratorHarness.Run(Source("1, 9, 9, Rounding = ShapeRounding.Ceil", "Conv2D(2, 4, stride: 3)", "MaxPool2D(2)"));

        DiagnosticAssert.Clean(run);
        Assert.Contains("public const int OutputLength = 2;", run.SingleGeneratedText);
    }

    [Fact]
    public void LayerRoundingOverridesTheNetworks()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("1, 7, 7, Rounding = ShapeRounding.Floor", "MaxPool2D(2, Rounding = ShapeRounding.Exact)"));

        Assert.Equal("SCNN0006", Assert.Single(run.AnalyzerDiagnostics).Id);
    }

    [Theory]
    [InlineData("Forward", "public void Forward(System.ReadOnlySpan<float> input, System.Span<float> output) { }")]
    [InlineData("Parameters", "public float[] Parameters = new float[1];")]
    [InlineData("Summary", "public static string Summary => \"mine\";")]
    [InlineData("a parameterless constructor", "public Net() { }")]
    [InlineData("Layers", "public class Layers { }")]
    [InlineData("ForwardBatch", "public void ForwardBatch(System.ReadOnlySpan<float> inputs, System.Span<float> outputs, int count) { }")]
    [InlineData("BatchCapacity", "public int BatchCapacity { get; set; }")]
    [InlineData("Forward", "public void Forward(System.ReadOnlySpan<float> inputs, System.Span<float> outputs, int count) { }")]
    public void Scnn0016UserMemberClashesWithAGeneratedOne(string member, string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using StaticCnn;

            namespace Samples;

            [Network(1, 4, 4)]
            [Dense(2)]
            public partial class Net
            {
                {{declaration}}
            }
            """);

        Diagnostic d = Single(run, "SCNN0016", DiagnosticSeverity.Error, "Network(1, 4, 4)");
        Assert.Contains(member.StartsWith("a ") ? member : $"'{member}'", d.GetMessage(CultureInfo.InvariantCulture));
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Scnn0016ListsEveryMemberTheEmitterDeclares()
    {
        // The reserved list is read from emitted code: every public member of a generated class is in it.
        GeneratorRun run = GeneratorHarness.Run(Declarations.LeNet5);
        var type = CSharpSyntaxTree.ParseText(run.SingleGeneratedText).GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().First();
        string[] declared = type.Members.Select(m => m switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method => method.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property => property.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.FieldDeclarationSyntax field => field.Declaration.Variables[0].Identifier.ValueText,
            _ => "",
        }).Where(n => n.Length > 0).ToArray();

        Assert.Contains("ForwardBatch", declared);
        Assert.All(declared, name => Assert.Contains(name, StaticCnn.Generator.Emit.GeneratedMemberNames.All));
    }

    [Fact]
    public void Scnn0016PrimaryConstructor()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("1, 4, 4", "Dense(2)").Replace("public partial class Net;", "public partial class Net(int size) { public int Size => size; }"));

        Assert.Contains("a primary constructor", Single(run, "SCNN0016", DiagnosticSeverity.Error, "Network(1, 4, 4)").GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void OverloadsOfGeneratedMethodsAreAllowed()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            namespace Samples;

            [Network(1, 4, 4)]
            [Dense(2)]
            public partial class Net
            {
                public float[] Forward(float[] input)
                {
                    var output = new float[OutputLength];
                    Forward(input, output);
                    return output;
                }
            }
            """);

        DiagnosticAssert.Clean(run);
    }

    [Fact]
    public void Scnn0017PaddingAtLeastTheKernel()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("1, 8, 8", "Conv2D(2, 3, padding: 5)"));

        Diagnostic d = Single(run, "SCNN0017", DiagnosticSeverity.Warning, "padding: 5");
        Assert.StartsWith("Conv2D #1 (input 1x8x8): padding 5 is at least the 3x3 filter, so the outer 3 rows and columns on each side of the 2x16x16 output see only padding", d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Scnn0018TwoActivationsInARow()
    {
        GeneratorRun run = GeneratorHarness.Run(Source("1, 4, 4", "Dense(4)", "Tanh", "LeakyReLU(0.1f)", "Dense(2)"));

        Single(run, "SCNN0018", DiagnosticSeverity.Warning, "LeakyReLU(0.1f)");
    }

    [Fact]
    public void Scnn0019StrideLargerThanTheWindowButNotForAPointwiseConvolution()
    {
        GeneratorRun pool = GeneratorHarness.Run(Source("1, 8, 8", "AvgPool2D(2, stride: 3, Rounding = ShapeRounding.Floor)"));
        GeneratorRun pointwise = GeneratorHarness.Run(Source("4, 9, 9", "Conv2D(8, 1, stride: 2)"));

        Single(pool, "SCNN0019", DiagnosticSeverity.Warning, "stride: 3");
        DiagnosticAssert.Clean(pointwise);
    }

    [Fact]
    public void Scnn0020DenseDominatesOnlyAboveBothThresholds()
    {
        GeneratorRun big = GeneratorHarness.Run(Source("1, 100, 100", "Dense(101)"));
        GeneratorRun small = GeneratorHarness.Run(Source("1, 100, 100", "Dense(99)"));

        Single(big, "SCNN0020", DiagnosticSeverity.Info, "Dense(101)");
        DiagnosticAssert.Clean(small);
    }

    [Fact]
    public void Scnn0021LargePoolingWindowRunsAsLoops()
    {
        GeneratorRun large = GeneratorHarness.Run(Source("1, 9, 9", "MaxPool2D(9)"));
        GeneratorRun small = GeneratorHarness.Run(Source("1, 8, 8", "MaxPool2D(8)"));

        Single(large, "SCNN0021", DiagnosticSeverity.Info, "9");
        Assert.Contains("for (int ky = 0; ky < 9; ky++)", large.SingleGeneratedText);
        DiagnosticAssert.Clean(small);
        Assert.DoesNotContain("for (int ky", small.SingleGeneratedText);
    }

    [Fact]
    public void PragmaSilencesAWarning()
    {
        string source = Source("1, 4, 4", "Dense(4)", "ReLU", "Sigmoid", "Dense(2)")
            .Replace("[Network(", "#pragma warning disable SCNN0018\n[Network(")
            .Replace("public partial class Net;", "public partial class Net;\n#pragma warning restore SCNN0018");

        DiagnosticAssert.Clean(GeneratorHarness.Run(source));
    }

    [Fact]
    public void PragmaCannotSilenceAnError()
    {
        string source = "#pragma warning disable SCNN0006\n" + Source("1, 7, 7", "MaxPool2D(2)");

        Assert.Equal("SCNN0006", Assert.Single(GeneratorHarness.Run(source).AnalyzerDiagnostics).Id);
    }

    [Fact]
    public void EditorConfigSilencesAWarningAndRaisesAnInfo()
    {
        const string editorConfig = """
            root = true

            [*.cs]
            dotnet_diagnostic.SCNN0018.severity = none
            dotnet_diagnostic.SCNN0020.severity = error
            """;
        string source = Source("1, 100, 100", "Dense(101)", "ReLU", "Sigmoid", "Dense(2)");

        ImmutableArray<Diagnostic> plain = GeneratorHarness.Run(source).AnalyzerDiagnostics;
        ImmutableArray<Diagnostic> configured = GeneratorHarness.Run(WithEditorConfig(source, editorConfig)).AnalyzerDiagnostics;

        Assert.Equal(new[] { "SCNN0018", "SCNN0020" }, plain.Select(d => d.Id).OrderBy(i => i));
        Diagnostic raised = Assert.Single(configured);
        Assert.Equal(("SCNN0020", DiagnosticSeverity.Error), (raised.Id, raised.Severity));
    }

    /// <summary>A compilation of one file under /repo whose severities come from /repo/.editorconfig, as a build applies them.</summary>
    private static CSharpCompilation WithEditorConfig(string source, string editorConfig)
    {
        AnalyzerConfigSet set = AnalyzerConfigSet.Create(new[] { AnalyzerConfig.Parse(editorConfig, "/repo/.editorconfig") });
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "/repo/Net.cs");
        return CSharpCompilation.Create("Tests", new[] { tree },
            Net100.References.All.Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location)),
            GeneratorHarness.CompilationOptions.WithSyntaxTreeOptionsProvider(new EditorConfigOptions(set)));
    }

    private sealed class EditorConfigOptions : SyntaxTreeOptionsProvider
    {
        private readonly AnalyzerConfigSet _set;

        public EditorConfigOptions(AnalyzerConfigSet set) => _set = set;

        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            _set.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }
}

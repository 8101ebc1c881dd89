using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticCnn.Generator.Diagnostics;

namespace StaticCnn.Generator.Benchmarks;

/// <summary>
/// What the generator and the analyzer cost a build or an editor keystroke: one full generator run (parse the
/// attributes, infer shapes, plan, emit) from a fresh driver, one analyzer run over the declaration, and both.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private CSharpCompilation _compilation = null!;

    [Params("LeNet5", "Net20")]
    public string Network { get; set; } = "LeNet5";

    [GlobalSetup]
    public void Setup()
    {
        _compilation = Compile(Network == "LeNet5" ? Networks.LeNet5 : Networks.Net20);

        // Bind the declaration once, as the editor has by the time the generator runs.
        _ = _compilation.GetDiagnostics();
    }

    [Benchmark]
    public int Generator() => RunGenerator(_compilation).Length;

    [Benchmark]
    public int Analyzer() => RunAnalyzer(_compilation).Length;

    [Benchmark]
    public int GeneratorAndAnalyzer() => RunGenerator(_compilation).Length + RunAnalyzer(_compilation).Length;

    public static CSharpCompilation Compile(string source) =>
        CSharpCompilation.Create("Benchmark",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions) },
            Net100.References.All.Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    /// <summary>The generated text of one fresh generator run.</summary>
    public static string RunGenerator(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGenerators(compilation);
        return driver.GetRunResult().Results[0].GeneratedSources[0].SourceText.ToString();
    }

    public static ImmutableArray<Diagnostic> RunAnalyzer(CSharpCompilation compilation) =>
        compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
}

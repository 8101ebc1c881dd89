using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using StaticCnn.Generator.Diagnostics;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Weights;

/// <summary>An AdditionalFiles item on disk; like the compiler's, its bytes are not offered as text.</summary>
internal sealed class FileOnDisk(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
}

/// <summary>Runs the generator and the analyzer with AdditionalFiles, as a build with &lt;AdditionalFiles&gt; items would.</summary>
internal static class WeightsHarness
{
    public static GeneratorRun Run(string source, params AdditionalText[] files)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(source);
        GeneratorDriver driver = CreateDriver(files).RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorHarness.AssertNoExceptions(driver.GetRunResult());
        Assert.Empty(generatorDiagnostics);
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(files.ToImmutableArray()),
            onAnalyzerException: (exception, analyzer, _) => throw new System.InvalidOperationException($"{analyzer} threw.", exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> analyzer = output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new GeneratorRun(compilation, output, driver, driver.GetRunResult(), analyzer, output.GetDiagnostics());
    }

    public static GeneratorDriver CreateDriver(params AdditionalText[] files) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            files,
            GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Writes <paramref name="bytes"/> to a fresh temporary directory as <paramref name="name"/>.</summary>
    public static FileOnDisk Write(string name, byte[] bytes)
    {
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "staticcnn-weights-" + System.Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return new FileOnDisk(path);
    }
}

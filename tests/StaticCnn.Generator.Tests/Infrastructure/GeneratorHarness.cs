using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticCnn.Generator.Diagnostics;
using Xunit;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>
/// Compiles C# text in memory against .NET 10's reference assemblies and the StaticCnn runtime, runs the
/// generator through <see cref="CSharpGeneratorDriver"/> and the analyzer through
/// <see cref="CompilationWithAnalyzers"/>, as a build would.
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true);

    private static readonly ImmutableArray<MetadataReference> References = ImmutableArray.CreateRange<MetadataReference>(
        Net100.References.All.Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location)));

    /// <summary>A compilation of <paramref name="sources"/> (files "Source0.cs", "Source1.cs", ...) before generation.</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Tests",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: $"Source{i}.cs")),
            References,
            CompilationOptions);

    /// <summary>A driver for the generator that records every pipeline step.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Generates, checks the generator did not throw, then compiles and analyzes the result.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(Compile(sources));

    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        AssertNoExceptions(result);
        Assert.Empty(generatorDiagnostics);

        ImmutableArray<Diagnostic> analyzer = Analyze(output);
        ImmutableArray<Diagnostic> compiler = output.GetDiagnostics();
        return new GeneratorRun(compilation, output, driver, result, analyzer, compiler);
    }

    /// <summary>The analyzer's diagnostics, as a build over <paramref name="compilation"/> would report them.</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation)
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer());
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => throw new InvalidOperationException($"{analyzer} threw.", exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        return compilation.WithAnalyzers(analyzers, options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None)
            .GetAwaiter()
            .GetResult();
    }

    public static void AssertNoExceptions(GeneratorDriverRunResult result)
    {
        foreach (GeneratorRunResult run in result.Results)
        {
            Assert.True(run.Exception is null, $"The generator threw: {run.Exception}");
        }
    }

    /// <summary>"Line 3: error SCNN0006 at `stride: 3`: message", one per line, for assertion messages.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d =>
            $"{d.Location.GetLineSpan().Path}({d.Location.GetLineSpan().StartLinePosition.Line + 1}): {d.Severity} {d.Id} at `{SourceText(d)}`: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));

    /// <summary>The source text a diagnostic's location covers.</summary>
    public static string SourceText(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree?.GetText().ToString(diagnostic.Location.SourceSpan) ?? "";
}

using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>What one <see cref="GeneratorHarness.Run(string[])"/> produced.</summary>
internal sealed class GeneratorRun
{
    public GeneratorRun(
        CSharpCompilation input,
        Compilation output,
        GeneratorDriver driver,
        GeneratorDriverRunResult result,
        ImmutableArray<Diagnostic> analyzerDiagnostics,
        ImmutableArray<Diagnostic> compilerDiagnostics)
    {
        Input = input;
        Output = output;
        Driver = driver;
        Result = result;
        AnalyzerDiagnostics = analyzerDiagnostics;
        CompilerDiagnostics = compilerDiagnostics;
    }

    /// <summary>The user's code alone.</summary>
    public CSharpCompilation Input { get; }

    /// <summary>The user's code plus the generated files.</summary>
    public Compilation Output { get; }

    /// <summary>The driver after the run, to run again incrementally.</summary>
    public GeneratorDriver Driver { get; }

    public GeneratorDriverRunResult Result { get; }

    /// <summary>SCNN diagnostics from <see cref="Diagnostics.NetworkAnalyzer"/> over <see cref="Output"/>.</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics { get; }

    /// <summary>The compiler's diagnostics over <see cref="Output"/> (generated code included).</summary>
    public ImmutableArray<Diagnostic> CompilerDiagnostics { get; }

    /// <summary>Everything a build would report: compiler and analyzer.</summary>
    public ImmutableArray<Diagnostic> AllDiagnostics => CompilerDiagnostics.AddRange(AnalyzerDiagnostics);

    /// <summary>Generated files, in the order the generator added them.</summary>
    public ImmutableArray<GeneratedSourceResult> GeneratedSources =>
        Result.Results.SelectMany(r => r.GeneratedSources).ToImmutableArray();

    /// <summary>The text of the only generated file.</summary>
    public string SingleGeneratedText => GeneratedSources.Single().SourceText.ToString();
}

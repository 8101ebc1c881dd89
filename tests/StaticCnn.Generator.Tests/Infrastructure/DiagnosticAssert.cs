using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>Assertions over what a build of a wrong declaration reports.</summary>
internal static class DiagnosticAssert
{
    /// <summary>
    /// The analyzer reports exactly one diagnostic, <paramref name="id"/>, as an Error located on
    /// <paramref name="location"/>; the rest of the build (generated code included) reports nothing else.
    /// Returns the message.
    /// </summary>
    public static string SingleError(GeneratorRun run, string id, string location)
    {
        Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(location, GeneratorHarness.SourceText(diagnostic));
        Assert.False(diagnostic.Location.SourceTree!.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal));
        AssertNoCascade(run);
        return diagnostic.GetMessage(CultureInfo.InvariantCulture);
    }

    /// <summary>The compiler (over the user's code and the generated files) reports no errors or warnings.</summary>
    public static void AssertNoCascade(GeneratorRun run)
    {
        Diagnostic[] others = run.CompilerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(others.Length == 0, "Errors besides the SCNN ones:\n" + GeneratorHarness.Describe(others));
    }

    /// <summary>Nothing at all: no compiler or analyzer diagnostic of any severity.</summary>
    public static void Clean(GeneratorRun run)
    {
        Assert.True(run.AllDiagnostics.IsEmpty, "Unexpected diagnostics:\n" + GeneratorHarness.Describe(run.AllDiagnostics));
    }
}

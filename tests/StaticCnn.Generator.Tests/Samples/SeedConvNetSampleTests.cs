using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Samples;

/// <summary>
/// samples/SeedConvNet keeps, commented out, a declaration whose stride does not fit together with the error the
/// compiler gives for it. These tests uncomment it and check that the quoted error is still the real one.
/// </summary>
public sealed class SeedConvNetSampleTests
{
    private static readonly string NetworksFile = Path.Combine(RepositoryPaths.Root, "samples", "SeedConvNet", "Networks.cs");

    [Fact]
    public void TheSampleCompilesWithoutDiagnostics()
    {
        GeneratorRun run = GeneratorHarness.Run(File.ReadAllText(NetworksFile));
        Assert.Empty(run.AnalyzerDiagnostics);
        Assert.Empty(run.CompilerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void TheCommentedOutDeclarationGetsExactlyTheQuotedError()
    {
        string[] lines = File.ReadAllLines(NetworksFile);
        int start = Array.FindIndex(lines, l => l.StartsWith("// [Network(", StringComparison.Ordinal));
        Assert.True(start >= 0, "The sample no longer keeps a commented-out declaration.");
        string declaration = string.Join("\n", lines.Skip(start).TakeWhile(l => l.StartsWith("// ", StringComparison.Ordinal))
            .Select(l => l.Substring(3)));
        string quoted = lines.Skip(start).First(l => l.StartsWith("// error SCNN", StringComparison.Ordinal)).Substring(3);
        Match match = Regex.Match(quoted, @"^error (SCNN\d{4}): (.*)$");
        Assert.True(match.Success, $"Unexpected quoted error line: {quoted}");

        GeneratorRun run = GeneratorHarness.Run("using StaticCnn;\n" + declaration);
        Diagnostic actual = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal(match.Groups[1].Value, actual.Id);
        Assert.Equal(match.Groups[2].Value, actual.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.CompilerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}

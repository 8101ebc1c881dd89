using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// Hint names must be unique, ignoring case, within the generator: one duplicate makes AddSource throw and
/// drops the generated code of every network in the compilation.
/// </summary>
public sealed class HintNameTests
{
    [Fact]
    public void NamesThatDifferOnlyInCaseGetTwoFiles()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            namespace Samples;

            [Network(1, 4, 4)]
            [Dense(2)]
            public partial class Net;

            [Network(1, 4, 4)]
            [Dense(3)]
            public partial class NET;
            """);

        Assert.Equal(new[] { "Samples.Net.g.cs", "Samples.NET_2.g.cs" }, run.GeneratedSources.Select(s => s.HintName));
        DiagnosticAssert.Clean(run);
    }

    [Fact]
    public void GenericArityDoesNotCollideWithAnUnderscoreName()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            namespace Samples;

            public partial class Outer_1
            {
                [Network(1, 4, 4)]
                [Dense(2)]
                public partial class Net;
            }

            public partial class Outer<T>
            {
                [Network(1, 4, 4)]
                [Dense(2)]
                public partial class Net;
            }
            """);

        Assert.Equal(new[] { "Samples.Outer_1.Net.g.cs", "Samples.Outer_1.Net_2.g.cs" }, run.GeneratedSources.Select(s => s.HintName));
        DiagnosticAssert.Clean(run);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NetworkOnTwoPartialDeclarationsGeneratesOnce(bool twoFiles)
    {
        // [Network] twice is the compiler's CS0579; the generator must neither throw nor add the members twice.
        const string first = """
            using StaticCnn;

            namespace Samples;

            [Network(1, 4, 4)]
            [Dense(2)]
            public partial class Net;
            """;
        const string second = """

            [StaticCnn.Network(1, 4, 4)]
            [StaticCnn.Dense(3)]
            public partial class Net;
            """;
        GeneratorRun run = twoFiles
            ? GeneratorHarness.Run(first, "namespace Samples;\n" + second)
            : GeneratorHarness.Run(first + second);

        Assert.Equal("Samples.Net.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Diagnostic error = Assert.Single(run.CompilerDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Equal("CS0579", error.Id);
        Diagnostic misplaced = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal("SCNN0002", misplaced.Id);
        Assert.Equal("StaticCnn.Dense(3)", GeneratorHarness.SourceText(misplaced));
    }
}

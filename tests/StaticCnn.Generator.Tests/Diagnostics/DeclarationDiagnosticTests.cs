using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Diagnostics;

/// <summary>SCNN errors about the declaration itself: partial, placement, missing [Network] or layers, static.</summary>
public sealed class DeclarationDiagnosticTests
{
    [Fact]
    public void Scnn0001NetworkClassNotPartial()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            [Network(1, 4, 4)]
            [ReLU]
            public class Net;
            """);

        string message = DiagnosticAssert.SingleError(run, "SCNN0001", "Network(1, 4, 4)");
        Assert.Equal("Network 'Net' must be declared partial: the generator adds its Forward, Backward and parameters in another part of the class.", message);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Scnn0002LayerOnAnotherPartialDeclaration()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            [Network(1, 4, 4)]
            [ReLU]
            public partial class Net;

            [Dense(2)]
            public partial class Net;
            """);

        string message = DiagnosticAssert.SingleError(run, "SCNN0002", "Dense(2)");
        Assert.StartsWith("Dense #2 of network 'Net' is on a different partial declaration than [Network]", message);
    }

    [Fact]
    public void Scnn0002LayerInAnotherFile()
    {
        GeneratorRun run = GeneratorHarness.Run(
            """
            using StaticCnn;

            [Network(1, 4, 4)]
            [ReLU]
            public partial class Net;
            """,
            """
            using StaticCnn;

            [Sigmoid]
            public partial class Net;
            """);

        string message = DiagnosticAssert.SingleError(run, "SCNN0002", "Sigmoid");
        Assert.StartsWith("Sigmoid #2 of network 'Net'", message);
    }

    [Fact]
    public void Scnn0003LayerWithoutNetwork()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            [ReLU]
            public partial class Net;
            """);

        string message = DiagnosticAssert.SingleError(run, "SCNN0003", "ReLU");
        Assert.Equal("[ReLU] is a StaticCnn layer, but 'Net' has no [Network(channels, height, width)] attribute declaring the input shape.", message);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Scnn0004NoLayers()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            [Network(channels: 1, height: 4, width: 4)]
            public partial class Net;
            """);

        string message = DiagnosticAssert.SingleError(run, "SCNN0004", "Network(channels: 1, height: 4, width: 4)");
        Assert.StartsWith("Network 'Net' declares no layers", message);
    }

    [Fact]
    public void Scnn0012ContainingTypeNotPartial()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            public class Outer
            {
                [Network(1, 4, 4)]
                [ReLU]
                public partial class Net;
            }
            """);

        string message = DiagnosticAssert.SingleError(run, "SCNN0012", "Network(1, 4, 4)");
        Assert.Equal("Network 'Outer.Net' is nested in 'Outer', which must be declared partial too, so that the generated part can be nested the same way.", message);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void Scnn0013StaticClass()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            [Network(1, 4, 4)]
            [ReLU]
            public static partial class Net;
            """);

        string message = DiagnosticAssert.SingleError(run, "SCNN0013", "Network(1, 4, 4)");
        Assert.StartsWith("Network 'Net' must not be static", message);
        Assert.Empty(run.GeneratedSources);
    }
}

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// A declaration with SCNN errors still gets the contract's members, with bodies that throw, so code using the
/// network compiles and the user sees the SCNN errors and nothing else.
/// </summary>
public sealed class InvalidDeclarationTests
{
    private const string StrideThatDoesNotFit = """
        using System;
        using StaticCnn;

        namespace Samples;

        [Network(1, 7, 7)]
        [Conv2D(1, 3, stride: 3)]
        [ReLU]
        [Dense(10)]
        public partial class Net;

        public static class Program
        {
            public static float[] Run()
            {
                var net = new Net();
                float[] output = new float[Net.OutputLength];
                net.Forward(new float[Net.InputLength], output);
                net.Backward(output, Span<float>.Empty);
                net.ZeroGradients();
                net.InitializeParameters(42);
                INetwork network = net;
                _ = network.Layers.Count + network.Parameters.Length + Net.ParameterCount;
                _ = Net.Summary + Net.InputShape;
                return output;
            }
        }
        """;

    [Fact]
    public void CodeUsingTheNetworkCompilesWithOnlyTheScnnError()
    {
        GeneratorRun run = GeneratorHarness.Run(StrideThatDoesNotFit);

        DiagnosticAssert.SingleError(run, "SCNN0006", "stride: 3");
        Assert.Single(run.GeneratedSources);
    }

    [Fact]
    public void GeneratedMembersThrowNamingTheNetwork()
    {
        GeneratorRun run = GeneratorHarness.Run(StrideThatDoesNotFit);
        var context = new AssemblyLoadContext(nameof(GeneratedMembersThrowNamingTheNetwork), isCollectible: true);
        try
        {
            Assembly assembly = Load(run.Output, context);
            MethodInfo entry = assembly.GetType("Samples.Program")!.GetMethod("Run")!;

            var thrown = Assert.Throws<TargetInvocationException>(() => entry.Invoke(null, null));
            var error = Assert.IsType<InvalidOperationException>(thrown.InnerException);
            Assert.StartsWith("Net: the network declaration has errors", error.Message);
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("[Conv2D(0, 3)]", "SCNN0005")]
    [InlineData("[Conv2D(1, 9)]", "SCNN0007")]
    [InlineData("[MaxPool2D(2, padding: 2)]", "SCNN0008")]
    [InlineData("[Flatten][MaxPool2D(2)]", "SCNN0009")]
    [InlineData("[Conv2D(100000, 1)][Dense(100000)]", "SCNN0010")]
    [InlineData("[LeakyReLU(float.PositiveInfinity)]", "SCNN0011")]
    public void EveryShapeErrorStillGetsAClassThatCompiles(string layers, string id)
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using StaticCnn;

            [Network(1, 7, 7)]
            {{layers}}
            public partial class Net;

            public static class Use
            {
                public static INetwork Make() => new Net();
            }
            """);

        Diagnostic diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        DiagnosticAssert.AssertNoCascade(run);
    }

    [Fact]
    public void UnreadableArgumentGivesOnlyTheCompilerError()
    {
        // A non-constant argument is a C# error; the generator must not add errors of its own to it.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;

            [Network(1, 7, 7)]
            [Conv2D(Sizes.Filters, 3)]
            public partial class Net;

            public static class Sizes
            {
                public static int Filters = 4;
            }
            """);

        Assert.Empty(run.AnalyzerDiagnostics);
        Diagnostic error = Assert.Single(run.CompilerDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS0182", error.Id);
        Assert.Equal("Sizes.Filters", GeneratorHarness.SourceText(error));
    }

    private static Assembly Load(Compilation compilation, AssemblyLoadContext context)
    {
        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image);
        Assert.True(result.Success, GeneratorHarness.Describe(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        image.Position = 0;
        return context.LoadFromStream(image);
    }
}

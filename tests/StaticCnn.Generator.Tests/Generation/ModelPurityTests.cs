using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Parsing;
using StaticCnn.Generator.Shapes;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// The values the incremental pipeline caches (the spec, the shapes, the generated source) hold no compiler
/// objects: they would keep old compilations alive and break the cache's value equality.
/// </summary>
public sealed class ModelPurityTests
{
    private const string Invalid = """
        using StaticCnn;

        namespace Samples;

        public partial class Outer<T>
        {
            [Network(1, 7, 7)]
            [Conv2D(1, 3, stride: 3)]
            [LeakyReLU(0.2f)]
            public partial class Net;

            [Dense(3)]
            public partial class Net;
        }
        """;

    public static TheoryData<string> Sources => new(Declarations.Valid.Select(d => d.Source).Append(Invalid));

    [Theory]
    [MemberData(nameof(Sources))]
    public void PipelineValuesHoldNoCompilerObjects(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorRunResult result = Assert.Single(run.Result.Results);

        var walked = new List<string>();
        foreach (string step in new[] { NetworkGenerator.Steps.Spec, NetworkGenerator.Steps.Shapes, NetworkGenerator.Steps.Source })
        {
            IncrementalGeneratorRunStep[] steps = result.TrackedSteps[step].ToArray();
            Assert.NotEmpty(steps);
            foreach ((object value, _) in steps.SelectMany(s => s.Outputs))
            {
                Assert.Empty(CompilerObjectWalker.FindCompilerObjects(value, step));
                walked.Add(value.GetType().Name);
            }
        }

        Assert.Contains(nameof(NetworkSpec), walked);
        Assert.Contains("GeneratedSource", walked);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void ParsedSpecAndShapesHoldNoCompilerObjects(string source)
    {
        NetworkSpec spec = Parse(source).Spec;
        NetworkShapes shapes = ShapeInference.Infer(spec);

        Assert.Empty(CompilerObjectWalker.FindCompilerObjects(spec, "spec"));
        Assert.Empty(CompilerObjectWalker.FindCompilerObjects(shapes, "shapes"));
        Assert.Empty(CompilerObjectWalker.FindCompilerObjects(NetworkCheck.Run(spec), "check"));
    }

    [Fact]
    public void TheWalkerFindsCompilerObjects()
    {
        NetworkParser.Result parsed = Parse(Declarations.LeNet5);

        // The parser's result carries the attributes for the analyzer on purpose; the walker must see them.
        IReadOnlyList<string> found = CompilerObjectWalker.FindCompilerObjects(parsed, "parsed");
        Assert.Contains(found, path => path.Contains("NetworkAttribute"));
        Assert.Contains(found, path => path.Contains("LayerAttributes"));
        Assert.NotEmpty(CompilerObjectWalker.FindCompilerObjects((parsed.Spec, new[] { Location.None }), "pair"));
    }

    private static NetworkParser.Result Parse(string source)
    {
        Compilation compilation = GeneratorHarness.Compile(source);
        INamedTypeSymbol type = compilation.GetSymbolsWithName("Net", SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .Concat(compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>())
            .First(t => t.GetAttributes().Any(a => AttributeNames.IsNetwork(a.AttributeClass)));
        AttributeData network = type.GetAttributes().First(a => AttributeNames.IsNetwork(a.AttributeClass));
        return NetworkParser.Parse(type, network, CancellationToken.None);
    }
}

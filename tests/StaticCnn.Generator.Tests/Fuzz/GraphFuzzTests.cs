using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Infrastructure;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Generator.Tests.Fuzz;

/// <summary>One layer of a random graph declaration: its attribute, and the same layer for the naive reference.</summary>
internal sealed record GraphFuzzLayer(string Attribute, Func<int, RefLayer> Reference);

/// <summary>
/// A random [Residual] or [Concat] (or a plain layer when <see cref="Blocks"/> is empty): its blocks' layers, nested
/// items inside them, the use's Filters (Block.Filters in the blocks' convolutions), a projection shortcut or the
/// input included in a concatenation.
/// </summary>
internal sealed record GraphFuzzItem(GraphFuzzLayer? Layer, string Kind, GraphFuzzItem[][] Blocks, int Filters, bool Extra);

/// <summary>A random network with blocks, as source text (the network and its block classes) and as reference layers.</summary>
internal sealed record GraphFuzzDeclaration(int C, int H, int W, GraphFuzzItem[] Items)
{
    private static readonly Gen<int> Small = Gen.Int[1, 4];

    private static readonly Gen<GraphFuzzLayer> Leaf = Gen.Frequency(
        (6, Gen.Select(Gen.Frequency((3, Small), (2, Gen.Const(0))), Gen.OneOf(1, 3), Gen.Frequency((4, Gen.Const(1)), (1, Gen.Const(2))), Gen.Bool, (f, k, s, bias) =>
            new GraphFuzzLayer(
                $"Conv2D({(f == 0 ? "Block.Filters" : Int(f))}, {Int(k)}{(s == 1 ? "" : $", stride: {Int(s)}")}, PaddingMode = PaddingMode.Same{(bias ? "" : ", Bias = false")})",
                filters => new RefConv2D(f == 0 ? filters : f, k, s) { Same = true, Bias = bias }))),
        (2, Gen.Const(new GraphFuzzLayer("DepthwiseConv2D(3, PaddingMode = PaddingMode.Same)", _ => new RefDepthwise()))),
        (3, Gen.Const(new GraphFuzzLayer("BatchNorm", _ => new RefBatchNorm()))),
        (4, Gen.OneOf("Tanh", "Sigmoid", "SiLU").Select(kind => new GraphFuzzLayer(kind, _ => kind switch
        {
            "Tanh" => new RefTanh(),
            "Sigmoid" => new RefSigmoid(),
            _ => (RefLayer)new RefSiLU(),
        }))),
        (1, Gen.Const(new GraphFuzzLayer("AvgPool2D(2, stride: 1, PaddingMode = PaddingMode.Same)", _ => new RefAvgPool2D(2, 1) { Same = true, CountIncludePadding = false }))));

    private static Gen<GraphFuzzItem> Item(int depth)
    {
        Gen<GraphFuzzItem> plain = Leaf.Select(l => new GraphFuzzItem(l, "", [], 0, false));
        if (depth >= 2)
        {
            return plain;
        }

        Gen<GraphFuzzItem[]> block = Gen.Frequency((6, plain), (1, Gen.Int[0, 1].SelectMany(_ => Item(depth + 1)))).Array[1, 3];
        Gen<GraphFuzzItem> residual = Gen.Select(block, block, Small, Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true))),
            (body, shortcut, filters, projected) => new GraphFuzzItem(null, "Residual", projected ? [body, shortcut] : [body], filters, projected));
        Gen<GraphFuzzItem> concat = Gen.Select(block.Array[1, 3], Small, Gen.Bool,
            (branches, filters, input) => new GraphFuzzItem(null, "Concat", branches, filters, input));
        return Gen.Frequency((4, plain), (3, residual), (2, concat));
    }

    public static readonly Gen<GraphFuzzDeclaration> Generator = Gen.Select(
        Gen.Int[1, 3], Gen.Int[3, 8], Gen.Int[3, 8], Item(0).Array[1, 4],
        (c, h, w, items) => new GraphFuzzDeclaration(c, h, w, items));

    public string Source(int index)
    {
        var blocks = new StringBuilder();
        var network = new StringBuilder();
        network.Append($"[Network({Int(C)}, {Int(H)}, {Int(W)})]\n");
        int count = 0;
        foreach (GraphFuzzItem item in Items)
        {
            network.Append(Attribute(item, index, blocks, ref count)).Append('\n');
        }

        network.Append("[Dense(3)]\n");
        return $"using StaticCnn;\nnamespace Graphs.N{Int(index)};\n{network}public partial class Net;\n{blocks}";
    }

    public RefLayer[] ReferenceLayers() => [.. Items.Select(i => Reference(i, 0)), new RefDense(3)];

    private static string Attribute(GraphFuzzItem item, int index, StringBuilder blocks, ref int count)
    {
        if (item.Layer is { } layer)
        {
            return $"[{layer.Attribute}]";
        }

        var names = new List<string>();
        foreach (GraphFuzzItem[] block in item.Blocks)
        {
            string name = $"B{Int(count++)}";
            var text = new StringBuilder("[Block]\n");
            foreach (GraphFuzzItem inner in block)
            {
                text.Append(Attribute(inner, index, blocks, ref count)).Append('\n');
            }

            blocks.Append(text).Append($"public partial class {name};\n");
            names.Add($"typeof({name})");
        }

        return item.Kind == "Residual"
            ? $"[Residual({names[0]}, Filters = {Int(item.Filters)}{(item.Extra ? $", Shortcut = {names[1]}" : "")})]"
            : $"[Concat({string.Join(", ", names)}, Filters = {Int(item.Filters)}{(item.Extra ? ", IncludeInput = true" : "")})]";
    }

    /// <summary>The reference layer of <paramref name="item"/>, with Block.Filters as the enclosing use's <paramref name="filters"/>.</summary>
    private static RefLayer Reference(GraphFuzzItem item, int filters)
    {
        if (item.Layer is { } layer)
        {
            return layer.Reference(filters);
        }

        RefLayer[][] blocks = [.. item.Blocks.Select(b => b.Select(i => Reference(i, item.Filters)).ToArray())];
        return item.Kind == "Residual"
            ? new RefResidual(blocks[0], item.Extra ? blocks[1] : null)
            : new RefConcat(blocks, item.Extra);
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The reference's depthwise 3x3 'same' convolution on whatever channels reach it (the channel count is known only there).</summary>
internal sealed record RefDepthwise : RefLayer;

/// <summary>
/// A property test over random graph declarations (residuals with and without a projection, concatenations with and
/// without the input, nested two deep, Block.Filters, strides that make shapes disagree), 40 to a compilation: the
/// generator and the analyzer never throw and the compiler reports nothing else; a declaration gets an SCNN error
/// exactly when the naive reference rejects it, and then the error is SCNN0030, SCNN0031 or SCNN0034 (Block.Filters on the network's own layer); the valid ones
/// run a training-mode batch of 3 (BatchNorm's batch statistics) against the reference, forward and backward.
/// </summary>
public sealed class GraphFuzzTests
{
    private const int PerCompilation = 40;

    private static readonly long Batches = long.TryParse(Environment.GetEnvironmentVariable("STATICCNN_FUZZ_BATCHES"), out long n) ? Math.Max(1, n / 4) : 25;

    private static long _valid;
    private static long _invalid;

    [Fact]
    public void RandomGraphsNeverBreakTheGeneratorAndValidOnesMatchTheReference()
    {
        GraphFuzzDeclaration.Generator.Array[PerCompilation, PerCompilation].Sample(Check, iter: Batches, threads: 2, print: b => $"a batch of {b.Length} (the failing declaration is in the message)");

        Assert.True(_valid > Batches * 5, $"only {_valid} valid graph declarations");
        Assert.True(_invalid > Batches, $"only {_invalid} invalid graph declarations");
        Console.WriteLine($"Graph fuzz: {_valid} valid (run against the reference), {_invalid} with SCNN0030/SCNN0031.");
    }

    /// <summary>Compiles, runs and compares one declaration as the fuzz does (for regression cases).</summary>
    /// <param name="declaration">The declaration.</param>
    /// <param name="index">Its place in the failing batch: names its namespace and seeds its parameters and inputs.</param>
    internal static void RunOne(GraphFuzzDeclaration declaration, int index) => Check([declaration], index);

    private static void Check(GraphFuzzDeclaration[] batch) => Check(batch, 0);

    private static void Check(GraphFuzzDeclaration[] batch, int first)
    {
        string[] sources = batch.Select((d, i) => d.Source(first + i)).ToArray();
        CSharpCompilation input = GeneratorHarness.Compile(sources);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorHarness.AssertNoExceptions(driver.GetRunResult());
        Assert.Empty(generatorDiagnostics);
        ImmutableArray<Diagnostic> analyzer = GeneratorHarness.Analyze(input);

        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(stream);
        Diagnostic[] compiler = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(compiler.Length == 0 && emitted.Success, "The compiler reported:\n" + GeneratorHarness.Describe(compiler.Take(10)));

        var runnable = new List<(int Index, ReferenceNetwork Reference)>();
        for (int i = 0; i < batch.Length; i++)
        {
            string[] errors = analyzer.Where(d => d.Location.SourceTree?.FilePath == $"Source{i}.cs" && d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToArray();
            string? rejection = null;
            ReferenceNetwork? reference = null;
            try
            {
                reference = new ReferenceNetwork(batch[i].C, batch[i].H, batch[i].W, Resolve(batch[i].ReferenceLayers(), batch[i].C, batch[i].H, batch[i].W));
            }
            catch (ArgumentException e)
            {
                rejection = e.Message;
            }

            if (rejection is not null)
            {
                Assert.True(errors.Length > 0, $"The reference rejects ({rejection}) but the analyzer reported nothing for\n{sources[i]}");
                // Shapes that do not meet at an add or a concatenation; Block.Filters on the network's own layer.
                Assert.All(errors, id => Assert.Contains(id, new[] { "SCNN0030", "SCNN0031", "SCNN0034" }));
                Interlocked.Increment(ref _invalid);
                continue;
            }

            Assert.True(errors.Length == 0, $"The reference accepts, but the analyzer reported {string.Join(", ", errors)} for\n{sources[i]}\n{GeneratorHarness.Describe(analyzer.Where(d => d.Location.SourceTree?.FilePath == $"Source{i}.cs"))}");
            Interlocked.Increment(ref _valid);
            runnable.Add((i, reference!));
        }

        var context = new AssemblyLoadContext("graph-fuzz", isCollectible: true);
        context.Resolving += (_, name) => name.Name == typeof(INetwork).Assembly.GetName().Name ? typeof(INetwork).Assembly : null;
        try
        {
            stream.Position = 0;
            Assembly assembly = context.LoadFromStream(stream);
            foreach ((int i, ReferenceNetwork reference) in runnable)
            {
                var network = (INetwork)Activator.CreateInstance(assembly.GetType($"Graphs.N{first + i}.Net", throwOnError: true)!)!;
                Compare(network, reference, sources[i], first + i);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Replaces each <see cref="RefDepthwise"/> with the reference's grouped convolution over the channels that reach it.</summary>
    private static RefLayer[] Resolve(RefLayer[] layers, int c, int h, int w)
    {
        var resolved = new RefLayer[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            resolved[i] = layers[i] switch
            {
                RefDepthwise => new RefConv2D(c, 3) { Groups = c, Same = true },
                RefResidual r => new RefResidual(Resolve(r.Body, c, h, w), r.Shortcut is null ? null : Resolve(r.Shortcut, c, h, w)),
                RefConcat k => new RefConcat([.. k.Branches.Select(b => Resolve(b, c, h, w))], k.IncludeInput),
                RefLayer other => other,
            };

            // The shape after it, from a reference network of the layers so far (throws when they do not fit).
            (c, h, w) = new ReferenceNetwork(c, h, w, resolved[i]).OutputShapes[0];
        }

        return resolved;
    }

    private static void Compare(INetwork network, ReferenceNetwork reference, string source, int seed)
    {
        Assert.Equal(reference.ParameterCount, network.ParameterCount);
        Assert.Equal(reference.BufferCount, network.BufferCount);
        var random = new Random(seed);
        float[] parameters = GeneratorFuzzTests.Parameters(random, network.ParameterCount);
        parameters.CopyTo(network.Parameters);
        double[] buffers = reference.CreateDefaultBuffers();
        Array.ConvertAll(buffers, v => (float)v).CopyTo(network.Buffers);

        const int samples = 3;
        float[] inputs = GeneratorFuzzTests.Uniform(random, samples * network.InputLength, 1f);
        float[] outputGradients = GeneratorFuzzTests.Uniform(random, samples * network.OutputLength, 1f);
        float[] outputs = new float[samples * network.OutputLength];
        float[] inputGradients = new float[samples * network.InputLength];
        network.BatchCapacity = samples;
        network.Training = true;
        network.ZeroGradients();
        network.ForwardBatch(inputs, outputs, samples);
        network.BackwardBatch(outputGradients, inputGradients, samples);

        double[][] x = Split(inputs, samples);
        double[][] expected = reference.ForwardBatch(Array.ConvertAll(parameters, v => (double)v), buffers, x, training: true);
        ReferenceBatchGradients gradients = reference.BackwardBatch(Split(outputGradients, samples));
        // Wider than the sequential fuzz's 1e-3: float32 against double through BatchNorm's batch statistics.
        GeneratorFuzzTests.AssertClose(expected.SelectMany(v => v).ToArray(), outputs, "outputs", source, 2e-3);
        GeneratorFuzzTests.AssertClose(buffers, network.Buffers.ToArray(), "buffers after", source, 2e-3);
        GeneratorFuzzTests.AssertClose(gradients.Parameters, network.Gradients.ToArray(), "parameter gradients", source, 2e-3);
        GeneratorFuzzTests.AssertClose(gradients.Inputs.SelectMany(v => v).ToArray(), inputGradients, "input gradients", source, 2e-3);
    }

    private static double[][] Split(float[] values, int samples)
    {
        int length = values.Length / samples;
        return Enumerable.Range(0, samples).Select(s => values.Skip(s * length).Take(length).Select(v => (double)v).ToArray()).ToArray();
    }
}

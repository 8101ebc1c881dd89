using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Infrastructure;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Generator.Tests.Fuzz;

/// <summary>
/// A property test over random declarations (random layer sequences; counts and sizes from -2 to 1,000,000 and
/// int.MinValue/int.MaxValue; random roundings, names and nesting), 100 to a compilation: the generator and the
/// analyzer never throw; every declaration either gets an SCNN error or compiles with no warning or error, and
/// either way the compiler reports nothing (no cascade); the small valid ones are emitted, loaded in a collectible
/// AssemblyLoadContext and run against the naive reference, forward and backward.
/// </summary>
public sealed class GeneratorFuzzTests
{
    private const int PerCompilation = 100;

    /// <summary>Batches of <see cref="PerCompilation"/>: 100 batches are 10,000 declarations (STATICCNN_FUZZ_BATCHES overrides).</summary>
    private static readonly long Batches = long.TryParse(Environment.GetEnvironmentVariable("STATICCNN_FUZZ_BATCHES"), out long n) ? n : 100;

    private static long _declarations;
    private static long _invalid;
    private static long _valid;
    private static long _run;
    private static long _backwardCompared;

    [Fact]
    public void RandomDeclarationsNeverBreakTheGeneratorAndValidOnesMatchTheReference()
    {
        FuzzDeclaration.Generator.Array[PerCompilation, PerCompilation].Sample(CheckBatch, iter: Batches, threads: 2, print: b => $"a batch of {b.Length} (the failing declaration is in the message)");

        // The counts are the test's own evidence that it covered both outcomes.
        Assert.Equal(Batches * PerCompilation, Interlocked.Read(ref _declarations));
        Assert.True(_valid > Batches * 5, $"only {_valid} of {_declarations} declarations were valid");
        Assert.True(_invalid > Batches * 5, $"only {_invalid} of {_declarations} declarations were invalid");
        Assert.True(_run > Batches, $"only {_run} valid declarations were run");
        Console.WriteLine($"Fuzz: {_declarations} declarations, {_invalid} with SCNN errors, {_valid} valid, {_run} run against the reference ({_backwardCompared} backward).");
    }

    internal static void RunOne(FuzzDeclaration declaration, string source) =>
        Check(new[] { declaration }, new[] { source }, expectValid: true);

    private static void CheckBatch(FuzzDeclaration[] batch) =>
        Check(batch, batch.Select((d, i) => d.Source(i)).ToArray(), expectValid: false);

    /// <summary>
    /// Generates, analyzes (the user's files: the analyzer reads attributes, not generated code) and emits the whole
    /// batch once, so that the generated code is bound once; the emit's diagnostics are the build's.
    /// </summary>
    private static void Check(FuzzDeclaration[] batch, string[] sources, bool expectValid)
    {
        CSharpCompilation input = GeneratorHarness.Compile(sources);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorHarness.AssertNoExceptions(driver.GetRunResult());
        Assert.Empty(generatorDiagnostics);
        ImmutableArray<Diagnostic> analyzer = GeneratorHarness.Analyze(input);

        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output
            .WithOptions(((CSharpCompilationOptions)output.Options).WithConcurrentBuild(true))
            .Emit(stream);
        Diagnostic[] compiler = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (compiler.Length > 0 || !emitted.Success)
        {
            Assert.Fail("The compiler reported:\n" + GeneratorHarness.Describe(compiler.Take(10)) + "\nin\n" + SourceOf(compiler[0], sources));
        }

        var runnable = new List<int>();
        for (int i = 0; i < batch.Length; i++)
        {
            string file = $"Source{i}.cs";
            bool hasError = analyzer.Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath == file);
            Assert.All(analyzer.Where(d => d.Location.SourceTree?.FilePath == file), d => Assert.StartsWith("SCNN", d.Id));
            Assert.False(expectValid && hasError, GeneratorHarness.Describe(analyzer));
            Count(ref _declarations, expectValid);
            if (hasError)
            {
                Count(ref _invalid, expectValid);
                continue;
            }

            Count(ref _valid, expectValid);
            ReferenceNetwork reference = new(batch[i].C, batch[i].H, batch[i].W, batch[i].ReferenceLayers());
            if (reference.ParameterCount <= 20_000 && reference.InputLength <= 4_096
                && reference.OutputShapes.All(s => (long)s.Channels * s.Height * s.Width <= 20_000))
            {
                runnable.Add(i);
            }
        }

        if (runnable.Count == 0)
        {
            return;
        }

        var context = new AssemblyLoadContext("fuzz", isCollectible: true);
        context.Resolving += (_, name) => name.Name == typeof(INetwork).Assembly.GetName().Name ? typeof(INetwork).Assembly : null;
        try
        {
            stream.Position = 0;
            Assembly assembly = context.LoadFromStream(stream);
            foreach (int i in runnable)
            {
                Type type = assembly.GetType(batch[i].MetadataName(i), throwOnError: true)!;
                if (type.IsGenericTypeDefinition)
                {
                    type = type.MakeGenericType(Enumerable.Repeat(typeof(int), type.GetGenericArguments().Length).ToArray());
                }

                INetwork network;
                try
                {
                    network = (INetwork)Activator.CreateInstance(type)!;
                }
                catch (TargetInvocationException e)
                {
                    throw new Xunit.Sdk.XunitException($"The constructor threw {e.InnerException}\nfor\n{sources[i]}");
                }

                Compare(network, new ReferenceNetwork(batch[i].C, batch[i].H, batch[i].W, batch[i].ReferenceLayers()), sources[i], i, expectValid);
                Count(ref _run, expectValid);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Counts what the property test saw (not the regression cases, which run the same checks).</summary>
    private static void Count(ref long counter, bool regression)
    {
        if (!regression)
        {
            Interlocked.Increment(ref counter);
        }
    }

    private static void Compare(INetwork network, ReferenceNetwork reference, string source, int seed, bool regression)
    {
        Assert.Equal(reference.ParameterCount, network.ParameterCount);
        Assert.Equal(reference.InputLength, network.InputLength);
        Assert.Equal(reference.OutputLength, network.OutputLength);

        var random = new Random(seed);
        float[] parameters = Uniform(random, network.ParameterCount, 0.5f);
        parameters.CopyTo(network.Parameters);
        float[] input = Uniform(random, network.InputLength, 1f);
        float[] outputGradient = Uniform(random, network.OutputLength, 1f);
        float[] output = new float[network.OutputLength];
        float[] inputGradient = new float[network.InputLength];
        network.ZeroGradients();
        network.Forward(input, output);
        network.Backward(outputGradient, inputGradient);

        double[] expected = reference.Forward(parameters, input);
        AssertClose(expected, output, "output", source);

        // The forward pass is continuous, so it is compared always. Gradients jump at ReLU kinks and at max-pooling
        // ties, where float and double may legitimately pick different sides: compare them only away from those.
        if (WellConditioned(reference))
        {
            ReferenceGradients gradients = reference.Backward(Array.ConvertAll(outputGradient, v => (double)v));
            AssertClose(gradients.Parameters, network.Gradients.ToArray(), "parameter gradient", source);
            AssertClose(gradients.Input, inputGradient, "input gradient", source);
            Count(ref _backwardCompared, regression);
        }
    }

    /// <summary>No ReLU/LeakyReLU input within 1e-3 of zero, and no max-pooling window whose two largest cells are within 1e-3.</summary>
    private static bool WellConditioned(ReferenceNetwork reference)
    {
        for (int layer = 0; layer < reference.Layers.Count; layer++)
        {
            double[] x = reference.GetActivation(layer - 1);
            switch (reference.Layers[layer])
            {
                case RefReLU or RefLeakyReLU when x.Any(v => Math.Abs(v) < 1e-3):
                    return false;
                case RefMaxPool2D pool when !PoolWellSeparated(pool, layer == 0 ? reference.InputShape : reference.OutputShapes[layer - 1], reference.OutputShapes[layer], x):
                    return false;
            }
        }

        return true;
    }

    private static bool PoolWellSeparated(RefMaxPool2D pool, (int C, int H, int W) input, (int C, int H, int W) output, double[] x)
    {
        int s = pool.Stride == 0 ? pool.Size : pool.Stride;
        for (int c = 0; c < input.C; c++)
        {
            for (int oy = 0; oy < output.H; oy++)
            {
                for (int ox = 0; ox < output.W; ox++)
                {
                    double best = double.NegativeInfinity, second = double.NegativeInfinity;
                    for (int ky = 0; ky < pool.Size; ky++)
                    {
                        for (int kx = 0; kx < pool.Size; kx++)
                        {
                            int iy = (oy * s) - pool.Padding + ky, ix = (ox * s) - pool.Padding + kx;
                            if (iy < 0 || iy >= input.H || ix < 0 || ix >= input.W)
                            {
                                continue;
                            }

                            double v = x[(((c * input.H) + iy) * input.W) + ix];
                            if (v > best)
                            {
                                (best, second) = (v, best);
                            }
                            else if (v > second)
                            {
                                second = v;
                            }
                        }
                    }

                    if (best - second < 1e-3)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private static float[] Uniform(Random random, int length, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = ((float)random.NextDouble() * 2f - 1f) * scale;
        }

        return values;
    }

    /// <summary>
    /// Within 1e-3 relative to the larger of the element and the vector's root mean square, plus 1e-5 absolute. The
    /// floor is float rounding, not slack: inputs are within 1 and parameters within 0.5, so a value that comes out
    /// near zero by cancellation (a dot product of a hundred such terms summing to 1e-5) or through a saturated
    /// tanh carries an absolute float error of about 1e-7 that no relative bound can hold; a wrong kernel is off by
    /// the size of the terms themselves.
    /// </summary>
    private static void AssertClose(double[] expected, float[] actual, string what, string source)
    {
        Assert.Equal(expected.Length, actual.Length);
        double rms = expected.Length == 0 ? 0 : Math.Sqrt(expected.Sum(e => e * e) / expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(Math.Abs(expected[i]), rms);
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= (1e-3 * scale) + 1e-5,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}\n{source}");
        }
    }

    private static string SourceOf(Diagnostic diagnostic, string[] sources)
    {
        string path = diagnostic.Location.SourceTree?.FilePath ?? "";
        for (int i = 0; i < sources.Length; i++)
        {
            if (path == $"Source{i}.cs")
            {
                return sources[i];
            }
        }

        return diagnostic.Location.SourceTree?.ToString() ?? "";
    }
}

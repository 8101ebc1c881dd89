using System;
using System.Collections.Concurrent;
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
/// A property test over random declarations (random layer sequences of every layer kind: Conv2D with rectangular
/// kernels, per-dimension strides, padding modes and sides, dilations, Groups and Bias; DepthwiseConv2D with the
/// same geometry and DepthMultiplier; MaxPool2D and AvgPool2D with the same windows and CountIncludePadding;
/// BatchNorm with features, Epsilon and Momentum; Dropout; the global poolings; every activation; Softmax anywhere;
/// counts and sizes from -2 to 1,000,000 and int.MinValue/int.MaxValue; random roundings, names and nesting), 100 to
/// a compilation: the generator and the analyzer never throw; every declaration either gets an SCNN error or
/// compiles with no warning or error, and either way the compiler reports nothing (no cascade); the errors agree
/// with the fuzz's own model (<see cref="FuzzDeclaration.ExpectedErrors"/> are all reported; a declaration compiles
/// exactly when <see cref="FuzzDeclaration.ModelRejection"/> finds nothing, the reference deciding the arithmetic);
/// the small valid ones are emitted, loaded in a collectible AssemblyLoadContext and run against the naive reference
/// in evaluation mode (random BatchNorm running statistics), forward and backward.
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
    private static readonly ConcurrentDictionary<string, long> RunFeatures = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> ErrorIds = new(StringComparer.Ordinal);

    [Fact]
    public void RandomDeclarationsNeverBreakTheGeneratorAndValidOnesMatchTheReference()
    {
        FuzzDeclaration.Generator.Array[PerCompilation, PerCompilation].Sample(CheckBatch, iter: Batches, threads: 2, print: b => $"a batch of {b.Length} (the failing declaration is in the message)");

        // The counts are the test's own evidence that it covered both outcomes.
        Assert.Equal(Batches * PerCompilation, Interlocked.Read(ref _declarations));
        Assert.True(_valid > Batches * 5, $"only {_valid} of {_declarations} declarations were valid");
        Assert.True(_invalid > Batches * 5, $"only {_invalid} of {_declarations} declarations were invalid");
        Assert.True(_run > Batches, $"only {_run} valid declarations were run");
        Console.WriteLine("Run against the reference, declarations with: " + Tally(RunFeatures));
        Console.WriteLine("Invalid declarations with: " + Tally(ErrorIds));
        Console.WriteLine($"Fuzz: {_declarations} declarations, {_invalid} with SCNN errors, {_valid} valid, {_run} run against the reference ({_backwardCompared} backward).");
    }

    internal static void RunOne(FuzzDeclaration declaration, string source) =>
        Check(new[] { declaration }, new[] { source }, expectValid: true);

    /// <summary>The property test's checks on one declaration, valid or not (a regression case).</summary>
    internal static void CheckOne(FuzzDeclaration declaration, string source) =>
        Check(new[] { declaration }, new[] { source }, expectValid: false, regression: true);

    private static void CheckBatch(FuzzDeclaration[] batch) =>
        Check(batch, batch.Select((d, i) => d.Source(i)).ToArray(), expectValid: false);

    /// <summary>
    /// Generates, analyzes (the user's files: the analyzer reads attributes, not generated code) and emits the whole
    /// batch once, so that the generated code is bound once; the emit's diagnostics are the build's.
    /// </summary>
    /// <param name="batch">The declarations.</param>
    /// <param name="sources">Their source files.</param>
    /// <param name="expectValid">Each must compile (a regression case of a valid declaration).</param>
    /// <param name="regression">A regression case: not counted in the property test's tallies (the same process runs both).</param>
    private static void Check(FuzzDeclaration[] batch, string[] sources, bool expectValid, bool regression = false)
    {
        regression |= expectValid;
        CSharpCompilation input = GeneratorHarness.Compile(sources);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        if (driver.GetRunResult().Results.Any(r => r.Exception is not null) && sources.Length > 1)
        {
            // Name the declaration: run them one at a time until one throws.
            foreach (string source in sources)
            {
                GeneratorDriverRunResult alone = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(source)).GetRunResult();
                if (alone.Results.FirstOrDefault(r => r.Exception is not null).Exception is System.Exception exception)
                {
                    Assert.Fail($"The generator threw {exception.GetType().Name} ({exception.Message}) for\n{source}");
                }
            }
        }

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
            Diagnostic[] own = analyzer.Where(d => d.Location.SourceTree?.FilePath == file).ToArray();
            string[] errors = own.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().ToArray();
            bool hasError = errors.Length > 0;
            Assert.All(own, d => Assert.StartsWith("SCNN", d.Id));
            Assert.False(expectValid && hasError, GeneratorHarness.Describe(analyzer));
            Count(ref _declarations, regression);

            // The fuzz's own model: the layer-local rules' errors are all reported, and the declaration compiles
            // exactly when the model (the reference's arithmetic and the rules it does not know) finds nothing.
            string[] missing = batch[i].ExpectedErrors().Except(errors).ToArray();
            Assert.True(missing.Length == 0,
                $"The fuzz's model expected {string.Join(", ", missing)}, but the analyzer reported\n{GeneratorHarness.Describe(own)}\nfor\n{sources[i]}");
            string? rejection = batch[i].ModelRejection(out ReferenceNetwork? shapes);
            if (hasError)
            {
                Assert.True(rejection is not null || (errors.All(id => id == "SCNN0010") && Huge(shapes!)),
                    $"The fuzz's model accepts this declaration (the reference builds it), but the analyzer reported\n{GeneratorHarness.Describe(own)}\nfor\n{sources[i]}");
                Count(ref _invalid, regression);
                if (!regression)
                {
                    foreach (string id in errors)
                    {
                        ErrorIds.AddOrUpdate(id, 1, (_, n) => n + 1);
                    }
                }

                continue;
            }

            Assert.True(rejection is null, $"The generator accepted a declaration the fuzz's model rejects ({rejection})\n{sources[i]}");
            Count(ref _valid, regression);
            if (shapes!.ParameterCount <= 20_000 && shapes.InputLength <= 4_096
                && shapes.OutputShapes.All(s => (long)s.Channels * s.Height * s.Width <= 20_000) && Small(shapes))
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

                ReferenceNetwork reference = new(batch[i].C, batch[i].H, batch[i].W, batch[i].ReferenceLayers());
                Compare(network, reference, sources[i], i, regression);
                Count(ref _run, regression);
                if (!regression)
                {
                    foreach (string feature in batch[i].Features())
                    {
                        RunFeatures.AddOrUpdate(feature, 1, (_, n) => n + 1);
                    }
                }
            }
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// Whether every padded input grid holds at most 20,000 floats and every windowed layer's work (output cells times
    /// window taps) is at most 10^7: a 'same' window of 40,000 x 40,000 over a 10x8 input has a small output but a
    /// padded grid of gigabytes in the generated network and 10^9 taps per output in the reference.
    /// </summary>
    private static bool Small(ReferenceNetwork shapes)
    {
        for (int i = 0; i < shapes.Layers.Count; i++)
        {
            (int C, int H, int W) input = i == 0 ? shapes.InputShape : shapes.OutputShapes[i - 1];
            (int C, int H, int W) output = shapes.OutputShapes[i];
            (int top, int bottom, int left, int right) = shapes.Paddings[i];
            long taps = shapes.Layers[i] switch
            {
                RefConv2D conv => (long)(conv.KernelHeight != 0 ? conv.KernelHeight : conv.KernelSize) * (conv.KernelWidth != 0 ? conv.KernelWidth : conv.KernelSize) * (input.C / conv.Groups),
                RefMaxPool2D max => (long)(max.KernelHeight != 0 ? max.KernelHeight : max.Size) * (max.KernelWidth != 0 ? max.KernelWidth : max.Size),
                RefAvgPool2D avg => (long)(avg.KernelHeight != 0 ? avg.KernelHeight : avg.Size) * (avg.KernelWidth != 0 ? avg.KernelWidth : avg.Size),
                RefGlobalAvgPool2D or RefGlobalMaxPool2D => (long)input.H * input.W,
                _ => 1,
            };
            if ((long)input.C * ((long)input.H + top + bottom) * ((long)input.W + left + right) > 20_000
                || taps * output.C * output.H * output.W > 10_000_000)
            {
                return false;
            }
        }

        return true;
    }

    private static string Tally(ConcurrentDictionary<string, long> counts) =>
        string.Join(", ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));

    /// <summary>
    /// Whether some activation or padded input grid of the network (by the reference's shapes and paddings) holds at
    /// least 2^24 floats: the generator's workspace, which holds them all (and copies of padded inputs), may then
    /// exceed an array (SCNN0010), a limit the reference, which allocates nothing up front, does not have. A
    /// convolution's GEMM result has one row per filter over the padded input's grid, so filters times the padded
    /// plane counts too (seed 0kjeufeMWpA1: a DepthwiseConv2D with DepthMultiplier 1,000,000 on a 3x5x1 input, 15 M
    /// output floats but 2.3 G floats of buffers).
    /// </summary>
    private static bool Huge(ReferenceNetwork shapes)
    {
        const long limit = 1L << 24;
        for (int i = 0; i < shapes.Layers.Count; i++)
        {
            (int C, int H, int W) input = i == 0 ? shapes.InputShape : shapes.OutputShapes[i - 1];
            (int C, int H, int W) output = shapes.OutputShapes[i];
            (int top, int bottom, int left, int right) = shapes.Paddings[i];
            long paddedPlane = ((long)input.H + top + bottom) * ((long)input.W + left + right);
            if ((long)input.C * paddedPlane >= limit
                || (long)output.C * output.H * output.W >= limit
                || (shapes.Layers[i] is RefConv2D && (long)output.C * paddedPlane >= limit)
                || WindowSpan(shapes.Layers[i]) >= limit
                || (shapes.Layers[i] is RefConv2D conv && ColumnFloats(conv, input, output) >= limit))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The floats of a convolution's im2col columns (every tap of every window, for every output cell): a window row of
    /// more than 64 taps goes through im2col, whose columns can outgrow an array while the input and output are small.
    /// </summary>
    private static double ColumnFloats(RefConv2D conv, (int C, int H, int W) input, (int C, int H, int W) output) =>
        (double)(conv.KernelHeight != 0 ? conv.KernelHeight : conv.KernelSize) * (conv.KernelWidth != 0 ? conv.KernelWidth : conv.KernelSize)
        * (input.C / Math.Max(1, conv.Groups)) * output.H * output.W;

    /// <summary>
    /// The widest window row or column of a layer (kernel times dilation): the generator puts that many zeros after
    /// every buffer, so a window of millions of cells is SCNN0010 even when its output is small.
    /// </summary>
    private static long WindowSpan(RefLayer layer) => layer switch
    {
        RefConv2D c => Math.Max(((long)(c.KernelHeight != 0 ? c.KernelHeight : c.KernelSize) - 1) * c.DilationHeight + 1, ((long)(c.KernelWidth != 0 ? c.KernelWidth : c.KernelSize) - 1) * c.DilationWidth + 1),
        RefMaxPool2D m => Math.Max(m.KernelHeight != 0 ? m.KernelHeight : m.Size, m.KernelWidth != 0 ? m.KernelWidth : m.Size),
        RefAvgPool2D a => Math.Max(a.KernelHeight != 0 ? a.KernelHeight : a.Size, a.KernelWidth != 0 ? a.KernelWidth : a.Size),
        _ => 0,
    };

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
        Assert.Equal(reference.BufferCount, network.BufferCount);

        var random = new Random(seed);
        float[] parameters = Parameters(random, network.ParameterCount);
        parameters.CopyTo(network.Parameters);

        // Evaluation mode: every BatchNorm normalises with its running statistics, random in both (means within 0.5,
        // variances from 0.5 to 1.5; the batch counts stay 0).
        double[] buffers = reference.CreateDefaultBuffers();
        for (int layer = 0; layer < reference.Layers.Count; layer++)
        {
            int channels = (reference.BufferCounts[layer] - 1) / 2;
            for (int c = 0; c < channels; c++)
            {
                buffers[reference.BufferOffsets[layer] + c] = (float)(random.NextDouble() - 0.5);
                buffers[reference.BufferOffsets[layer] + channels + c] = (float)(0.5 + random.NextDouble());
            }
        }

        reference.Buffers = buffers;
        Array.ConvertAll(buffers, v => (float)v).CopyTo(network.Buffers);
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

    /// <summary>
    /// No input within 1e-3 of a kink (ReLU and LeakyReLU at 0, ReLU6 at 0 and 6, HardSigmoid and HardSwish at -3 and
    /// 3), no max-pooling window and no global max-pooling plane whose two largest cells are within 1e-3.
    /// </summary>
    private static bool WellConditioned(ReferenceNetwork reference)
    {
        for (int layer = 0; layer < reference.Layers.Count; layer++)
        {
            double[] x = reference.GetActivation(layer - 1);
            (int C, int H, int W) input = layer == 0 ? reference.InputShape : reference.OutputShapes[layer - 1];
            switch (reference.Layers[layer])
            {
                case RefReLU or RefLeakyReLU when Near(x, 0):
                case RefReLU6 when Near(x, 0, 6):
                case RefHardSigmoid or RefHardSwish when Near(x, -3, 3):
                    return false;
                case RefMaxPool2D pool when !PoolWellSeparated(pool, reference.Paddings[layer], input, reference.OutputShapes[layer], x):
                    return false;
                case RefGlobalMaxPool2D when !PoolWellSeparated(new RefMaxPool2D(0) { KernelHeight = input.H, KernelWidth = input.W }, (0, 0, 0, 0), input, (input.C, 1, 1), x):
                    return false;
            }
        }

        return true;
    }

    private static bool Near(double[] x, params double[] kinks) => x.Any(v => kinks.Any(k => Math.Abs(v - k) < 1e-3));

    private static bool PoolWellSeparated(RefMaxPool2D pool, (int Top, int Bottom, int Left, int Right) padding, (int C, int H, int W) input, (int C, int H, int W) output, double[] x)
    {
        int kh = pool.KernelHeight != 0 ? pool.KernelHeight : pool.Size, kw = pool.KernelWidth != 0 ? pool.KernelWidth : pool.Size;
        int sh = pool.StrideHeight != 0 ? pool.StrideHeight : pool.Stride != 0 ? pool.Stride : kh;
        int sw = pool.StrideWidth != 0 ? pool.StrideWidth : pool.Stride != 0 ? pool.Stride : kw;
        for (int c = 0; c < input.C; c++)
        {
            for (int oy = 0; oy < output.H; oy++)
            {
                for (int ox = 0; ox < output.W; ox++)
                {
                    double best = double.NegativeInfinity, second = double.NegativeInfinity;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int iy = (oy * sh) - padding.Top + ky, ix = (ox * sw) - padding.Left + kx;
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

    /// <summary>
    /// Parameters for a fuzz run: uniform magnitudes in [0.05, 0.5] with random signs. Kept away from 0 because a
    /// BatchNorm whose gamma is near 0, followed by another BatchNorm, is ill-conditioned in float32: its output is
    /// beta plus a variation below beta's rounding, which the next BatchNorm amplifies. With gamma = 1e-4 before three
    /// BatchNorms, PyTorch's own float32 gradient of that gamma is 0.66 where float64 gives 5.28 (graph fuzz seed
    /// dOOTL8WjHsg1 failed on it; see FuzzRegressionTests).
    /// </summary>
    /// <param name="random">The source.</param>
    /// <param name="length">How many.</param>
    internal static float[] Parameters(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            float u = ((float)random.NextDouble() * 2f) - 1f;
            values[i] = MathF.CopySign(0.05f + (0.45f * MathF.Abs(u)), u);
        }

        return values;
    }

    internal static float[] Uniform(Random random, int length, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = ((float)random.NextDouble() * 2f - 1f) * scale;
        }

        return values;
    }

    /// <summary>
    /// Within <paramref name="relative"/> (1e-3 unless a caller needs more) relative to the larger of the element and the
    /// vector's root mean square, plus 1e-5 absolute. The
    /// floor is float rounding, not slack: inputs are within 1 and parameters within 0.5, so a value that comes out
    /// near zero by cancellation (a dot product of a hundred such terms summing to 1e-5) or through a saturated
    /// tanh carries an absolute float error of about 1e-7 that no relative bound can hold; a wrong kernel is off by
    /// the size of the terms themselves.
    /// </summary>
    internal static void AssertClose(double[] expected, float[] actual, string what, string source, double relative = 1e-3)
    {
        Assert.Equal(expected.Length, actual.Length);
        double rms = expected.Length == 0 ? 0 : Math.Sqrt(expected.Sum(e => e * e) / expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(Math.Abs(expected[i]), rms);
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= (relative * scale) + 1e-5,
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

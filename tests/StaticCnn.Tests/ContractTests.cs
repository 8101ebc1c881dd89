using System;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using StaticCnn.Kernels;
using StaticCnn.Tests.Networks;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests;

/// <summary>The members and promises of the public contract on a generated class.</summary>
public sealed class ContractTests
{
    [Fact]
    public void ConstantsDescribeTheNetwork()
    {
        Assert.Equal(784, LeNet5.InputLength);
        Assert.Equal(10, LeNet5.OutputLength);
        Assert.Equal(61706, LeNet5.ParameterCount);
        Assert.Equal(new TensorShape(1, 28, 28), LeNet5.InputShape);
        Assert.Equal(12, LeNet5.Layers.Count);
        Assert.Equal(3 * 32 * 32, Cs231nConv.InputLength);
        Assert.Equal(10 * 32 * 32, Cs231nConv.OutputLength);
        Assert.Equal(760, Cs231nConv.ParameterCount);

        INetwork net = new LeNet5();
        Assert.Equal(LeNet5.InputLength, net.InputLength);
        Assert.Equal(LeNet5.OutputLength, net.OutputLength);
        Assert.Equal(LeNet5.ParameterCount, net.ParameterCount);
        Assert.Equal(LeNet5.ParameterCount, net.Parameters.Length);
        Assert.Equal(LeNet5.ParameterCount, net.Gradients.Length);
        Assert.Same(LeNet5.Summary, net.Summary);
    }

    [Fact]
    public void LayersGiveShapesAndParameterOffsetsInPyTorchOrder()
    {
        LayerInfo[] layers = LeNet5.Layers.ToArray();
        LayerInfo conv1 = layers[0];
        Assert.Equal((1, LayerKind.Conv2D), (conv1.Index, conv1.Kind));
        Assert.Equal(new TensorShape(6, 28, 28), conv1.Output);
        Assert.Equal((0, 150, 6, 150), (conv1.ParameterOffset, conv1.WeightCount, conv1.BiasCount, conv1.BiasOffset));
        Assert.Equal((5, 1, 2), (conv1.KernelSize, conv1.Stride, conv1.Padding));
        LayerInfo conv2 = layers[3];
        Assert.Equal((156, 2400, 16), (conv2.ParameterOffset, conv2.WeightCount, conv2.BiasCount));
        LayerInfo flatten = layers[6];
        Assert.Equal(TensorShape.Flat(400), flatten.Output);
        LayerInfo dense = layers[7];
        Assert.Equal((2572, 48000, 120), (dense.ParameterOffset, dense.WeightCount, dense.BiasCount));
        Assert.Equal(LeNet5.ParameterCount, layers.Sum(l => l.ParameterCount));
    }

    [Fact]
    public void SummaryIsTheLayerTable()
    {
        string summary = LeNet5.Summary;
        string[] lines = summary.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Columns: #, layer, output, params, multiply-adds, activation bytes.
        Assert.Contains(lines, l => l.Contains("Conv2D(6, 5x5, s1, p2)") && Columns(l)[2..] is ["6x28x28", "156", "117,600", "18,816"]);
        Assert.Contains(lines, l => l.Contains("Dense(120)") && Columns(l)[2..] is ["120", "48,120", "48,000", "480"]);
        Assert.Contains("Total parameters: 61,706", summary);
        Assert.Contains(Cs231nConv.Summary.Split('\n'), l => l.Contains("10x32x32") && Columns(l)[3] == "760");
    }

    private static string[] Columns(string line) => System.Text.RegularExpressions.Regex.Split(line.Trim(), @"\s{2,}");

    [Fact]
    public void WrongSpanLengthsThrowArgumentExceptionNamingTheExpectedLength()
    {
        var net = new LeNet5();
        float[] output = new float[LeNet5.OutputLength];
        ArgumentException input = Assert.Throws<ArgumentException>(() => net.Forward(new float[783], output));
        Assert.Equal("input", input.ParamName);
        Assert.Contains("784", input.Message);
        ArgumentException outputError = Assert.Throws<ArgumentException>(() => net.Forward(new float[784], new float[11]));
        Assert.Equal("output", outputError.ParamName);
        Assert.Contains("10", outputError.Message);

        net.Forward(new float[784], output);
        ArgumentException gradient = Assert.Throws<ArgumentException>(() => net.Backward(new float[9], new float[784]));
        Assert.Equal("outputGradient", gradient.ParamName);
        ArgumentException inputGradient = Assert.Throws<ArgumentException>(() => net.Backward(new float[10], new float[700]));
        Assert.Equal("inputGradient", inputGradient.ParamName);
        Assert.Contains("784", inputGradient.Message);
    }

    [Fact]
    public void BackwardBeforeForwardThrows()
    {
        var net = new SeedNet();
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => net.Backward(new float[SeedNet.OutputLength], Span<float>.Empty));
        Assert.Contains("Forward", error.Message);
    }

    [Fact]
    public void InitializeParametersIsDeterministicPerSeed()
    {
        var a = new LeNet5();
        var b = new LeNet5();
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());

        a.InitializeParameters(42);
        b.InitializeParameters(42);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());

        float[] fortyTwo = a.Parameters.ToArray();
        a.InitializeParameters(43);
        Assert.NotEqual(fortyTwo, a.Parameters.ToArray());
        a.InitializeParameters(0);
        Assert.Equal(new LeNet5().Parameters.ToArray(), a.Parameters.ToArray());
    }

    [Fact]
    public void InitializationIsKaimingUniformWithTheFollowingActivationsGainAndZeroBias()
    {
        var net = new LeNet5();
        net.InitializeParameters(5);
        foreach (LayerInfo layer in LeNet5.Layers.Where(l => l.ParameterCount > 0))
        {
            float[] weights = net.Parameters.Slice(layer.ParameterOffset, layer.WeightCount).ToArray();
            int fanIn = layer.WeightCount / layer.Output.Channels;
            double gain = layer.Index == 12 ? 1.0 : Math.Sqrt(2.0);
            double bound = gain * Math.Sqrt(3.0 / fanIn);
            Assert.All(weights, w => Assert.InRange(w, -bound, bound));
            double variance = weights.Sum(w => (double)w * w) / weights.Length;
            Assert.InRange(variance, 0.7 * bound * bound / 3, 1.3 * bound * bound / 3);
            Assert.All(net.Parameters.Slice(layer.BiasOffset, layer.BiasCount).ToArray(), b => Assert.Equal(0f, b));
        }
    }

    [Fact]
    public void ForwardAndBackwardAllocateNothingAfterConstruction()
    {
        foreach (NetworkCase network in NetworkCase.All)
        {
            foreach (SimdWidth width in SimdSupport.SupportedWidths())
            {
                INetwork net = network.Create();
                net.VectorWidth = width;
                float[] input = Samples.Uniform(net.InputLength, 1);
                float[] output = new float[net.OutputLength];
                float[] outputGradient = Samples.Uniform(net.OutputLength, 2);
                float[] inputGradient = new float[net.InputLength];
                for (int i = 0; i < Samples.WarmUpCalls; i++)
                {
                    net.Forward(input, output);
                    net.Backward(outputGradient, inputGradient);
                    net.Backward(outputGradient, Span<float>.Empty);
                }

                // Up to five rounds of 20 calls: an allocation per call shows in every round, while the runtime's own
                // one-off work (tiering finishing late on a loaded machine: once 7,816 bytes in a full CI run) does not
                // repeat. Any round at 0 bytes proves the calls allocate nothing.
                long allocated = -1;
                for (int round = 0; round < 5 && allocated != 0; round++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < (Samples.Tiered ? 20 : 2); i++)
                    {
                        net.Forward(input, output);
                        net.Backward(outputGradient, inputGradient);
                        net.Backward(outputGradient, Span<float>.Empty);
                        net.ZeroGradients();
                    }

                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }

                Assert.True(allocated == 0, $"{network.Name}/{width}: Forward and Backward allocated {allocated} bytes in each of five rounds.");
            }
        }
    }

    [Fact]
    public void ForwardReadsParameterWritesImmediately()
    {
        var net = new Cs231nConv();
        float[] input = Samples.Uniform(Cs231nConv.InputLength, 3);
        float[] before = new float[Cs231nConv.OutputLength];
        float[] after = new float[Cs231nConv.OutputLength];
        Span<float> parameters = net.Parameters;
        net.Forward(input, before);
        parameters[750] += 1f; // the first filter's bias
        net.Forward(input, after);
        for (int i = 0; i < 32 * 32; i++)
        {
            Assert.Equal(before[i] + 1f, after[i], tolerance: 1e-5f * Math.Max(1f, Math.Abs(after[i])));
        }

        Assert.Equal(before[32 * 32], after[32 * 32]);
    }

    [Fact]
    public void UnsupportedVectorWidthIsRefused()
    {
        var net = new LeNet5();
        foreach (SimdWidth width in Enum.GetValues<SimdWidth>())
        {
            if (SimdSupport.IsSupported(width))
            {
                net.VectorWidth = width;
                Assert.Equal(width, net.VectorWidth);
            }
            else
            {
                Assert.Throws<NotSupportedException>(() => net.VectorWidth = width);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => net.VectorWidth = (SimdWidth)3);
    }

    /// <summary>
    /// The default is the widest accelerated width, except Vector256 on AMD Zen 4, whose detection (CPUID) is
    /// checked against the kernel's own /proc/cpuinfo where there is one.
    /// </summary>
    [Fact]
    public void DefaultWidthIsTheWidestExceptOnDoublePumpedAvx512()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            string[] lines = File.ReadAllLines("/proc/cpuinfo");
            string Field(string name) => lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim();
            bool zen4 = Field("vendor_id") == "AuthenticAMD" && Field("cpu family") == "25"
                && Field("flags").Split(' ').Contains("avx512f") && Vector512.IsHardwareAccelerated;
            Assert.Equal(zen4, SimdSupport.Vector512IsDoublePumped);
        }

        SimdWidth expected = SimdSupport.Widest == SimdWidth.Vector512 && SimdSupport.Vector512IsDoublePumped ? SimdWidth.Vector256 : SimdSupport.Widest;
        string? cap = Environment.GetEnvironmentVariable(SimdSupport.MaxWidthVariable);
        if (string.IsNullOrEmpty(cap))
        {
            Assert.Equal(expected, SimdSupport.Default);
            Assert.Equal(expected, new LeNet5().VectorWidth);
        }

        Assert.True(SimdSupport.IsSupported(SimdSupport.Widest));
    }
}

using System;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Reference;

/// <summary>Shapes, parameter counts and the ArgumentExceptions of <see cref="ReferenceNetwork"/>.</summary>
public sealed class ReferenceValidationTests
{
    [Fact]
    public void LeNet5_shapes_and_parameter_count()
    {
        var net = new ReferenceNetwork(1, 28, 28,
            new RefConv2D(6, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2, 2), new RefConv2D(16, 5), new RefReLU(),
            new RefMaxPool2D(2), new RefFlatten(), new RefDense(120), new RefReLU(), new RefDense(84), new RefReLU(),
            new RefDense(10));
        Assert.Equal(784, net.InputLength);
        Assert.Equal(10, net.OutputLength);
        // (6*1*25 + 6) + (16*6*25 + 16) + (400*120 + 120) + (120*84 + 84) + (84*10 + 10) = 61706, as in PyTorch.
        Assert.Equal(61706, net.ParameterCount);
        Assert.Equal(
            [(6, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 10, 10), (16, 5, 5), (400, 1, 1), (120, 1, 1),
             (120, 1, 1), (84, 1, 1), (84, 1, 1), (10, 1, 1)],
            net.OutputShapes);
        Assert.Equal([0, 156, 156, 156, 2572, 2572, 2572, 2572, 50692, 50692, 60856, 60856], net.ParameterOffsets);
        Assert.Equal([156, 0, 0, 2416, 0, 0, 0, 48120, 0, 10164, 0, 850], net.ParameterCounts);
    }

    [Fact]
    public void Non_square_shapes()
    {
        // H: (11 - 3) / 2 + 1 = 5, then (5 + 4 - 3) / 3 + 1 = 3; W: (17 - 3) / 2 + 1 = 8, then (8 + 4 - 3) / 3 + 1 = 4.
        var net = new ReferenceNetwork(3, 11, 17, new RefConv2D(4, 3, 2), new RefConv2D(6, 3, 3, 2));
        Assert.Equal([(4, 5, 8), (6, 3, 4)], net.OutputShapes);
        Assert.Equal(4 * 3 * 9 + 4 + 6 * 4 * 9 + 6, net.ParameterCount);
    }

    [Fact]
    public void No_layers_is_the_identity()
    {
        var net = new ReferenceNetwork(2, 1, 2);
        Assert.Equal(4, net.OutputLength);
        Assert.Empty(net.OutputShapes);
        Assert.Equal([1.0, 2, 3, 4], net.Forward([], [1, 2, 3, 4]));
        Assert.Equal([4.0, 3, 2, 1], net.Backward([4, 3, 2, 1]).Input);
    }

    [Fact]
    public void Activation_layers_may_follow_Dense_and_Flatten_may_repeat()
    {
        var net = new ReferenceNetwork(1, 4, 4, new RefDense(3), new RefTanh(), new RefFlatten(), new RefSigmoid(),
            new RefDense(2), new RefLeakyReLU(0.2), new RefReLU());
        Assert.Equal(2, net.OutputLength);
    }

    [Theory]
    [InlineData("conv inexact height")]
    [InlineData("conv inexact width")]
    [InlineData("conv window too large")]
    [InlineData("conv zero filters")]
    [InlineData("conv zero kernel")]
    [InlineData("conv zero stride")]
    [InlineData("conv negative padding")]
    [InlineData("max pool padding above size/2")]
    [InlineData("avg pool padding above size/2")]
    [InlineData("max pool inexact")]
    [InlineData("avg pool inexact with explicit stride")]
    [InlineData("pool negative stride")]
    [InlineData("pool zero size")]
    [InlineData("pool window too large")]
    [InlineData("conv after flatten")]
    [InlineData("pool after dense")]
    [InlineData("dense zero units")]
    [InlineData("leaky slope NaN")]
    [InlineData("null layer")]
    [InlineData("zero channels")]
    [InlineData("negative height")]
    [InlineData("unknown layer")]
    public void Invalid_networks_throw_ArgumentException(string name)
    {
        Func<ReferenceNetwork> create = name switch
        {
            "conv inexact height" => () => new ReferenceNetwork(1, 6, 5, new RefConv2D(1, 2, 2)),
            "conv inexact width" => () => new ReferenceNetwork(1, 5, 6, new RefConv2D(1, 2, 2)),
            "conv window too large" => () => new ReferenceNetwork(1, 2, 2, new RefConv2D(1, 5, 1, 1)),
            "conv zero filters" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(0, 1)),
            "conv zero kernel" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 0)),
            "conv zero stride" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 1, 0)),
            "conv negative padding" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 1, 1, -1)),
            "max pool padding above size/2" => () => new ReferenceNetwork(1, 4, 4, new RefMaxPool2D(2, 1, 2)),
            "avg pool padding above size/2" => () => new ReferenceNetwork(1, 4, 4, new RefAvgPool2D(3, 1, 2)),
            "max pool inexact" => () => new ReferenceNetwork(1, 5, 4, new RefMaxPool2D(2)),
            "avg pool inexact with explicit stride" => () => new ReferenceNetwork(1, 4, 4, new RefAvgPool2D(3, 2)),
            "pool negative stride" => () => new ReferenceNetwork(1, 4, 4, new RefMaxPool2D(2, -2)),
            "pool zero size" => () => new ReferenceNetwork(1, 4, 4, new RefAvgPool2D(0)),
            "pool window too large" => () => new ReferenceNetwork(1, 2, 2, new RefMaxPool2D(3)),
            "conv after flatten" => () => new ReferenceNetwork(1, 4, 4, new RefFlatten(), new RefConv2D(1, 1)),
            "pool after dense" => () => new ReferenceNetwork(1, 4, 4, new RefDense(4), new RefReLU(), new RefMaxPool2D(1)),
            "dense zero units" => () => new ReferenceNetwork(1, 4, 4, new RefDense(0)),
            "leaky slope NaN" => () => new ReferenceNetwork(1, 4, 4, new RefLeakyReLU(double.NaN)),
            "null layer" => () => new ReferenceNetwork(1, 4, 4, new RefReLU(), null!),
            "zero channels" => () => new ReferenceNetwork(0, 4, 4, new RefReLU()),
            "negative height" => () => new ReferenceNetwork(1, -4, 4, new RefReLU()),
            "unknown layer" => () => new ReferenceNetwork(1, 4, 4, new UnknownLayer()),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => create());
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Inexact_shape_message_names_the_layer_and_the_arithmetic()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => new ReferenceNetwork(3, 11, 13, new RefConv2D(4, 3, 2), new RefConv2D(6, 3, 3, 2)));
        Assert.Contains("Layer 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("width", e.Message, StringComparison.Ordinal);
        Assert.Contains("(6 + 2*2 - 3) / 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_lengths_and_order_of_calls_are_rejected()
    {
        var net = new ReferenceNetwork(1, 2, 2, new RefDense(1));
        Assert.Throws<InvalidOperationException>(() => net.Backward([1.0]));
        Assert.Throws<ArgumentException>(() => net.Forward(new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => net.Forward(new float[5], new float[3]));
        Assert.Throws<ArgumentException>(() => net.Forward(new double[6], new double[4]));
        net.Forward(new float[5], new float[4]);
        Assert.Throws<ArgumentException>(() => net.Backward([1.0, 2.0]));
    }

    [Fact]
    public void Forward_keeps_activations_and_returns_a_copy()
    {
        var net = new ReferenceNetwork(1, 1, 2, new RefLeakyReLU(0.5), new RefTanh());
        double[] y = net.Forward([], [-2, 1]);
        Assert.Equal([-2.0, 1], net.GetActivation(-1));
        Assert.Equal([-1.0, 1], net.GetActivation(0));
        Assert.Equal(y, net.GetActivation(1));
        y[0] = 42;
        Assert.NotEqual(42, net.GetActivation(1)[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.GetActivation(2));
    }

    [Fact]
    public void Float_and_double_Forward_agree_exactly()
    {
        var net = new ReferenceNetwork(2, 3, 3, new RefConv2D(2, 2), new RefSigmoid(), new RefDense(3));
        var random = new Random(7);
        float[] p = new float[net.ParameterCount];
        float[] x = new float[net.InputLength];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (float)(random.NextDouble() - 0.5);
        }
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() - 0.5);
        }
        double[] fromFloat = net.Forward(p, x);
        double[] fromDouble = net.Forward(Array.ConvertAll(p, v => (double)v), Array.ConvertAll(x, v => (double)v));
        Assert.Equal(fromDouble, fromFloat);
    }

    [Fact]
    public void FiniteDifferences_of_a_known_function()
    {
        // f(x) = x0^2 * x1 + sin(x2): gradient [2 x0 x1, x0^2, cos(x2)]
        double[] x = [1.5, -2, 0.3];
        double[] g = FiniteDifferences.Gradient(v => v[0] * v[0] * v[1] + Math.Sin(v[2]), x);
        Assert.Equal(2 * 1.5 * -2, g[0], 1e-8);
        Assert.Equal(1.5 * 1.5, g[1], 1e-8);
        Assert.Equal(Math.Cos(0.3), g[2], 1e-8);
        Assert.Equal([1.5, -2, 0.3], x); // unchanged
        Assert.Throws<ArgumentException>(() => FiniteDifferences.Gradient(v => v[0], x, 0));
    }

    private sealed record UnknownLayer : RefLayer;
}

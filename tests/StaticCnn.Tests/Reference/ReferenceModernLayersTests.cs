using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Reference;

/// <summary>
/// The reference's convolution and pooling geometry (rectangular kernels, per-dimension strides, asymmetric and
/// 'same' padding, dilation, groups, no bias, count_include_pad=False), its newer layers (batch normalisation,
/// dropout, global pooling, ReLU6, hard sigmoid, hard swish, SiLU, GELU, softmax) and its batch API: small cases
/// worked out by hand in the comments, then central finite differences of single samples and of whole batches
/// (batch normalisation in training mode couples the samples).
/// </summary>
public sealed class ReferenceModernLayersTests
{
    private const double Tolerance = 1e-12;

    // Central differences with h = 1e-6 in double: truncation ~ h^2 |f'''| and rounding ~ eps |L| / h ~ 1e-10 |L|,
    // so 1e-6 relative (to max(1, |g|)) leaves a wide margin.
    private const double FiniteDifferenceTolerance = 1e-6;

    // x (1x3x4) =  1  2  3  4
    //              5  6  7  8
    //              9 10 11 12
    private static readonly double[] Twelve = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    // ================================================================ convolution geometry

    [Fact]
    public void Conv2D_rectangular_kernel()
    {
        // Kernel 2 high x 3 wide, w = [1 2 3; 4 5 6], bias 0.5, stride 1: out (3 - 2 + 1) x (4 - 3 + 1) = 2x2.
        var net = new ReferenceNetwork(1, 3, 4, new RefConv2D(1, 3) { KernelHeight = 2 });
        Assert.Equal((1, 2, 2), net.OutputShapes[0]);
        Assert.Equal(2 * 3 + 1, net.ParameterCount);
        double[] y = net.Forward([1, 2, 3, 4, 5, 6, 0.5], Twelve);
        // y(0,0) = 1*1 + 2*2 + 3*3 + 4*5 + 5*6 + 6*7 = 106;  y(0,1) = 2 + 6 + 12 + 24 + 35 + 48 = 127
        // y(1,0) = 5 + 12 + 21 + 36 + 50 + 66 = 190;         y(1,1) = 6 + 14 + 24 + 40 + 55 + 72 = 211
        AssertClose([106.5, 127.5, 190.5, 211.5], y);

        // dW(ky,kx) = sum over the four outputs of x(oy+ky, ox+kx): 1+2+5+6 = 14, 18, 22, 5+6+9+10 = 30, 34, 38.
        ReferenceGradients g = net.Backward([1, 1, 1, 1]);
        AssertClose([14, 18, 22, 30, 34, 38, 4], g.Parameters);
    }

    [Fact]
    public void Conv2D_per_dimension_strides()
    {
        // 1x1 kernel of weight 1, stride 2 down and 3 across: out (3 - 1) / 2 + 1 = 2 by (4 - 1) / 3 + 1 = 2,
        // picking rows 0, 2 and columns 0, 3.
        var net = new ReferenceNetwork(1, 3, 4, new RefConv2D(1, 1) { StrideHeight = 2, StrideWidth = 3 });
        AssertClose([1, 4, 9, 12], net.Forward([1, 0], Twelve));
        // Only the four picked cells get gradient.
        AssertClose([1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4], net.Backward([1, 2, 3, 4]).Input);
    }

    [Fact]
    public void Conv2D_asymmetric_padding()
    {
        // x = [1 2; 3 4], 1x1 kernel of weight 1: one zero row above, none below, none left, two zero columns right:
        // out (2 + 1 + 0 - 1) + 1 = 3 by (2 + 0 + 2 - 1) + 1 = 4.
        var net = new ReferenceNetwork(1, 2, 2,
            new RefConv2D(1, 1) { PadTop = 1, PadBottom = 0, PadLeft = 0, PadRight = 2 });
        Assert.Equal((1, 3, 4), net.OutputShapes[0]);
        Assert.Equal((1, 0, 0, 2), net.Paddings[0]);
        AssertClose([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0], net.Forward([1, 0], [1, 2, 3, 4]));
        AssertClose([5, 6, 9, 10], net.Backward([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).Input);

        // Padding 1 everywhere except PadTop = 0; 2x2 kernel of ones: out (2 + 0 + 1 - 2) + 1 = 2 by
        // (2 + 1 + 1 - 2) + 1 = 3. Rows: windows 0..1 and 1..2 (2 is padding); columns -1..0, 0..1, 1..2.
        var mixed = new ReferenceNetwork(1, 2, 2, new RefConv2D(1, 2, Padding: 1) { PadTop = 0 });
        Assert.Equal((0, 1, 1, 1), mixed.Paddings[0]);
        // y(0,*) = [1+3, 1+2+3+4, 2+4] = [4, 10, 6]; y(1,*) = [3, 3+4, 4]
        AssertClose([4, 10, 6, 3, 7, 4], mixed.Forward([1, 1, 1, 1, 0], [1, 2, 3, 4]));
    }

    [Fact]
    public void Same_padding_stride_1()
    {
        // N = 4, k = 3, S = 1: out 4, total padding (4 - 1) * 1 + 3 - 4 = 2: one each side. Kernel 1x3 = [1 10 100].
        var odd = new ReferenceNetwork(1, 1, 4, new RefConv2D(1, 3) { KernelHeight = 1, Same = true });
        Assert.Equal((1, 1, 4), odd.OutputShapes[0]);
        Assert.Equal((0, 0, 1, 1), odd.Paddings[0]);
        // y0 = 0*1 + 1*10 + 2*100 = 210, y1 = 1 + 20 + 300 = 321, y2 = 432, y3 = 3 + 40 + 0 = 43
        AssertClose([210, 321, 432, 43], odd.Forward([1, 10, 100, 0], [1, 2, 3, 4]));

        // k = 4: total 3, floor(3 / 2) = 1 before and 2 after (the extra cell goes after).
        var even = new ReferenceNetwork(1, 1, 4, new RefConv2D(1, 4) { KernelHeight = 1, Same = true });
        Assert.Equal((0, 0, 1, 2), even.Paddings[0]);
        // Windows read columns -1..2, 0..3, 1..4, 2..5 with kernel [1 10 100 1000]:
        // 10*1 + 100*2 + 1000*3 = 3210, 4321, 2 + 30 + 400 = 432, 3 + 40 = 43.
        AssertClose([3210, 4321, 432, 43], even.Forward([1, 10, 100, 1000, 0], [1, 2, 3, 4]));
    }

    [Fact]
    public void Same_padding_stride_2_puts_the_odd_cell_after()
    {
        // H = 32, k = 3, S = 2: out 16, total max(15*2 + 3 - 32, 0) = 1 -> 0 top, 1 bottom.
        // W = 49, k = 10, S = 2: out 25, total max(24*2 + 10 - 49, 0) = 9 -> 4 left, 5 right.
        var conv = new ReferenceNetwork(1, 32, 49,
            new RefConv2D(2, 3, Stride: 2) { KernelWidth = 10, Same = true });
        Assert.Equal((2, 16, 25), conv.OutputShapes[0]);
        Assert.Equal((0, 1, 4, 5), conv.Paddings[0]);

        var max = new ReferenceNetwork(1, 32, 49, new RefMaxPool2D(3, Stride: 2) { KernelWidth = 10, Same = true });
        var avg = new ReferenceNetwork(1, 32, 49, new RefAvgPool2D(3, Stride: 2) { KernelWidth = 10, Same = true });
        Assert.Equal((1, 16, 25), max.OutputShapes[0]);
        Assert.Equal((0, 1, 4, 5), max.Paddings[0]);
        Assert.Equal((0, 1, 4, 5), avg.Paddings[0]);

        // N = 4, k = 3, S = 2: out 2, total 2 + 3 - 4 = 1 -> 0 before, 1 after. Kernel [1 10 100]:
        // y0 = columns 0..2 = 1 + 20 + 300 = 321, y1 = columns 2..4 = 3 + 40 + 0 = 43.
        var small = new ReferenceNetwork(1, 1, 4, new RefConv2D(1, 3, Stride: 2) { KernelHeight = 1, Same = true });
        AssertClose([321, 43], small.Forward([1, 10, 100, 0], [1, 2, 3, 4]));

        // 'same' ignores Rounding (Exact here, though (6 - 1) / 4 does not divide) and clamps the padding at 0:
        // N = 6, k = 1, S = 4: out ceil(6/4) = 2, total max(4 + 1 - 6, 0) = 0; the windows read columns 0 and 4.
        var clamped = new ReferenceNetwork(1, 1, 6, new RefConv2D(1, 1, Stride: 4) { Same = true });
        Assert.Equal((0, 0, 0, 0), clamped.Paddings[0]);
        AssertClose([1, 5], clamped.Forward([1, 0], [1, 2, 3, 4, 5, 6]));
    }

    [Fact]
    public void Conv2D_dilation()
    {
        // 1x5 input [1..5], kernel 1x2 = [1 10] with dilation 2 across: effective kernel (2 - 1) * 2 + 1 = 3, out 3;
        // tap kx reads column ox + 2 kx: y = [1 + 30, 2 + 40, 3 + 50].
        var net = new ReferenceNetwork(1, 1, 5, new RefConv2D(1, 2) { KernelHeight = 1, DilationWidth = 2 });
        Assert.Equal((1, 1, 3), net.OutputShapes[0]);
        AssertClose([31, 42, 53], net.Forward([1, 10, 0], [1, 2, 3, 4, 5]));
        ReferenceGradients g = net.Backward([1, 1, 1]);
        // dx: column 0 only in tap 0 of y0 (1), 1 in tap 0 of y1 (1), 2 in tap 0 of y2 and tap 1 of y0 (1 + 10),
        // 3 and 4 in tap 1 only (10); dW = [1+2+3, 3+4+5], dBias 3.
        AssertClose([1, 1, 11, 10, 10], g.Input);
        AssertClose([6, 12, 3], g.Parameters);

        // 'same' uses the effective kernel: k = 3, dilation 2 -> 5, total 4 -> 2 and 2.
        var same = new ReferenceNetwork(1, 1, 5,
            new RefConv2D(1, 3) { KernelHeight = 1, DilationWidth = 2, Same = true });
        Assert.Equal((0, 0, 2, 2), same.Paddings[0]);
        Assert.Equal((1, 1, 5), same.OutputShapes[0]);
        // Dilation down: 4x1 input, kernel 2x1 = [1; 10], dilation 3: effective 4, out 1 = 1 + 10 * 4.
        var down = new ReferenceNetwork(1, 4, 1, new RefConv2D(1, 2) { KernelWidth = 1, DilationHeight = 3 });
        AssertClose([41], down.Forward([1, 10, 0], [1, 2, 3, 4]));
    }

    [Fact]
    public void Conv2D_groups()
    {
        // Input 4x1x1 = [1, 2, 3, 4], 2 filters in 2 groups: filter 0 sees channels 0, 1 and filter 1 channels 2, 3.
        // Weight [2, 2, 1, 1] = [1, 10 | 100, 1000], bias [0.5, -0.5]:
        // y0 = 1*1 + 10*2 + 0.5 = 21.5, y1 = 100*3 + 1000*4 - 0.5 = 4299.5.
        var net = new ReferenceNetwork(4, 1, 1, new RefConv2D(2, 1) { Groups = 2 });
        Assert.Equal(2 * 2 + 2, net.ParameterCount);
        AssertClose([21.5, 4299.5], net.Forward([1, 10, 100, 1000, 0.5, -0.5], [1, 2, 3, 4]));
        ReferenceGradients g = net.Backward([1, 2]);
        // dW = dy(filter) * x(its channels) = [1, 2 | 2*3, 2*4], dBias = dy; dx = W * dy(filter of its group).
        AssertClose([1, 2, 6, 8, 1, 2], g.Parameters);
        AssertClose([1, 10, 200, 2000], g.Input);
    }

    [Fact]
    public void Conv2D_depthwise_with_channel_multiplier_and_no_bias()
    {
        // Depthwise: Groups = C = 2, Filters = 2 * 2 (multiplier 2): filters 0, 1 see channel 0 = [1, 2], filters
        // 2, 3 channel 1 = [3, 4]. Weight [4, 1, 1, 1] = [1, 2, 3, 4], no bias: 4 parameters.
        var net = new ReferenceNetwork(2, 1, 2, new RefConv2D(4, 1) { Groups = 2, Bias = false });
        Assert.Equal(4, net.ParameterCount);
        AssertClose([1, 2, 2, 4, 9, 12, 12, 16], net.Forward([1, 2, 3, 4], [1, 2, 3, 4]));
        ReferenceGradients g = net.Backward([1, 1, 1, 1, 1, 1, 1, 1]);
        // dW(f) = sum of its channel: [3, 3, 7, 7]; dx(channel 0) = w0 + w1 = 3, dx(channel 1) = w2 + w3 = 7.
        AssertClose([3, 3, 7, 7], g.Parameters);
        AssertClose([3, 3, 7, 7], g.Input);

        // Without a bias a convolution has Filters fewer parameters: 3 * 2 * 3 * 3 = 54 instead of 57.
        Assert.Equal(57, new ReferenceNetwork(2, 5, 5, new RefConv2D(3, 3)).ParameterCount);
        Assert.Equal(54, new ReferenceNetwork(2, 5, 5, new RefConv2D(3, 3) { Bias = false }).ParameterCount);
        // A bias-free 1x1 convolution of weight 2 is exactly 2x.
        var doubling = new ReferenceNetwork(1, 1, 2, new RefConv2D(1, 1) { Bias = false });
        AssertClose([-2, 6], doubling.Forward([2], [-1, 3]));
    }

    // ================================================================ pooling geometry

    [Fact]
    public void Pools_with_rectangular_windows_default_to_a_stride_per_dimension()
    {
        // x (1x2x4) = 1 5 2 0 ; 3 4 8 7. A 2-high, 1-wide window has stride (2, 1): out 1x4, the column maxima.
        double[] x = [1, 5, 2, 0, 3, 4, 8, 7];
        var max = new ReferenceNetwork(1, 2, 4, new RefMaxPool2D(2) { KernelWidth = 1 });
        Assert.Equal((1, 1, 4), max.OutputShapes[0]);
        AssertClose([3, 5, 8, 7], max.Forward([], x));
        AssertClose([0, 2, 0, 0, 1, 0, 3, 4], max.Backward([1, 2, 3, 4]).Input);

        // A 1-high, 2-wide average has stride (1, 2): out 2x2 = [(1+5)/2, (2+0)/2 ; (3+4)/2, (8+7)/2].
        var avg = new ReferenceNetwork(1, 2, 4, new RefAvgPool2D(1) { KernelWidth = 2 });
        AssertClose([3, 1, 3.5, 7.5], avg.Forward([], x));
        AssertClose([0.5, 0.5, 1, 1, 1.5, 1.5, 2, 2], avg.Backward([1, 2, 3, 4]).Input);

        // An explicit StrideWidth overrides Stride for that dimension only.
        var strided = new ReferenceNetwork(1, 4, 6, new RefMaxPool2D(2, Stride: 2) { StrideWidth = 1 });
        Assert.Equal((1, 2, 5), strided.OutputShapes[0]);
    }

    [Fact]
    public void Pools_with_same_padding()
    {
        // x (1x1x3) = [1, 2, 3], window 1x2, stride = window: out ceil(3/2) = 2, total padding 2 + 2 - 3 = 1, all
        // after. The second window holds the 3 and one padded cell.
        var max = new ReferenceNetwork(1, 1, 3, new RefMaxPool2D(2) { KernelHeight = 1, Same = true });
        Assert.Equal((1, 1, 2), max.OutputShapes[0]);
        Assert.Equal((0, 0, 0, 1), max.Paddings[0]);
        AssertClose([2, 3], max.Forward([], [1, 2, 3]));
        AssertClose([-1, -3], max.Forward([], [-1, -2, -3])); // padding is -infinity: it never wins
        AssertClose([1, 0, 2], max.Backward([1, 2]).Input); // -1 wins the first window, -3 the second

        // Average, TensorFlow style (padding not counted): [(1+2)/2, 3/1]; PyTorch style: [(1+2)/2, (3+0)/2].
        var excluding = new ReferenceNetwork(1, 1, 3,
            new RefAvgPool2D(2) { KernelHeight = 1, Same = true, CountIncludePadding = false });
        AssertClose([1.5, 3], excluding.Forward([], [1, 2, 3]));
        AssertClose([0.5, 0.5, 1], excluding.Backward([1, 1]).Input);
        var including = new ReferenceNetwork(1, 1, 3, new RefAvgPool2D(2) { KernelHeight = 1, Same = true });
        AssertClose([1.5, 1.5], including.Forward([], [1, 2, 3]));
        AssertClose([0.5, 0.5, 0.5], including.Backward([1, 1]).Input);
    }

    [Fact]
    public void AvgPool2D_without_counting_padding()
    {
        // PyTorch count_include_pad=False. Size 2, padding 1 on [1 2; 3 4]: each window holds one real cell, which
        // is its average.
        var corners = new ReferenceNetwork(1, 2, 2, new RefAvgPool2D(2, Padding: 1) { CountIncludePadding = false });
        AssertClose([1, 2, 3, 4], corners.Forward([], [1, 2, 3, 4]));
        AssertClose([1, 2, 3, 4], corners.Backward([1, 2, 3, 4]).Input);

        // 3x3, stride 1, padding 1 on 1..9: the corners average 4 real cells, the edges 6, the centre 9:
        // [12/4, 21/6, 16/4, 27/6, 45/9, 33/6, 24/4, 39/6, 28/4].
        var net = new ReferenceNetwork(1, 3, 3,
            new RefAvgPool2D(3, Stride: 1, Padding: 1) { CountIncludePadding = false });
        AssertClose([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7], net.Forward([], [1, 2, 3, 4, 5, 6, 7, 8, 9]));
        // Backward with dy = 1: cell (0,0) is in windows (0,0) /4, (0,1) /6, (1,0) /6, (1,1) /9.
        double[] dx = net.Backward([1, 1, 1, 1, 1, 1, 1, 1, 1]).Input;
        Assert.Equal(1 / 4.0 + 2 / 6.0 + 1 / 9.0, dx[0], Tolerance);
    }

    [Fact]
    public void Pools_with_asymmetric_padding()
    {
        // x = [-1 -2; -3 -4], window 2x2, stride 1, one padded row below and one padded column right: out 2x2.
        double[] x = [-1, -2, -3, -4];
        var max = new ReferenceNetwork(1, 2, 2, new RefMaxPool2D(2, Stride: 1) { PadBottom = 1, PadRight = 1 });
        Assert.Equal((1, 2, 2), max.OutputShapes[0]);
        Assert.Equal((0, 1, 0, 1), max.Paddings[0]);
        // Each window's top-left cell is its maximum; padding never wins.
        AssertClose([-1, -2, -3, -4], max.Forward([], x));

        // Counting padding: every window lies inside the padded 3x3, divisor 4:
        // [(-1-2-3-4)/4, (-2-4)/4, (-3-4)/4, -4/4]. Not counting it: divisors 4, 2, 2, 1.
        var including = new ReferenceNetwork(1, 2, 2, new RefAvgPool2D(2, Stride: 1) { PadBottom = 1, PadRight = 1 });
        AssertClose([-2.5, -1.5, -1.75, -1], including.Forward([], x));
        var excluding = new ReferenceNetwork(1, 2, 2,
            new RefAvgPool2D(2, Stride: 1) { PadBottom = 1, PadRight = 1, CountIncludePadding = false });
        AssertClose([-2.5, -3, -3.5, -4], excluding.Forward([], x));
    }

    [Theory]
    [InlineData("groups do not divide the channels")]
    [InlineData("groups do not divide the filters")]
    [InlineData("zero groups")]
    [InlineData("zero dilation")]
    [InlineData("negative kernel height")]
    [InlineData("kernel width falls back to a zero kernel size")]
    [InlineData("negative stride height")]
    [InlineData("negative explicit padding")]
    [InlineData("pool explicit padding above kernel/2")]
    [InlineData("pool padding above the rectangular kernel/2")]
    [InlineData("pool negative stride width")]
    [InlineData("batch norm zero epsilon")]
    [InlineData("batch norm momentum above 1")]
    [InlineData("dropout P = 1")]
    [InlineData("dropout negative P")]
    [InlineData("dropout NaN P")]
    [InlineData("global pool after flatten")]
    public void Invalid_modern_layers_throw_ArgumentException(string name)
    {
        Func<ReferenceNetwork> create = name switch
        {
            "groups do not divide the channels" => () => new ReferenceNetwork(3, 4, 4, new RefConv2D(2, 1) { Groups = 2 }),
            "groups do not divide the filters" => () => new ReferenceNetwork(4, 4, 4, new RefConv2D(3, 1) { Groups = 2 }),
            "zero groups" => () => new ReferenceNetwork(4, 4, 4, new RefConv2D(2, 1) { Groups = 0 }),
            "zero dilation" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 2) { DilationWidth = 0 }),
            "negative kernel height" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 2) { KernelHeight = -1 }),
            "kernel width falls back to a zero kernel size" =>
                () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 0) { KernelHeight = 2 }),
            "negative stride height" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 1) { StrideHeight = -1 }),
            "negative explicit padding" => () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 1) { PadLeft = -1 }),
            "pool explicit padding above kernel/2" =>
                () => new ReferenceNetwork(1, 4, 4, new RefMaxPool2D(2, 1) { PadTop = 2 }),
            "pool padding above the rectangular kernel/2" =>
                () => new ReferenceNetwork(1, 4, 4, new RefAvgPool2D(3, 1, 1) { KernelHeight = 1 }),
            "pool negative stride width" => () => new ReferenceNetwork(1, 4, 4, new RefMaxPool2D(2) { StrideWidth = -2 }),
            "batch norm zero epsilon" => () => new ReferenceNetwork(1, 4, 4, new RefBatchNorm(0)),
            "batch norm momentum above 1" => () => new ReferenceNetwork(1, 4, 4, new RefBatchNorm(Momentum: 1.5)),
            "dropout P = 1" => () => new ReferenceNetwork(1, 4, 4, new RefDropout(1)),
            "dropout negative P" => () => new ReferenceNetwork(1, 4, 4, new RefDropout(-0.1)),
            "dropout NaN P" => () => new ReferenceNetwork(1, 4, 4, new RefDropout(double.NaN)),
            "global pool after flatten" => () => new ReferenceNetwork(1, 4, 4, new RefFlatten(), new RefGlobalMaxPool2D()),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => create());
        Assert.Contains("Layer ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inexact_asymmetric_shape_message_shows_both_paddings()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => new ReferenceNetwork(1, 4, 4, new RefConv2D(1, 2, Stride: 2) { PadTop = 1, PadBottom = 0 }));
        Assert.Contains("height", e.Message, StringComparison.Ordinal);
        Assert.Contains("(4 + 1 + 0 - 2) / 2", e.Message, StringComparison.Ordinal);
        // Floor takes it: (4 + 1 - 2) / 2 + 1 = 2.
        var floor = new ReferenceNetwork(1, 4, 4,
            new RefConv2D(1, 2, Stride: 2, Rounding: RefRounding.Floor) { PadTop = 1, PadBottom = 0 });
        Assert.Equal((1, 2, 2), floor.OutputShapes[0]);
    }

    // ================================================================ batch normalisation

    [Fact]
    public void BatchNorm_training_uses_batch_statistics_and_updates_the_running_ones()
    {
        // Input 2x1x1 (per channel over the batch), batch of 3: channel 0 = 1, 2, 6 and channel 1 = 10, 20, 60.
        // Channel 0: mean 3, biased variance (4 + 1 + 9) / 3 = 14/3, unbiased 14/2 = 7.
        // Channel 1: mean 30, biased variance (400 + 100 + 900) / 3 = 1400/3, unbiased 700.
        var net = new ReferenceNetwork(2, 1, 1, new RefBatchNorm(Epsilon: 1e-3, Momentum: 0.5));
        Assert.Equal(4, net.ParameterCount); // weight [2], bias [2]
        Assert.Equal(5, net.BufferCount); // running_mean [2], running_var [2], num_batches_tracked
        double[] buffers = net.CreateDefaultBuffers();
        Assert.Equal([0.0, 0, 1, 1, 0], buffers);
        double[] p = [2, -1, 0.5, 3]; // weight [2, -1], bias [0.5, 3]
        double[][] y = net.ForwardBatch(p, buffers, [[1, 10], [2, 20], [6, 60]], training: true);

        double sd0 = Math.Sqrt(14.0 / 3 + 1e-3), sd1 = Math.Sqrt(1400.0 / 3 + 1e-3);
        AssertClose([(1 - 3) / sd0 * 2 + 0.5, (10 - 30) / sd1 * -1 + 3], y[0]);
        AssertClose([(2 - 3) / sd0 * 2 + 0.5, (20 - 30) / sd1 * -1 + 3], y[1]);
        AssertClose([(6 - 3) / sd0 * 2 + 0.5, (60 - 30) / sd1 * -1 + 3], y[2]);

        // running_mean = 0.5 * 0 + 0.5 * mean = [1.5, 15]; running_var = 0.5 * 1 + 0.5 * unbiased = [4, 350.5].
        AssertClose([1.5, 15, 4, 350.5, 1], buffers);
        // Exactly one update per call: a second call moves them halfway again.
        net.ForwardBatch(p, buffers, [[1, 10], [2, 20], [6, 60]], training: true);
        AssertClose([2.25, 22.5, 5.5, 525.25, 2], buffers);
    }

    [Fact]
    public void BatchNorm2d_normalises_per_channel_over_batch_and_plane()
    {
        // Input 1x1x2, batch [1, 3], [5, 7]: one channel over 4 values, mean 4, biased variance (9+1+1+9)/4 = 5,
        // unbiased 20/3; default epsilon 1e-5 and momentum 0.1.
        var net = new ReferenceNetwork(1, 1, 2, new RefBatchNorm());
        double[] buffers = net.CreateDefaultBuffers();
        double[][] y = net.ForwardBatch([2, 0.5], buffers, [[1, 3], [5, 7]], training: true);
        double sd = Math.Sqrt(5 + 1e-5);
        AssertClose([-3 / sd * 2 + 0.5, -1 / sd * 2 + 0.5], y[0]);
        AssertClose([1 / sd * 2 + 0.5, 3 / sd * 2 + 0.5], y[1]);
        AssertClose([0.4, 0.9 + 0.1 * 20 / 3, 1], buffers);

        // The training gradient goes through the batch mean and variance: whatever dy, each channel's dx sums to 0
        // (shifting every input of a channel changes nothing), and dBias = sum dy, dWeight = sum dy * xhat.
        ReferenceBatchGradients g = net.BackwardBatch([[1, -2], [0.5, 4]]);
        Assert.Equal(0, g.Inputs[0].Sum() + g.Inputs[1].Sum(), 1e-12);
        Assert.Equal(1 - 2 + 0.5 + 4, g.Parameters[1], Tolerance);
        Assert.Equal((1 * -3 + -2 * -1 + 0.5 * 1 + 4 * 3) / sd, g.Parameters[0], Tolerance);
        // With a constant dy the gradient vanishes entirely.
        ReferenceBatchGradients flat = net.BackwardBatch([[2, 2], [2, 2]]);
        Assert.All(flat.Inputs.SelectMany(v => v), v => Assert.Equal(0, v, 1e-12));
    }

    [Fact]
    public void BatchNorm1d_after_dense_normalises_per_feature_over_the_batch()
    {
        // Flatten then BatchNorm: the same numbers as the 2x1x1 case, as BatchNorm1d over 2 features.
        var net = new ReferenceNetwork(1, 1, 2, new RefFlatten(), new RefBatchNorm(1e-3, 0.5));
        double[] buffers = net.CreateDefaultBuffers();
        double[][] y = net.ForwardBatch([1, 1, 0, 0], buffers, [[1, 10], [2, 20], [6, 60]], training: true);
        Assert.Equal(3 / Math.Sqrt(14.0 / 3 + 1e-3), y[2][0], Tolerance);
        Assert.Equal(30 / Math.Sqrt(1400.0 / 3 + 1e-3), y[2][1], Tolerance);
        AssertClose([1.5, 15, 4, 350.5, 1], buffers);
    }

    [Fact]
    public void BatchNorm_evaluation_uses_the_running_statistics()
    {
        // running_mean 1, running_var 3, epsilon 1: deviation sqrt(3 + 1) = 2. Weight 3, bias 1:
        // y = (x - 1) / 2 * 3 + 1: x = 5 -> 7, x = -1 -> -2.
        var net = new ReferenceNetwork(1, 1, 2, new RefBatchNorm(Epsilon: 1));
        double[] buffers = [1, 3, 5];
        double[][] y = net.ForwardBatch([3, 1], buffers, [[5, -1]], training: false);
        AssertClose([7, -2], y[0]);
        Assert.Equal([1.0, 3, 5], buffers); // evaluation does not touch the buffers

        // Backward: the statistics are constants: dx = dy * 3 / 2, dWeight = sum dy * xhat = 1*2 + 10*(-1),
        // dBias = sum dy.
        ReferenceBatchGradients g = net.BackwardBatch([[1, 10]]);
        AssertClose([1.5, 15], g.Inputs[0]);
        AssertClose([-8, 11], g.Parameters);

        // The single-sample Forward is evaluation mode with the Buffers property: the defaults (mean 0, var 1) ...
        Assert.Equal([0.0, 1, 0], net.Buffers);
        AssertClose([5 / Math.Sqrt(2) * 3 + 1, -1 / Math.Sqrt(2) * 3 + 1], net.Forward([3, 1], [5, -1]));
        // ... or any others set, and Backward follows it.
        net.Buffers = buffers;
        AssertClose([7, -2], net.Forward([3, 1], [5, -1]));
        AssertClose([1.5, 15], net.Backward([1, 10]).Input);
        Assert.Throws<ArgumentException>(() => net.Buffers = new double[2]);
    }

    [Fact]
    public void Training_through_the_Buffers_property_feeds_the_single_sample_Forward()
    {
        var net = new ReferenceNetwork(1, 1, 2, new RefBatchNorm(Epsilon: 1, Momentum: 1));
        // Momentum 1: the running statistics become the batch's: mean 4, unbiased variance 20/3.
        net.ForwardBatch([1, 0], net.Buffers, [[1, 3], [5, 7]], training: true);
        AssertClose([4, 20 / 3.0, 1], net.Buffers);
        AssertClose([(4 - 4) / Math.Sqrt(20 / 3.0 + 1), (10 - 4) / Math.Sqrt(20 / 3.0 + 1)],
            net.Forward([1, 0], [4, 10]));
    }

    [Fact]
    public void Buffer_layout_is_layer_after_layer()
    {
        var net = new ReferenceNetwork(2, 3, 3,
            new RefConv2D(3, 1), new RefBatchNorm(), new RefReLU(), new RefFlatten(), new RefDense(4), new RefBatchNorm());
        Assert.Equal([0, 0, 7, 7, 7, 7], net.BufferOffsets);
        Assert.Equal([0, 7, 0, 0, 0, 9], net.BufferCounts);
        Assert.Equal(16, net.BufferCount);
        Assert.Equal([0.0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0], net.CreateDefaultBuffers());
        Assert.Equal(9 + 6 + (27 * 4 + 4) + 8, net.ParameterCount);
        Assert.Equal(new[] { 0, 9, 15, 15, 15, 127 }, net.ParameterOffsets);

        var random = new Random(5);
        double[] buffers = net.CreateDefaultBuffers();
        net.ForwardBatch(Uniform(random, net.ParameterCount, 0.5), buffers,
            [Uniform(random, 18, 1), Uniform(random, 18, 1)], training: true);
        Assert.Equal(1, buffers[6]); // each num_batches_tracked once per call
        Assert.Equal(1, buffers[15]);
        Assert.Empty(new ReferenceNetwork(1, 2, 2, new RefReLU()).CreateDefaultBuffers());
    }

    [Fact]
    public void BatchNorm_training_needs_more_than_one_value_per_channel()
    {
        var net = new ReferenceNetwork(2, 1, 1, new RefBatchNorm());
        double[] buffers = net.CreateDefaultBuffers();
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => net.ForwardBatch([1, 1, 0, 0], buffers, [[1, 2]], training: true));
        Assert.Contains("more than one value per channel", e.Message, StringComparison.Ordinal);
        Assert.Equal([0.0, 0, 1, 1, 0], buffers); // rejected before anything changed
        net.ForwardBatch([1, 1, 0, 0], buffers, [[1, 2]], training: false); // evaluation mode is fine
        // One sample of a 1x2 plane has two values per channel: fine, as in PyTorch.
        var plane = new ReferenceNetwork(1, 1, 2, new RefBatchNorm());
        plane.ForwardBatch([1, 0], plane.CreateDefaultBuffers(), [[1, 2]], training: true);
    }

    // ================================================================ dropout

    [Fact]
    public void Dropout_scales_kept_elements_in_training_and_is_the_identity_in_evaluation()
    {
        // P = 0.75: kept elements are multiplied by 1 / (1 - 0.75) = 4. The mask keeps elements whose index has
        // the parity of the sample; the Dropout is layer 1 (after a ReLU).
        var net = new ReferenceNetwork(1, 1, 4, new RefReLU(), new RefDropout(0.75));
        var calls = new List<(int Layer, int Sample, int Element)>();
        bool Mask(int layer, int sample, int element)
        {
            calls.Add((layer, sample, element));
            return (sample + element) % 2 == 0;
        }

        double[][] y = net.ForwardBatch([], [], [[1, 2, 3, 4], [5, 6, 7, 8]], training: true, Mask);
        AssertClose([4, 0, 12, 0], y[0]);
        AssertClose([0, 24, 0, 32], y[1]);
        Assert.Equal(8, calls.Count);
        Assert.All(calls, c => Assert.Equal(1, c.Layer));
        Assert.Equal(
            [(1, 0, 0), (1, 0, 1), (1, 0, 2), (1, 0, 3), (1, 1, 0), (1, 1, 1), (1, 1, 2), (1, 1, 3)],
            calls.OrderBy(c => c.Sample).ThenBy(c => c.Element));

        // Backward applies the same mask and scale.
        ReferenceBatchGradients g = net.BackwardBatch([[1, 1, 1, 1], [1, 1, 1, 1]]);
        AssertClose([4, 0, 4, 0], g.Inputs[0]);
        AssertClose([0, 4, 0, 4], g.Inputs[1]);

        // Evaluation mode and the single-sample Forward: the identity, no mask needed.
        AssertClose([1, 2, 3, 4], net.ForwardBatch([], [], [[1, 2, 3, 4]], training: false)[0]);
        AssertClose([1, 2, 3, 4], net.Forward([], [1, 2, 3, 4]));
        AssertClose([1, 1, 1, 1], net.Backward([1, 1, 1, 1]).Input);

        // Training mode without a mask is an error.
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => net.ForwardBatch([], [], [[1, 2, 3, 4]], training: true));
        Assert.Equal("dropoutMask", e.ParamName);

        // P = 0 is the identity even in training, as in PyTorch (the mask is not consulted).
        var none = new ReferenceNetwork(1, 1, 2, new RefDropout(0));
        AssertClose([1, 2], none.ForwardBatch([], [], [[1, 2]], training: true, (_, _, _) => false)[0]);
    }

    // ================================================================ global pooling

    [Fact]
    public void GlobalAvgPool2D_averages_each_plane()
    {
        // 2x2x2: channel 0 = 1 2 3 4 -> 2.5, channel 1 = 10 20 30 40 -> 25; output stays spatial, 2x1x1.
        var net = new ReferenceNetwork(2, 2, 2, new RefGlobalAvgPool2D());
        Assert.Equal((2, 1, 1), net.OutputShapes[0]);
        AssertClose([2.5, 25], net.Forward([], [1, 2, 3, 4, 10, 20, 30, 40]));
        AssertClose([1, 1, 1, 1, 2, 2, 2, 2], net.Backward([4, 8]).Input);
        // Spatial output: a convolution may follow.
        Assert.Equal((1, 1, 1), new ReferenceNetwork(2, 3, 3, new RefGlobalAvgPool2D(), new RefConv2D(1, 1)).OutputShapes[1]);
    }

    [Fact]
    public void GlobalMaxPool2D_sends_the_gradient_to_the_first_maximum_and_NaN_wins()
    {
        // channel 0 = 1 4 4 2: the first 4 (index 1) wins; channel 1 = 3 NaN 7 1: the NaN wins (as in PyTorch),
        // and 7 > NaN is false, so it stays.
        var net = new ReferenceNetwork(2, 2, 2, new RefGlobalMaxPool2D());
        Assert.Equal((2, 1, 1), net.OutputShapes[0]);
        double[] y = net.Forward([], [1, 4, 4, 2, 3, double.NaN, 7, 1]);
        Assert.Equal(4, y[0]);
        Assert.True(double.IsNaN(y[1]));
        AssertClose([0, 1, 0, 0, 0, 2, 0, 0], net.Backward([1, 2]).Input);
    }

    // ================================================================ activations

    [Fact]
    public void ReLU6_values_and_gradient_at_the_kinks()
    {
        // Gradient 1 only strictly inside (0, 6): 0 at both kinks.
        var net = new ReferenceNetwork(1, 1, 5, new RefReLU6());
        AssertClose([0, 0, 3, 6, 6], net.Forward([], [-1, 0, 3, 6, 7]));
        AssertClose([0, 0, 1, 0, 0], net.Backward([1, 1, 1, 1, 1]).Input);
    }

    [Fact]
    public void HardSigmoid_values_and_gradient_at_the_kinks()
    {
        // relu6(x + 3) / 6: [0, 0, 1/2, 4.5/6, 1, 1]; gradient 1/6 only strictly inside (-3, 3).
        var net = new ReferenceNetwork(1, 1, 6, new RefHardSigmoid());
        AssertClose([0, 0, 0.5, 0.75, 1, 1], net.Forward([], [-4, -3, 0, 1.5, 3, 4]));
        AssertClose([0, 0, 1 / 6.0, 1 / 6.0, 0, 0], net.Backward([1, 1, 1, 1, 1, 1]).Input);
    }

    [Fact]
    public void HardSwish_values_and_gradient_at_the_kinks()
    {
        // x * relu6(x + 3) / 6: -4 -> 0, -3 -> 0, -1 -> -1 * 2 / 6, 0 -> 0, 1.5 -> 1.5 * 4.5 / 6, 3 -> 3, 4 -> 4.
        var net = new ReferenceNetwork(1, 1, 7, new RefHardSwish());
        AssertClose([0, 0, -1 / 3.0, 0, 1.125, 3, 4], net.Forward([], [-4, -3, -1, 0, 1.5, 3, 4]));
        // PyTorch's hardswish_backward: x < -3 -> 0; -3 <= x <= 3 -> (2x + 3) / 6 (so -1/2 at -3 and 3/2 at 3);
        // x > 3 -> 1.
        AssertClose([0, -0.5, 1 / 6.0, 0.5, 1, 1.5, 1], net.Backward([1, 1, 1, 1, 1, 1, 1]).Input);
    }

    [Fact]
    public void SiLU_values_and_gradient()
    {
        // x * sigmoid(x); gradient sigmoid(x) * (1 + x * (1 - sigmoid(x))): at 0, 0 and 1/2.
        var net = new ReferenceNetwork(1, 1, 3, new RefSiLU());
        AssertClose([0, 0.7310585786300049, -0.2384058440442351], net.Forward([], [0, 1, -2]), 1e-15);
        AssertClose([0.5, 0.9276705118714869, -0.09078424878489547], net.Backward([1, 1, 1]).Input, 1e-15);
    }

    [Fact]
    public void GELU_exact_values_and_gradient()
    {
        // x * Phi(x): GELU(1) = Phi(1) = 0.841344746068542948585..., GELU(-1) = -Phi(-1), GELU(3) = 3 Phi(3);
        // gradient Phi(x) + x phi(x): at 0, 1/2; at 1, 0.8413447460685429 + 0.2419707245191434.
        var net = new ReferenceNetwork(1, 1, 5, new RefGELU());
        double[] y = net.Forward([], [0, 1, -1, 3, -3]);
        AssertClose([0, 0.8413447460685429, -0.15865525393145707, 2.99595030590511, -0.004049694094890287], y, 1e-14);
        double[] d = net.Backward([1, 1, 1, 1, 1]).Input;
        AssertClose([0.5, 1.0833154705876864, -0.08331547058768629, 1.011945647204184, -0.011945647204183927], d, 1e-14);
    }

    [Fact]
    public void GELU_tanh_approximation_values_and_gradient()
    {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): PyTorch's gelu(1, approximate='tanh') = 0.8411919906...
        var net = new ReferenceNetwork(1, 1, 3, new RefGELU(TanhApproximation: true));
        AssertClose([0, 0.8411919906082768, -0.04540230591222494], net.Forward([], [0, 1, -2]), 1e-14);
        AssertClose([0.5, 1.0829640838457826, -0.08609925662361825], net.Backward([1, 1, 1]).Input, 1e-14);
    }

    [Fact]
    public void Erf_and_erfc_match_known_values_to_double_precision()
    {
        // Values to 21 significant digits (Abramowitz and Stegun table 7.1 and its extensions).
        (double X, double Erf)[] erf =
        [
            (0.1, 0.112462916018284892203), (0.5, 0.520499877813046537683), (1, 0.842700792949714869341),
            (2, 0.995322265018952734162), (-1, -0.842700792949714869341),
        ];
        foreach ((double x, double expected) in erf)
        {
            Assert.True(Math.Abs(RefMath.Erf(x) - expected) <= 2e-15 * Math.Abs(expected),
                $"erf({x}) = {RefMath.Erf(x):R}, expected {expected:R}");
        }
        (double X, double Erfc)[] erfc =
        [
            (0.1, 0.887537083981715107797), (1, 0.157299207050285130659), (3, 2.20904969985854413728e-5),
            (5, 1.53745979442803485019e-12), (10, 2.08848758376254475700e-45), (-1, 1.84270079294971486934),
        ];
        foreach ((double x, double expected) in erfc)
        {
            Assert.True(Math.Abs(RefMath.Erfc(x) - expected) <= 2e-15 * Math.Abs(expected),
                $"erfc({x}) = {RefMath.Erfc(x):R}, expected {expected:R}");
        }
        Assert.Equal(0, RefMath.Erf(0));
        Assert.Equal(1, RefMath.Erf(double.PositiveInfinity));
        Assert.Equal(-1, RefMath.Erf(double.NegativeInfinity));
        Assert.Equal(0, RefMath.Erfc(double.PositiveInfinity));
        Assert.Equal(2, RefMath.Erfc(double.NegativeInfinity));
        Assert.True(double.IsNaN(RefMath.Erf(double.NaN)));
        // erf and erfc agree where both are accurate, across the switch points of the implementation.
        for (double x = -4; x <= 4; x += 0.0625)
        {
            Assert.Equal(1.0, RefMath.Erf(x) + RefMath.Erfc(x), 1e-15);
        }
    }

    [Fact]
    public void Softmax_over_channels_sums_to_one_and_is_stable()
    {
        // 3x1x2: pixel 0 has channels [1, 2, 3], pixel 1 [0, 0, 0]. Softmax runs over the channels at each pixel.
        var net = new ReferenceNetwork(3, 1, 2, new RefSoftmax());
        double[] y = net.Forward([], [1, 0, 2, 0, 3, 0]);
        double z = Math.Exp(-2) + Math.Exp(-1) + 1;
        AssertClose([Math.Exp(-2) / z, 1 / 3.0, Math.Exp(-1) / z, 1 / 3.0, 1 / z, 1 / 3.0], y);
        Assert.Equal(1, y[0] + y[2] + y[4], Tolerance);
        Assert.Equal(1, y[1] + y[3] + y[5], Tolerance);

        // Subtracting the maximum keeps huge inputs finite: [1001, 1002, 1003] is [1, 2, 3].
        double[] big = net.Forward([], [1001, -1000, 1002, -1000, 1003, -1000]);
        AssertClose(y, big);

        // Flat data: over all features.
        var flat = new ReferenceNetwork(2, 1, 2, new RefFlatten(), new RefSoftmax());
        Assert.Equal(1, flat.Forward([], [0.5, -1, 2, 3]).Sum(), Tolerance);

        // dx = y * (dy - sum(dy * y)): y = [1/2, 1/2] and dy = [1, 0] give sum 1/2 and dx = [1/4, -1/4].
        var two = new ReferenceNetwork(2, 1, 1, new RefSoftmax());
        AssertClose([0.5, 0.5], two.Forward([], [7, 7]));
        AssertClose([0.25, -0.25], two.Backward([1, 0]).Input);
    }

    // ================================================================ the batch API

    [Fact]
    public void Batches_of_plain_networks_agree_with_single_samples()
    {
        var net = new ReferenceNetwork(2, 5, 5,
            new RefConv2D(3, 3, Padding: 1), new RefTanh(), new RefMaxPool2D(2, Rounding: RefRounding.Floor),
            new RefFlatten(), new RefDense(4));
        Assert.Equal(0, net.BufferCount);
        var random = new Random(11);
        double[] p = Uniform(random, net.ParameterCount, 0.5);
        double[][] inputs = [Uniform(random, 50, 1), Uniform(random, 50, 1), Uniform(random, 50, 1)];
        double[][] dys = [Uniform(random, 4, 1), Uniform(random, 4, 1), Uniform(random, 4, 1)];

        double[][] batch = net.ForwardBatch(p, [], inputs, training: true); // no mode-dependent layers
        ReferenceBatchGradients g = net.BackwardBatch(dys);
        Assert.Throws<InvalidOperationException>(() => net.Backward(dys[0])); // the last pass was a batch
        Assert.Equal(inputs[2], net.GetActivation(-1, 2)); // every sample's activations are kept
        Assert.Equal(batch[1], net.GetActivation(net.Layers.Count - 1, 1));
        double[] sum = new double[net.ParameterCount];
        for (int s = 0; s < inputs.Length; s++)
        {
            Assert.Equal(net.Forward(p, inputs[s]), batch[s]); // bit for bit
            ReferenceGradients single = net.Backward(dys[s]);
            Assert.Equal(single.Input, g.Inputs[s]);
            for (int k = 0; k < sum.Length; k++)
            {
                sum[k] += single.Parameters[k];
            }
        }
        AssertClose(sum, g.Parameters);

        // BackwardBatch after a single-sample Forward is a batch of one.
        net.Forward(p, inputs[1]);
        Assert.Equal(net.Backward(dys[1]).Input, net.BackwardBatch([dys[1]]).Inputs[0]);
    }

    [Fact]
    public void Batch_arguments_are_checked()
    {
        var net = new ReferenceNetwork(1, 1, 2, new RefBatchNorm());
        double[] p = [1, 0];
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(p, new double[2], [[1, 2]], false));
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(p, net.CreateDefaultBuffers(), [], false));
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(p, net.CreateDefaultBuffers(), [[1, 2, 3]], false));
        Assert.Throws<ArgumentException>(() => net.ForwardBatch([1], net.CreateDefaultBuffers(), [[1, 2]], false));
        Assert.Throws<InvalidOperationException>(() => net.BackwardBatch([[1, 1]]));
        net.ForwardBatch(p, net.CreateDefaultBuffers(), [[1, 2], [3, 4]], training: true);
        Assert.Throws<ArgumentException>(() => net.BackwardBatch([[1, 1]])); // two samples ran
        Assert.Throws<ArgumentException>(() => net.BackwardBatch([[1, 1], [1]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.GetActivation(0, 2));
    }

    [Fact]
    public void Finite_difference_helpers_leave_the_buffers_alone()
    {
        var net = new ReferenceNetwork(1, 1, 3, new RefBatchNorm());
        double[] buffers = net.CreateDefaultBuffers();
        double[][] inputs = [[1, 2, 4], [0, -1, 3]];
        double[][] dys = [[1, 0, 2], [-1, 1, 0]];
        FiniteDifferences.BatchParameterGradient(net, [1.5, 0.2], buffers, inputs, dys, training: true);
        FiniteDifferences.BatchInputGradients(net, [1.5, 0.2], buffers, inputs, dys, training: true);
        Assert.Equal([0.0, 1, 0], buffers);
        Assert.Equal([1.0, 2, 4], inputs[0]);
    }

    // ================================================================ finite differences

    private sealed record Case(Func<ReferenceNetwork> Create, double InputScale = 1.0, double ParameterScale = 0.5);

    private static readonly Dictionary<string, Case> SingleCases = new()
    {
        ["conv rectangular, per-dimension strides, asymmetric padding, floor"] = new(() => new ReferenceNetwork(2, 7, 8,
            new RefConv2D(3, 3, Rounding: RefRounding.Floor)
            {
                KernelWidth = 2, StrideHeight = 2, StrideWidth = 3, PadTop = 1, PadBottom = 0, PadLeft = 0, PadRight = 2,
            })),
        ["conv same stride 2, asymmetric"] = new(() => new ReferenceNetwork(2, 8, 9,
            new RefConv2D(3, 3, Stride: 2) { KernelWidth = 4, Same = true })),
        ["conv dilation 2x3 with padding"] = new(() => new ReferenceNetwork(2, 7, 9,
            new RefConv2D(2, 3, Padding: 2) { DilationHeight = 2, DilationWidth = 3 })),
        ["conv dilation same, stride 2 down"] = new(() => new ReferenceNetwork(1, 6, 6,
            new RefConv2D(2, 3) { DilationHeight = 2, DilationWidth = 2, StrideHeight = 2, Same = true })),
        ["conv groups"] = new(() => new ReferenceNetwork(4, 5, 5, new RefConv2D(6, 3, Padding: 1) { Groups = 2 })),
        ["conv depthwise, multiplier 2, no bias"] = new(() => new ReferenceNetwork(3, 5, 6,
            new RefConv2D(6, 3, 2, 1, RefRounding.Floor) { Groups = 3, Bias = false })),
        ["max pool rectangular same"] = new(() => new ReferenceNetwork(2, 5, 7,
            new RefMaxPool2D(2) { KernelHeight = 3, Same = true })),
        ["max pool asymmetric padding ceil"] = new(() => new ReferenceNetwork(2, 5, 6,
            new RefMaxPool2D(3, 2, Rounding: RefRounding.Ceil) { PadTop = 1, PadBottom = 0, PadLeft = 0, PadRight = 1 })),
        ["avg pool same, padding not counted"] = new(() => new ReferenceNetwork(2, 5, 7,
            new RefAvgPool2D(3, 2) { Same = true, CountIncludePadding = false })),
        ["avg pool asymmetric padding counted"] = new(() => new ReferenceNetwork(2, 5, 6,
            new RefAvgPool2D(2, 1) { PadTop = 1, PadRight = 1 })),
        // Ceil mode adds a last window over columns 6..8 of the 8: clipped, it averages two cells.
        ["avg pool rectangular ceil, padding not counted"] = new(() => new ReferenceNetwork(1, 5, 8,
            new RefAvgPool2D(2, Rounding: RefRounding.Ceil) { KernelWidth = 3, CountIncludePadding = false })),
        ["global avg pool"] = new(() => new ReferenceNetwork(3, 3, 4, new RefGlobalAvgPool2D())),
        ["global max pool"] = new(() => new ReferenceNetwork(3, 3, 4, new RefGlobalMaxPool2D())),
        ["relu6"] = new(() => new ReferenceNetwork(2, 3, 4, new RefReLU6()), 8),
        ["hard sigmoid"] = new(() => new ReferenceNetwork(2, 3, 4, new RefHardSigmoid()), 5),
        ["hard swish"] = new(() => new ReferenceNetwork(2, 3, 4, new RefHardSwish()), 5),
        ["silu"] = new(() => new ReferenceNetwork(2, 3, 4, new RefSiLU()), 4),
        ["gelu"] = new(() => new ReferenceNetwork(2, 3, 4, new RefGELU()), 4),
        ["gelu tanh"] = new(() => new ReferenceNetwork(2, 3, 4, new RefGELU(TanhApproximation: true)), 4),
        ["softmax over channels"] = new(() => new ReferenceNetwork(3, 2, 3, new RefSoftmax()), 3),
        ["softmax after dense"] = new(() => new ReferenceNetwork(2, 2, 2, new RefDense(5), new RefSoftmax())),
        ["batch norm, evaluation"] = new(() => new ReferenceNetwork(3, 2, 3, new RefBatchNorm(1e-3))),
        ["dropout, evaluation"] = new(() => new ReferenceNetwork(2, 2, 2, new RefDropout(0.4))),
        ["modern network, evaluation"] = new(() => new ReferenceNetwork(3, 9, 9,
            new RefConv2D(8, 3, Stride: 2) { Same = true }, new RefBatchNorm(), new RefHardSwish(),
            new RefConv2D(8, 3, Padding: 1) { Groups = 8, Bias = false }, new RefBatchNorm(), new RefSiLU(),
            new RefConv2D(6, 1), new RefGELU(), new RefGlobalAvgPool2D(), new RefFlatten(), new RefDense(5),
            new RefDropout(0.2), new RefGELU(TanhApproximation: true), new RefDense(3), new RefSoftmax()), 1, 1),
    };

    public static TheoryData<string> SingleCaseNames => new(SingleCases.Keys);

    [Theory]
    [MemberData(nameof(SingleCaseNames))]
    public void Backward_matches_finite_differences(string name)
    {
        Case @case = SingleCases[name];
        ReferenceNetwork net = @case.Create();
        var random = new Random(StableSeed(name));
        double[] parameters = Uniform(random, net.ParameterCount, @case.ParameterScale);
        double[] input = AwayFromKinks(Uniform(random, net.InputLength, @case.InputScale));
        double[] outputGradient = Uniform(random, net.OutputLength, 1.0);
        net.Buffers = RandomBuffers(net, random); // evaluation mode: running statistics of any valid values

        net.Forward(parameters, input);
        ReferenceGradients analytic = net.Backward(outputGradient);
        double[] numericInput = FiniteDifferences.InputGradient(net, parameters, input, outputGradient);
        double[] numericParameters = FiniteDifferences.ParameterGradient(net, parameters, input, outputGradient);

        AssertNumeric(numericInput, analytic.Input, "input");
        AssertNumeric(numericParameters, analytic.Parameters, "parameters");
        Assert.Contains(analytic.Input, g => Math.Abs(g) > 1e-3);
        if (net.ParameterCount > 0)
        {
            Assert.Contains(analytic.Parameters, g => Math.Abs(g) > 1e-3);
        }
    }

    [Fact]
    public void Every_new_layer_and_option_is_checked_by_finite_differences()
    {
        RefLayer[] layers = SingleCases.Values.Concat(BatchCases.Values.Select(c => c.Single))
            .SelectMany(c => c.Create().Layers).ToArray();
        Type[] kinds =
        [
            typeof(RefBatchNorm), typeof(RefDropout), typeof(RefGlobalAvgPool2D), typeof(RefGlobalMaxPool2D),
            typeof(RefReLU6), typeof(RefHardSigmoid), typeof(RefHardSwish), typeof(RefSiLU), typeof(RefGELU),
            typeof(RefSoftmax),
        ];
        Assert.All(kinds, t => Assert.Contains(layers, l => l.GetType() == t));
        RefConv2D[] convs = layers.OfType<RefConv2D>().ToArray();
        Assert.Contains(convs, c => c.KernelWidth != 0 && c.PadRight is not null);
        Assert.Contains(convs, c => c.Same);
        Assert.Contains(convs, c => c.DilationHeight > 1 && c.DilationWidth > 1);
        Assert.Contains(convs, c => c.Groups > 1 && !c.Bias);
        Assert.Contains(layers.OfType<RefMaxPool2D>(), m => m.Same);
        Assert.Contains(layers.OfType<RefAvgPool2D>(), a => a.Same && !a.CountIncludePadding);
        Assert.Contains(layers.OfType<RefGELU>(), g => g.TanhApproximation);
    }

    private sealed record BatchCase(Case Single, bool Training, int Samples = 3);

    private static readonly Dictionary<string, BatchCase> BatchCases = new()
    {
        ["batch norm 2d, training"] = new(new(() => new ReferenceNetwork(2, 3, 3, new RefBatchNorm())), true),
        ["batch norm 1d after dense, training"] = new(new(() => new ReferenceNetwork(2, 2, 2,
            new RefDense(4), new RefBatchNorm(1e-3, 0.3))), true),
        ["batch norm 2d on a 1x1 plane, training"] = new(new(() => new ReferenceNetwork(3, 1, 1, new RefBatchNorm())), true),
        ["conv, batch norm, silu, global pool, dense, training"] = new(new(() => new ReferenceNetwork(2, 4, 4,
            new RefConv2D(3, 3, Padding: 1), new RefBatchNorm(1e-3, 0.3), new RefSiLU(), new RefGlobalAvgPool2D(),
            new RefFlatten(), new RefDense(2))), true),
        ["batch norm, evaluation"] = new(new(() => new ReferenceNetwork(2, 3, 3, new RefBatchNorm())), false),
        ["dropout, training"] = new(new(() => new ReferenceNetwork(1, 3, 4,
            new RefConv2D(2, 2), new RefDropout(0.3), new RefDense(3))), true),
        ["two batch norms and dropout, training"] = new(new(() => new ReferenceNetwork(2, 4, 5,
            new RefConv2D(4, 3, Padding: 1) { Groups = 2 }, new RefBatchNorm(), new RefGELU(), new RefDropout(0.5),
            new RefConv2D(3, 2, Stride: 2, Rounding: RefRounding.Floor) { Bias = false }, new RefBatchNorm(1e-2, 1),
            new RefTanh(), new RefFlatten(), new RefDense(3), new RefBatchNorm(), new RefSoftmax())), true, 4),
    };

    public static TheoryData<string> BatchCaseNames => new(BatchCases.Keys);

    [Theory]
    [MemberData(nameof(BatchCaseNames))]
    public void BackwardBatch_matches_finite_differences(string name)
    {
        BatchCase @case = BatchCases[name];
        ReferenceNetwork net = @case.Single.Create();
        var random = new Random(StableSeed(name));
        double[] parameters = Uniform(random, net.ParameterCount, 0.5);
        double[] buffers = RandomBuffers(net, random);
        double[][] inputs = new double[@case.Samples][];
        double[][] outputGradients = new double[@case.Samples][];
        for (int s = 0; s < @case.Samples; s++)
        {
            inputs[s] = Uniform(random, net.InputLength, 1.0);
            outputGradients[s] = Uniform(random, net.OutputLength, 1.0);
        }
        // A pure mask: five elements in seven kept, in a pattern that differs per layer and sample.
        static bool Mask(int layer, int sample, int element) => ((layer * 31 + sample) * 17 + element * 5) % 7 < 5;

        double[] trained = (double[])buffers.Clone();
        net.ForwardBatch(parameters, trained, inputs, @case.Training, Mask);
        ReferenceBatchGradients analytic = net.BackwardBatch(outputGradients);
        double[] numericParameters = FiniteDifferences.BatchParameterGradient(
            net, parameters, buffers, inputs, outputGradients, @case.Training, Mask);
        double[][] numericInputs = FiniteDifferences.BatchInputGradients(
            net, parameters, buffers, inputs, outputGradients, @case.Training, Mask);

        AssertNumeric(numericParameters, analytic.Parameters, "parameters");
        for (int s = 0; s < inputs.Length; s++)
        {
            AssertNumeric(numericInputs[s], analytic.Inputs[s], $"input of sample {s}");
            Assert.Contains(analytic.Inputs[s], g => Math.Abs(g) > 1e-3);
        }
        Assert.Contains(analytic.Parameters, g => Math.Abs(g) > 1e-3);
        // Training mode moved the copy's running statistics (and only training mode).
        Assert.Equal(@case.Training && net.BufferCount > 0, !trained.SequenceEqual(buffers));
    }

    [Fact]
    public void BatchNorm_training_couples_the_samples()
    {
        // Changing sample 1 changes the output of sample 0 (through the batch statistics) in training mode only,
        // and so does the gradient: sample 0's input gradient differs from a batch of sample 0 alone.
        var net = new ReferenceNetwork(2, 2, 2, new RefBatchNorm());
        double[] p = [1.5, -0.5, 0.1, 0.2];
        double[] buffers = net.CreateDefaultBuffers();
        double[] x0 = [1, 2, 3, 4, -1, 0, 1, 5];
        double[][] a = net.ForwardBatch(p, (double[])buffers.Clone(), [x0, [0, 0, 0, 1, 2, 2, 2, 2]], training: true);
        double[][] b = net.ForwardBatch(p, (double[])buffers.Clone(), [x0, [9, 9, 9, 1, 2, 2, 2, 7]], training: true);
        Assert.NotEqual(a[0], b[0]);
        double[][] c = net.ForwardBatch(p, buffers, [x0, [0, 0, 0, 1, 2, 2, 2, 2]], training: false);
        double[][] d = net.ForwardBatch(p, buffers, [x0, [9, 9, 9, 1, 2, 2, 2, 7]], training: false);
        Assert.Equal(c[0], d[0]);
    }

    // ================================================================ helpers

    /// <summary>Values uniform in ±scale, kept at least 0.05 * scale away from zero.</summary>
    private static double[] Uniform(Random random, int count, double scale)
    {
        double[] values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double magnitude = 0.05 + 0.95 * random.NextDouble();
            values[i] = (random.Next(2) == 0 ? -1 : 1) * magnitude * scale;
        }
        return values;
    }

    private static readonly double[] Kinks = [-3, 0, 3, 6];

    /// <summary>Moves values off the kinks of ReLU6, hard sigmoid and hard swish (-3, 0, 3, 6) by at least 0.01,
    /// far more than a finite-difference step.</summary>
    private static double[] AwayFromKinks(double[] values)
    {
        foreach (double kink in Kinks)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (Math.Abs(values[i] - kink) < 0.01)
                {
                    values[i] = kink + (values[i] < kink ? -0.05 : 0.05);
                }
            }
        }
        return values;
    }

    /// <summary>Valid buffers away from the defaults: running means in ±0.5, running variances in [0.5, 1.5],
    /// num_batches_tracked 3.</summary>
    private static double[] RandomBuffers(ReferenceNetwork net, Random random)
    {
        double[] buffers = net.CreateDefaultBuffers();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            if (net.Layers[i] is RefBatchNorm)
            {
                int channels = (net.BufferCounts[i] - 1) / 2, offset = net.BufferOffsets[i];
                for (int c = 0; c < channels; c++)
                {
                    buffers[offset + c] = random.NextDouble() - 0.5;
                    buffers[offset + channels + c] = 0.5 + random.NextDouble();
                }
                buffers[offset + 2 * channels] = 3;
            }
        }
        return buffers;
    }

    private static int StableSeed(string name)
    {
        int seed = 23;
        foreach (char c in name)
        {
            seed = unchecked(seed * 31 + c);
        }
        return seed & int.MaxValue;
    }

    private static void AssertNumeric(double[] numeric, double[] analytic, string what)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        for (int i = 0; i < numeric.Length; i++)
        {
            double error = Math.Abs(numeric[i] - analytic[i]);
            Assert.True(error <= FiniteDifferenceTolerance * Math.Max(1, Math.Abs(numeric[i])),
                $"{what}[{i}]: finite differences {numeric[i]:R}, backward {analytic[i]:R}, error {error:E2}");
        }
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, actual {actual[i]:R}");
        }
    }
}

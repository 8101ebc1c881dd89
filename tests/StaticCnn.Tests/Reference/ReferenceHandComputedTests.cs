using System;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Reference;

/// <summary>Tiny networks whose outputs and gradients are worked out by hand in the comments.</summary>
public sealed class ReferenceHandComputedTests
{
    private const double Tolerance = 1e-12;

    // x (1x3x3) =  1 2 3      kernel (2x2) = 1 2      bias = 0.5, stride 1, no padding: output 2x2
    //              4 5 6                     3 4
    //              7 8 9
    private static readonly float[] Nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void Conv2D_2x2_kernel_on_3x3_input()
    {
        var net = new ReferenceNetwork(1, 3, 3, new RefConv2D(1, 2));
        Assert.Equal(5, net.ParameterCount); // 1*1*2*2 weights + 1 bias
        Assert.Equal((1, 2, 2), net.OutputShapes[0]);

        double[] y = net.Forward([1, 2, 3, 4, 0.5f], Nine);
        // y(0,0) = 1*1 + 2*2 + 3*4 + 4*5 + 0.5 = 37.5
        // y(0,1) = 1*2 + 2*3 + 3*5 + 4*6 + 0.5 = 47.5
        // y(1,0) = 1*4 + 2*5 + 3*7 + 4*8 + 0.5 = 67.5
        // y(1,1) = 1*5 + 2*6 + 3*8 + 4*9 + 0.5 = 77.5
        AssertClose([37.5, 47.5, 67.5, 77.5], y);

        ReferenceGradients g = net.Backward([1, 1, 1, 1]);
        // dW(ky,kx) = sum over the 4 outputs of x(oy+ky, ox+kx): dW00 = 1+2+4+5 = 12, dW01 = 2+3+5+6 = 16,
        // dW10 = 4+5+7+8 = 24, dW11 = 5+6+8+9 = 28; dBias = 4 (four outputs).
        AssertClose([12, 16, 24, 28, 4], g.Parameters);
        // dX(i,j) = sum of the kernel weights that touch (i,j): corners get one weight each (1, 2, 3, 4), the
        // centre all four (10), the edges two: (0,1) 1+2 = 3, (1,0) 1+3 = 4, (1,2) 2+4 = 6, (2,1) 3+4 = 7.
        AssertClose([1, 3, 2, 4, 10, 6, 3, 7, 4], g.Input);
    }

    [Fact]
    public void Conv2D_stride_2_padding_1_sums_only_real_cells()
    {
        // 3x3 kernel of ones, stride 2, padding 1 on the 3x3 input: out = (3 + 2 - 3) / 2 + 1 = 2. The windows are
        // centred on the corners, so each sums the 2x2 block of real cells at its corner; bias 0.
        var net = new ReferenceNetwork(1, 3, 3, new RefConv2D(1, 3, Stride: 2, Padding: 1));
        float[] p = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
        double[] y = net.Forward(p, Nine);
        // (0,0): 1+2+4+5 = 12; (0,1): 2+3+5+6 = 16; (1,0): 4+5+7+8 = 24; (1,1): 5+6+8+9 = 28
        AssertClose([12, 16, 24, 28], y);

        ReferenceGradients g = net.Backward([1, 10, 100, 1000]);
        // dX: each cell collects dy of the windows that contain it: the centre is in all four (1111), the edge
        // (0,1) in the top two (11), (1,0) in the left two (101), (1,2) in the right two (1010), (2,1) in the bottom
        // two (1100), and each corner only in its own window.
        AssertClose([1, 11, 10, 101, 1111, 1010, 100, 1100, 1000], g.Input);
        // dW(ky,kx) = sum_o dy(o) * x(2*oy - 1 + ky, 2*ox - 1 + kx): e.g. the centre weight (1,1) sees x(0,0),
        // x(0,2), x(2,0), x(2,2) = 1*1 + 10*3 + 100*7 + 1000*9 = 9731; the top-left weight (0,0) sees only the real
        // cell x(1,1) of the last window: 1000*5 = 5000; the bias gets 1111.
        Assert.Equal(9731, g.Parameters[4], Tolerance);
        Assert.Equal(5000, g.Parameters[0], Tolerance);
        Assert.Equal(1111, g.Parameters[9], Tolerance);
    }

    [Fact]
    public void Conv2D_parameter_layout_is_filters_inChannels_kernel()
    {
        // Input 2x2x2: channel 0 = [1 2; 3 4], channel 1 = [10 20; 30 40]. Two 1x1 filters:
        // weight [2, 2, 1, 1] = [f0c0, f0c1, f1c0, f1c1] = [1, 0.5, 0, -1], bias = [-1, 2].
        var net = new ReferenceNetwork(2, 2, 2, new RefConv2D(2, 1));
        Assert.Equal(6, net.ParameterCount);
        double[] y = net.Forward([1, 0.5f, 0, -1, -1, 2], [1, 2, 3, 4, 10, 20, 30, 40]);
        // filter 0: x0 + 0.5 x1 - 1 = [1+5-1, 2+10-1, 3+15-1, 4+20-1] = [5, 11, 17, 23]
        // filter 1: -x1 + 2 = [-8, -18, -28, -38]
        AssertClose([5, 11, 17, 23, -8, -18, -28, -38], y);

        ReferenceGradients g = net.Backward([1, 1, 1, 1, 0, 0, 0, 0]);
        // Only filter 0 receives gradient: dW(f0,c0) = 1+2+3+4 = 10, dW(f0,c1) = 100, dBias0 = 4.
        AssertClose([10, 100, 0, 0, 4, 0], g.Parameters);
        // dX(c) = dy(f0) * W(f0,c): channel 0 gets 1, channel 1 gets 0.5 at every cell.
        AssertClose([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5], g.Input);
    }

    [Fact]
    public void MaxPool2D_first_maximum_of_a_tie_takes_the_gradient()
    {
        // x (1x4x4) = 1 3 | 2 0     windows (size 2, default stride = 2):
        //             4 2 | 1 2     top-left max 4 at (1,0); top-right: 2 at (0,2) and again at (1,3), the first
        //             ----+----     in row-major order, (0,2), wins; bottom-left all zeros: the first, (2,0), wins;
        //             0 0 | 5 6     bottom-right max 7 at (3,2).
        //             0 0 | 7 -1
        var net = new ReferenceNetwork(1, 4, 4, new RefMaxPool2D(2));
        Assert.Equal((1, 2, 2), net.OutputShapes[0]);
        double[] y = net.Forward([], [1, 3, 2, 0, 4, 2, 1, 2, 0, 0, 5, 6, 0, 0, 7, -1]);
        AssertClose([4, 2, 0, 7], y);

        ReferenceGradients g = net.Backward([1, 2, 3, 4]);
        Assert.Empty(g.Parameters);
        AssertClose([0, 0, 2, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 4, 0], g.Input);
    }

    [Fact]
    public void MaxPool2D_padding_never_wins()
    {
        // x (1x2x2) = -1 -2, size 3, stride 1, padding 1: out = (2 + 2 - 3) / 1 + 1 = 2, and every window covers
        //             -3 -4  all four real cells. Zero padding would give 0; PyTorch pads with -inf, so each output
        // is -1 and all the gradient goes to (0,0).
        var net = new ReferenceNetwork(1, 2, 2, new RefMaxPool2D(3, Stride: 1, Padding: 1));
        AssertClose([-1, -1, -1, -1], net.Forward([], [-1, -2, -3, -4]));
        AssertClose([4, 0, 0, 0], net.Backward([1, 1, 1, 1]).Input);

        // A tie inside the padded windows: -2 -1 ; -1 -2 -> the first -1, at (0,1), wins every window.
        AssertClose([-1, -1, -1, -1], net.Forward([], [-2, -1, -1, -2]));
        AssertClose([0, 4, 0, 0], net.Backward([1, 1, 1, 1]).Input);
    }

    [Fact]
    public void MaxPool2D_overlapping_windows_accumulate_gradient()
    {
        // x (1x2x3) = 1 5 2   size 2, stride 1: out 1x2. Both windows contain the 5 at (0,1), which wins both,
        //             3 4 0   so it receives dy0 + dy1 = 1 + 10.
        var net = new ReferenceNetwork(1, 2, 3, new RefMaxPool2D(2, Stride: 1));
        AssertClose([5, 5], net.Forward([], [1, 5, 2, 3, 4, 0]));
        AssertClose([0, 11, 0, 0, 0, 0], net.Backward([1, 10]).Input);
    }

    [Fact]
    public void AvgPool2D_counts_padding_as_zero_and_divides_by_size_squared()
    {
        // x (1x2x2) = 1 2, size 2, stride 2, padding 1: out = (2 + 2 - 2) / 2 + 1 = 2. Each window holds one real
        //             3 4  cell and three padded ones, and the divisor is still 2*2 = 4: [1/4, 2/4, 3/4, 4/4].
        var net = new ReferenceNetwork(1, 2, 2, new RefAvgPool2D(2, Padding: 1));
        AssertClose([0.25, 0.5, 0.75, 1], net.Forward([], [1, 2, 3, 4]));
        AssertClose([0.25, 0.5, 0.75, 1], net.Backward([1, 2, 3, 4]).Input); // dy / 4 back to the one real cell
    }

    [Fact]
    public void AvgPool2D_3x3_stride_1_padding_1()
    {
        // On the 1..9 input: the corner window (0,0) holds 1+2+4+5 = 12 -> 12/9; the edge window (0,1) holds
        // 1+2+3+4+5+6 = 21 -> 21/9; the centre 45/9 = 5. Backward with dy = 1: each cell gets (number of windows
        // containing it) / 9: corners 4/9, edges 6/9, centre 9/9.
        var net = new ReferenceNetwork(1, 3, 3, new RefAvgPool2D(3, Stride: 1, Padding: 1));
        Assert.Equal((1, 3, 3), net.OutputShapes[0]);
        double[] y = net.Forward([], Nine);
        AssertClose([12 / 9.0, 21 / 9.0, 16 / 9.0, 27 / 9.0, 45 / 9.0, 33 / 9.0, 24 / 9.0, 39 / 9.0, 28 / 9.0], y);
        double[] dx = net.Backward([1, 1, 1, 1, 1, 1, 1, 1, 1]).Input;
        AssertClose([4 / 9.0, 6 / 9.0, 4 / 9.0, 6 / 9.0, 1, 6 / 9.0, 4 / 9.0, 6 / 9.0, 4 / 9.0], dx);
    }

    [Fact]
    public void Pool_stride_0_means_stride_equal_to_size()
    {
        var max = new ReferenceNetwork(3, 6, 9, new RefMaxPool2D(3));
        var avg = new ReferenceNetwork(3, 6, 9, new RefAvgPool2D(3, Stride: 0));
        Assert.Equal((3, 2, 3), max.OutputShapes[0]);
        Assert.Equal((3, 2, 3), avg.OutputShapes[0]);
    }

    [Fact]
    public void Dense_on_flat_input()
    {
        // x = [1, 2, 3]; W = [[1, 0, -1], [0.5, 0.5, 0.5]]; b = [0.1, -0.2]
        // y0 = 1 - 3 + 0.1 = -1.9; y1 = 0.5 * 6 - 0.2 = 2.8
        var net = new ReferenceNetwork(1, 1, 3, new RefFlatten(), new RefDense(2));
        Assert.Equal(8, net.ParameterCount);
        double[] y = net.Forward([1, 0, -1, 0.5f, 0.5f, 0.5f, 0.1f, -0.2f], [1, 2, 3]);
        AssertClose([1 - 3 + (double)0.1f, 3 - (double)0.2f], y);

        ReferenceGradients g = net.Backward([1, 2]);
        // dW = dy x^T = [[1, 2, 3], [2, 4, 6]], db = dy = [1, 2], dx = W^T dy = [1 + 1, 0 + 1, -1 + 1] = [2, 1, 0]
        AssertClose([1, 2, 3, 2, 4, 6, 1, 2], g.Parameters);
        AssertClose([2, 1, 0], g.Input);
    }

    [Fact]
    public void Dense_on_spatial_input_flattens_in_CHW_order()
    {
        // Input 2x1x2: channel 0 = [1, 2], channel 1 = [3, 4]; flattened C,H,W: [1, 2, 3, 4].
        // W = [1, 10, 100, 1000], b = 0 -> y = 1 + 20 + 300 + 4000 = 4321.
        var net = new ReferenceNetwork(2, 1, 2, new RefDense(1));
        Assert.Equal((1, 1, 1), net.OutputShapes[0]);
        AssertClose([4321], net.Forward([1, 10, 100, 1000, 0], [1, 2, 3, 4]));
        AssertClose([1, 10, 100, 1000], net.Backward([1]).Input);
    }

    [Fact]
    public void Activations_and_their_derivatives()
    {
        // x = [-1, 0, ln 3, ln 2]
        double ln3 = Math.Log(3), ln2 = Math.Log(2);
        float[] x = [-1, 0, (float)ln3, (float)ln2];
        double x2 = (float)ln3, x3 = (float)ln2;

        // ReLU: [0, 0, x2, x3]; gradient 1 only where x > 0 (so 0 at x = 0).
        var relu = new ReferenceNetwork(1, 1, 4, new RefReLU());
        AssertClose([0, 0, x2, x3], relu.Forward([], x));
        AssertClose([0, 0, 1, 1], relu.Backward([1, 1, 1, 1]).Input);

        // LeakyReLU(0.1): [-0.1, 0, x2, x3]; gradient 0.1 where x <= 0.
        var leaky = new ReferenceNetwork(1, 1, 4, new RefLeakyReLU(0.1));
        AssertClose([-0.1, 0, x2, x3], leaky.Forward([], x));
        AssertClose([0.1, 0.1, 1, 1], leaky.Backward([1, 1, 1, 1]).Input);

        // Default slope 0.01.
        var leakyDefault = new ReferenceNetwork(1, 1, 1, new RefLeakyReLU());
        AssertClose([-0.02], leakyDefault.Forward([], [-2]));

        // Sigmoid: s(0) = 1/2, s'(0) = 1/4; s(ln 3) = 1 / (1 + 1/3) = 3/4, s' = 3/4 * 1/4 = 3/16 (x is a float
        // here, so compare at 1e-7).
        var sigmoid = new ReferenceNetwork(1, 1, 4, new RefSigmoid());
        double[] s = sigmoid.Forward([], x);
        Assert.Equal(1 / (1 + Math.E), s[0], Tolerance);
        Assert.Equal(0.5, s[1], Tolerance);
        Assert.Equal(0.75, s[2], 1e-7);
        double[] ds = sigmoid.Backward([1, 1, 1, 1]).Input;
        Assert.Equal(0.25, ds[1], Tolerance);
        Assert.Equal(3.0 / 16, ds[2], 1e-7);

        // Tanh: tanh(0) = 0, tanh'(0) = 1; tanh(ln 2) = (4 - 1) / (4 + 1) = 0.6, tanh' = 1 - 0.36 = 0.64.
        var tanh = new ReferenceNetwork(1, 1, 4, new RefTanh());
        double[] t = tanh.Forward([], x);
        Assert.Equal(0, t[1], Tolerance);
        Assert.Equal(0.6, t[3], 1e-7);
        double[] dt = tanh.Backward([1, 1, 1, 1]).Input;
        Assert.Equal(1, dt[1], Tolerance);
        Assert.Equal(0.64, dt[3], 1e-7);
    }

    [Fact]
    public void Flatten_keeps_the_data_and_reports_a_flat_shape()
    {
        var net = new ReferenceNetwork(2, 2, 3, new RefFlatten());
        Assert.Equal((12, 1, 1), net.OutputShapes[0]);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        AssertClose([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], net.Forward([], x));
        double[] dy = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
        AssertClose(dy, net.Backward(dy).Input);
    }

    [Fact]
    public void Backward_composes_layers_by_the_chain_rule()
    {
        // 1x3x3 -> Conv(1, 2) with kernel [1 2; 3 4] and bias -70: the sums of the first test (37, 47, 67, 77) - 70
        // = [-33, -23, -3, 7] -> ReLU -> [0, 0, 0, 7] -> Dense(1) with W = [1, 1, 1, 2], b = 0 -> 14.
        var net = new ReferenceNetwork(1, 3, 3, new RefConv2D(1, 2), new RefReLU(), new RefDense(1));
        Assert.Equal(5 + 5, net.ParameterCount);
        AssertClose([14], net.Forward([1, 2, 3, 4, -70, 1, 1, 1, 2, 0], Nine));

        ReferenceGradients g = net.Backward([1]);
        // dLoss/d(ReLU output) = W = [1, 1, 1, 2]; ReLU passes only the last: [0, 0, 0, 2]. The conv sends 2 * kernel
        // back over the window of output (1,1), the bottom-right 2x2 block: x(1,1) 2, x(1,2) 4, x(2,1) 6, x(2,2) 8.
        AssertClose([0, 0, 0, 0, 2, 4, 0, 6, 8], g.Input);
        // Conv weights: 2 * x over that window = 2 * [5, 6, 8, 9]; conv bias 2; dense W = ReLU output [0, 0, 0, 7];
        // dense bias 1.
        AssertClose([10, 12, 16, 18, 2, 0, 0, 0, 7, 1], g.Parameters);
    }

    internal static void AssertClose(double[] expected, double[] actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, actual {actual[i]:R}");
        }
    }
}

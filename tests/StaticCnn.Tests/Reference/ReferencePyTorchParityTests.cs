using System;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Reference;

/// <summary>
/// The reference reproduces what PyTorch computed for the fixtures in Fixtures/PyTorch (see make_fixtures.py there):
/// logits, parameter gradients and input gradient.
/// </summary>
/// <remarks>
/// Tolerance |reference - torch| &lt;= 1e-4 * max(1, |torch|): PyTorch computes in float32 (unit roundoff 6e-8) and
/// the longest sums here have a few thousand terms of magnitude &lt;= 1, so its own error stays orders of magnitude
/// below 1e-4; an indexing or semantic mistake (a wrong layout, padding, divisor or tie rule) moves values by far more.
/// </remarks>
public sealed class ReferencePyTorchParityTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> FixtureNames => new(PyTorchFixture.Names);

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Forward_and_backward_match_PyTorch(string name)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(name);
        Assert.Equal(name, fixture.Name);
        ReferenceNetwork net = fixture.ToReferenceNetwork();
        Assert.Equal(fixture.Parameters.Length, net.ParameterCount);
        Assert.Equal(fixture.ParameterGradients.Length, net.ParameterCount);
        Assert.Equal(fixture.X.Length, net.InputLength);
        Assert.Equal(fixture.InputGradient.Length, net.InputLength);
        Assert.Equal(fixture.Logits.Length, net.OutputLength);
        Assert.Equal(fixture.OutputGradient.Length, net.OutputLength);

        double[] logits = net.Forward(fixture.Parameters, fixture.X);
        AssertClose(fixture.Logits, logits, name + " logits");

        ReferenceGradients gradients = net.Backward(Array.ConvertAll(fixture.OutputGradient, v => (double)v));
        AssertClose(fixture.ParameterGradients, gradients.Parameters, name + " parameter gradients");
        AssertClose(fixture.InputGradient, gradients.Input, name + " input gradient");
    }

    [Fact]
    public void Tie_fixture_has_tied_and_all_negative_padded_windows()
    {
        // maxpool_ties feeds integer inputs straight into MaxPool2D(3, stride 2, padding 1), so its input gradient
        // (compared above) shows PyTorch's choice among tied maxima. Make sure the data really exercise that: some
        // windows have a tied maximum, and some windows at the border have only negative real cells (where zero
        // padding would win).
        PyTorchFixture fixture = PyTorchFixture.Load("maxpool_ties");
        var pool = Assert.IsType<RefMaxPool2D>(fixture.ToReferenceLayers()[0]);
        (int size, int stride, int pad) = (pool.Size, pool.Stride, pool.Padding);
        int c = fixture.Channels, h = fixture.Height, w = fixture.Width;
        int outH = (h + 2 * pad - size) / stride + 1, outW = (w + 2 * pad - size) / stride + 1;
        int tied = 0, negativeBorder = 0;
        for (int ch = 0; ch < c; ch++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    float max = float.NegativeInfinity;
                    int count = 0;
                    bool border = false;
                    for (int ky = 0; ky < size; ky++)
                    {
                        for (int kx = 0; kx < size; kx++)
                        {
                            int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                            {
                                border = true;
                                continue;
                            }
                            float v = fixture.X[(ch * h + iy) * w + ix];
                            if (v > max)
                            {
                                (max, count) = (v, 1);
                            }
                            else if (v == max)
                            {
                                count++;
                            }
                        }
                    }
                    tied += count > 1 ? 1 : 0;
                    negativeBorder += border && max < 0 ? 1 : 0;
                }
            }
        }
        Assert.True(tied >= 5, $"only {tied} tied windows");
        Assert.True(negativeBorder >= 1, "no all-negative window touches the padding");
    }

    [Fact]
    public void Fixtures_load_with_the_documented_shapes()
    {
        PyTorchFixture lenet = PyTorchFixture.Load("lenet5");
        Assert.Equal([1, 28, 28], lenet.Input);
        Assert.Equal(12, lenet.Layers.Count);
        Assert.Equal(new PyTorchLayer("Conv2D", Filters: 6, KernelSize: 5, Stride: 1, Padding: 2), lenet.Layers[0]);
        Assert.Equal(61706, lenet.Parameters.Length);

        PyTorchFixture activations = PyTorchFixture.Load("activations");
        Assert.Equal(new PyTorchLayer("LeakyReLU", Slope: 0.1), activations.Layers[1]);
        Assert.Equal(new RefLeakyReLU(0.1), activations.ToReferenceLayers()[1]);
        Assert.Equal(new RefAvgPool2D(3, 1, 1), activations.ToReferenceLayers()[4]);

        // "strides" has Dense straight after MaxPool2D: the reference flattens implicitly, as PyTorch did with an
        // inserted nn.Flatten().
        PyTorchFixture strides = PyTorchFixture.Load("strides");
        Assert.Equal([3, 11, 17], strides.Input);
        Assert.Equal(new[] { (4, 5, 8), (4, 5, 8), (6, 3, 4), (6, 2, 3), (5, 1, 1) },
            strides.ToReferenceNetwork().OutputShapes);
    }

    private static void AssertClose(float[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
            if (!(error <= worst))
            {
                (worst, worstIndex) = (error, i);
            }
        }
        Assert.True(worst <= Tolerance,
            $"{what}: element {worstIndex}: torch {expected[Math.Max(worstIndex, 0)]:R}, " +
            $"reference {actual[Math.Max(worstIndex, 0)]:R}, scaled error {worst:E2}");
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Reference;

/// <summary>
/// Checks <see cref="ReferenceNetwork.Backward"/> against central finite differences of
/// L = sum(outputGradient * output), everything in double, for every layer kind on its own (with and without
/// padding and strides) and for a few whole networks.
/// </summary>
public sealed class ReferenceGradientCheckTests
{
    // Central differences with h = 1e-6 in double: truncation error ~ h^2 |f'''| ~ 1e-12 and rounding error
    // ~ eps |L| / h ~ 1e-10 |L| for the tiny networks here, so 1e-7 relative (to max(1, |g|)) is tight but safe.
    private const double Tolerance = 1e-7;

    private static readonly Dictionary<string, Func<ReferenceNetwork>> Cases = new()
    {
        ["conv 3x3 stride 1 no padding"] = () => new ReferenceNetwork(2, 5, 6, new RefConv2D(3, 3)),
        ["conv 3x3 stride 2 padding 1"] = () => new ReferenceNetwork(2, 5, 7, new RefConv2D(3, 3, 2, 1)),
        ["conv 2x2 stride 2 padding 2 (windows entirely in padding)"] =
            () => new ReferenceNetwork(1, 4, 4, new RefConv2D(2, 2, 2, 2)),
        ["conv 1x1"] = () => new ReferenceNetwork(3, 3, 4, new RefConv2D(2, 1)),
        ["conv 4x4 stride 3 padding 1 non-square"] = () => new ReferenceNetwork(2, 8, 11, new RefConv2D(2, 4, 3, 1)),
        ["max pool 2"] = () => new ReferenceNetwork(2, 4, 6, new RefMaxPool2D(2)),
        ["max pool 3 stride 2 padding 1"] = () => new ReferenceNetwork(2, 5, 7, new RefMaxPool2D(3, 2, 1)),
        ["max pool 2 stride 1 (overlapping)"] = () => new ReferenceNetwork(1, 3, 4, new RefMaxPool2D(2, 1)),
        ["avg pool 2"] = () => new ReferenceNetwork(2, 4, 6, new RefAvgPool2D(2)),
        ["avg pool 3 stride 1 padding 1"] = () => new ReferenceNetwork(2, 4, 5, new RefAvgPool2D(3, 1, 1)),
        ["avg pool 3 stride 2 padding 1"] = () => new ReferenceNetwork(2, 5, 7, new RefAvgPool2D(3, 2, 1)),
        ["relu"] = () => new ReferenceNetwork(2, 3, 3, new RefReLU()),
        ["leaky relu 0.2"] = () => new ReferenceNetwork(2, 3, 3, new RefLeakyReLU(0.2)),
        ["sigmoid"] = () => new ReferenceNetwork(2, 3, 3, new RefSigmoid()),
        ["tanh"] = () => new ReferenceNetwork(2, 3, 3, new RefTanh()),
        ["flatten"] = () => new ReferenceNetwork(2, 3, 3, new RefFlatten()),
        ["dense on spatial input"] = () => new ReferenceNetwork(2, 3, 4, new RefDense(5)),
        ["dense after flatten"] = () => new ReferenceNetwork(1, 1, 6, new RefFlatten(), new RefDense(4)),
        ["small lenet"] = () => new ReferenceNetwork(1, 12, 12,
            new RefConv2D(4, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2), new RefConv2D(6, 3), new RefReLU(),
            new RefMaxPool2D(2), new RefFlatten(), new RefDense(10), new RefReLU(), new RefDense(3)),
        ["activations network"] = () => new ReferenceNetwork(2, 11, 7,
            new RefConv2D(4, 3, 2, 1), new RefLeakyReLU(0.1), new RefConv2D(5, 2), new RefSigmoid(),
            new RefAvgPool2D(3, 1, 1), new RefConv2D(3, 3, 1, 1), new RefTanh(), new RefMaxPool2D(3, 2, 1),
            new RefFlatten(), new RefDense(7), new RefTanh(), new RefDense(3)),
        ["strides network"] = () => new ReferenceNetwork(3, 11, 17,
            new RefConv2D(4, 3, 2), new RefReLU(), new RefConv2D(6, 3, 3, 2), new RefMaxPool2D(2, 1), new RefDense(5)),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Backward_matches_finite_differences(string name)
    {
        ReferenceNetwork net = Cases[name]();
        var random = new Random(StableSeed(name));
        double[] parameters = Uniform(random, net.ParameterCount, 0.5);
        double[] input = Uniform(random, net.InputLength, 1.0);
        double[] outputGradient = Uniform(random, net.OutputLength, 1.0);

        net.Forward(parameters, input);
        ReferenceGradients analytic = net.Backward(outputGradient);

        double[] numericInput = FiniteDifferences.InputGradient(net, parameters, input, outputGradient);
        double[] numericParameters = FiniteDifferences.ParameterGradient(net, parameters, input, outputGradient);

        AssertClose(numericInput, analytic.Input, "input");
        AssertClose(numericParameters, analytic.Parameters, "parameters");
        // A check that passes because every gradient is zero would prove nothing.
        Assert.Contains(analytic.Input, g => Math.Abs(g) > 1e-3);
        if (net.ParameterCount > 0)
        {
            Assert.Contains(analytic.Parameters, g => Math.Abs(g) > 1e-3);
        }
    }

    [Fact]
    public void Every_layer_kind_is_checked()
    {
        var kinds = new HashSet<Type>(Cases.Values.SelectMany(create => create().Layers).Select(l => l.GetType()));
        Type[] all =
        [
            typeof(RefConv2D), typeof(RefMaxPool2D), typeof(RefAvgPool2D), typeof(RefReLU), typeof(RefLeakyReLU),
            typeof(RefSigmoid), typeof(RefTanh), typeof(RefFlatten), typeof(RefDense),
        ];
        Assert.All(all, t => Assert.Contains(t, kinds));
    }

    /// <summary>Values uniform in ±scale, kept at least 0.05 * scale away from zero so that no ReLU input sits
    /// within a finite-difference step of its kink.</summary>
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

    private static int StableSeed(string name)
    {
        int seed = 17;
        foreach (char c in name)
        {
            seed = unchecked(seed * 31 + c);
        }
        return seed & int.MaxValue;
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: finite differences {expected[i]:R}, backward {actual[i]:R}, error {error:E2}");
        }
    }
}

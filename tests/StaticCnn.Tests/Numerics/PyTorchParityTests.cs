using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// The generated networks given PyTorch's parameters produce PyTorch's logits and gradients (fixtures made by
/// Fixtures/PyTorch/make_fixtures.py and make_modern_fixtures.py with torch 1.13 in float32).
/// </summary>
public sealed class PyTorchParityTests
{
    private static readonly Dictionary<string, string> FixtureOf = new()
    {
        ["lenet5"] = "LeNet5",
        ["seed"] = "SeedNet",
        ["activations"] = "ActivationsNet",
        ["strides"] = "StridesNet",
        ["dense_only"] = "DenseOnlyNet",
        ["maxpool_ties"] = "MaxPoolTiesNet",
        ["floor_mode"] = "FloorModeNet",
        ["ceil_mode"] = "CeilModeNet",
        ["rectangular"] = "RectangularNet",
        ["dilated"] = "DilatedNet",
        ["grouped"] = "GroupedNet",
        ["special_geometry"] = "SpecialGeometryNet",
        ["modern_activations"] = "ModernActivationsNet",
        ["spatial_softmax"] = "SpatialSoftmaxNet",
    };

    public static IEnumerable<object[]> Cases() =>
        from fixture in FixtureOf.Keys
        from width in SimdSupport.SupportedWidths()
        select new object[] { fixture, width };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string fixtureName, SimdWidth width)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(fixtureName);
        NetworkCase network = NetworkCase.All.Single(n => n.Name == FixtureOf[fixtureName]);
        Assert.Equal(fixture.Input, new[] { network.Channels, network.Height, network.Width });
        Assert.Equal(1, fixture.Samples);

        // The fixture's layers are the declared network's: same shapes, paddings and parameter layout per layer.
        ReferenceNetwork declared = network.Reference(), fixtureNetwork = fixture.ToReferenceNetwork();
        Assert.Equal(declared.OutputShapes, fixtureNetwork.OutputShapes);
        Assert.Equal(declared.Paddings, fixtureNetwork.Paddings);
        Assert.Equal(declared.ParameterCounts, fixtureNetwork.ParameterCounts);

        INetwork net = network.Create();
        Assert.Equal(fixture.Parameters.Length, net.Parameters.Length);
        net.VectorWidth = width;
        fixture.Parameters.CopyTo(net.Parameters);
        float[] output = new float[net.OutputLength];
        float[] inputGradient = new float[net.InputLength];

        net.ZeroGradients();
        net.Forward(fixture.X, output);
        net.Backward(fixture.OutputGradient, inputGradient);

        Tolerance.AssertClose(fixture.Logits, output, $"{fixtureName}/{width} logits");
        Tolerance.AssertClose(fixture.ParameterGradients, net.Gradients, $"{fixtureName}/{width} parameter gradients");
        Tolerance.AssertClose(fixture.InputGradient, inputGradient, $"{fixtureName}/{width} input gradient");
    }
}

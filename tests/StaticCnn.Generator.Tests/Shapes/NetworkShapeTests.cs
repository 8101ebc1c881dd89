using System.Linq;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Shapes;

/// <summary>Whole networks through <see cref="ShapeInference"/>: LeNet-5, pooling defaults, flattening.</summary>
public sealed class NetworkShapeTests
{
    [Fact]
    public void LeNet5ShapesAndParameters()
    {
        NetworkShapes shapes = ShapeInference.Infer(Specs.LeNet5());

        Assert.Empty(shapes.Errors);
        Assert.Equal(new Shape(1, 28, 28), shapes.Input);
        Shape[] expected =
        {
            new(6, 28, 28), new(6, 28, 28), new(6, 14, 14),
            new(16, 10, 10), new(16, 10, 10), new(16, 5, 5),
            Shape.Vector(400), Shape.Vector(120), Shape.Vector(120), Shape.Vector(84), Shape.Vector(84), Shape.Vector(10),
        };
        Assert.Equal(expected, shapes.Layers.Select(l => l.Output));
        Assert.Equal(
            new[] { 156, 0, 0, 2_416, 0, 0, 0, 48_120, 0, 10_164, 0, 850 },
            shapes.Layers.Select(l => l.ParameterCount));
        Assert.Equal(61_706, shapes.ParameterCount);
        Assert.Equal(Shape.Vector(10), shapes.Output);
    }

    [Fact]
    public void LeNet5ParametersAreLaidOutLayerAfterLayer()
    {
        NetworkShapes shapes = ShapeInference.Infer(Specs.LeNet5());

        int offset = 0;
        foreach (LayerShape layer in shapes.Layers)
        {
            Assert.Equal(offset, layer.ParameterOffset);
            Assert.Equal(offset + layer.WeightCount, layer.BiasOffset);
            offset += layer.ParameterCount;
        }

        Assert.Equal(61_706, offset);
        Assert.Equal(Enumerable.Range(1, 12), shapes.Layers.Select(l => l.Index));
    }

    [Theory]
    [InlineData("MaxPool2D", 2, 28, 14)]
    [InlineData("AvgPool2D", 3, 9, 3)]
    [InlineData("MaxPool2D", 4, 16, 4)]
    public void PoolingStrideZeroMeansStrideEqualsSize(string kind, int size, int input, int expected)
    {
        PoolSpec implicitStride = kind == "MaxPool2D" ? Specs.MaxPool2D(size) : Specs.AvgPool2D(size);
        PoolSpec explicitStride = kind == "MaxPool2D" ? Specs.MaxPool2D(size, stride: size) : Specs.AvgPool2D(size, stride: size);

        NetworkShapes a = ShapeInference.Infer(Specs.Network(6, input, input, implicitStride));
        NetworkShapes b = ShapeInference.Infer(Specs.Network(6, input, input, explicitStride));

        Assert.Empty(a.Errors);
        LayerShape pool = Assert.Single(a.Layers);
        Assert.Equal(size, pool.Stride);
        Assert.Equal(0, ((PoolSpec)pool.Layer).Window.Stride);
        Assert.Equal(new Shape(6, expected, expected), pool.Output);
        Assert.Equal(b.Layers[0].Output, pool.Output);
        Assert.Equal(0, pool.ParameterCount);
    }

    [Fact]
    public void DenseFlattensItsInput()
    {
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(3, 4, 5, Specs.Dense(7)));

        Assert.Empty(shapes.Errors);
        LayerShape dense = Assert.Single(shapes.Layers);
        Assert.Equal(new Shape(3, 4, 5), dense.Input);
        Assert.Equal(Shape.Vector(7), dense.Output);
        Assert.Equal(3 * 4 * 5 * 7, dense.WeightCount);
        Assert.Equal(7, dense.BiasCount);
        Assert.Equal("7", dense.Output.ToString());
    }

    [Fact]
    public void FlattenKeepsTheLengthInChannelOrder()
    {
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(3, 4, 5, Specs.Flatten(), Specs.Dense(2)));

        Assert.Empty(shapes.Errors);
        Assert.Equal(Shape.Vector(60), shapes.Layers[0].Output);
        Assert.Equal(120, shapes.Layers[1].WeightCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SpatialLayerAfterFlatDataIsAnError(bool flattenFirst)
    {
        LayerSpec flat = flattenFirst ? Specs.Flatten() : Specs.Dense(16);
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(1, 4, 4, flat, Specs.Conv2D(2, 1)));

        ShapeError error = Assert.Single(shapes.Errors);
        Assert.Equal(Rule.SpatialAfterFlat, error.Rule);
        Assert.Equal(2, error.LayerIndex);
        Assert.StartsWith($"Conv2D #2 needs a C x H x W input, but {(flattenFirst ? "Flatten" : "Dense")} #1 made the data flat (16)", error.Message);
    }

    [Fact]
    public void ErrorsAfterABrokenLayerDoNotCascade()
    {
        // Layer 1 does not fit; the layers after it have no known input and must not report errors of their own.
        NetworkShapes shapes = ShapeInference.Infer(Specs.Network(1, 7, 7,
            Specs.Conv2D(1, 3, stride: 3), Specs.ReLU(), Specs.MaxPool2D(2), Specs.Dense(10)));

        ShapeError error = Assert.Single(shapes.Errors);
        Assert.Equal(1, error.LayerIndex);
    }

    [Fact]
    public void ShapesPrintAsCxHxW()
    {
        Assert.Equal("6x28x28", new Shape(6, 28, 28).ToString());
        Assert.Equal("28x28", new Shape(6, 28, 28).Spatial);
        Assert.Equal("120", Shape.Vector(120).ToString());
        Assert.Equal(4704L, new Shape(6, 28, 28).Length);
    }
}

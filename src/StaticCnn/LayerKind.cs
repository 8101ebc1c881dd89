namespace StaticCnn;

/// <summary>The kinds of layer a network can declare.</summary>
public enum LayerKind
{
    /// <summary>2-D convolution with bias (<see cref="Conv2DAttribute"/>).</summary>
    Conv2D,

    /// <summary>Max pooling (<see cref="MaxPool2DAttribute"/>).</summary>
    MaxPool2D,

    /// <summary>Average pooling (<see cref="AvgPool2DAttribute"/>).</summary>
    AvgPool2D,

    /// <summary>Rectified linear unit (<see cref="ReLUAttribute"/>).</summary>
    ReLU,

    /// <summary>Leaky rectified linear unit (<see cref="LeakyReLUAttribute"/>).</summary>
    LeakyReLU,

    /// <summary>Logistic sigmoid (<see cref="SigmoidAttribute"/>).</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent (<see cref="TanhAttribute"/>).</summary>
    Tanh,

    /// <summary>Flatten to a vector (<see cref="FlattenAttribute"/>).</summary>
    Flatten,

    /// <summary>Fully connected layer with bias (<see cref="DenseAttribute"/>).</summary>
    Dense,
}

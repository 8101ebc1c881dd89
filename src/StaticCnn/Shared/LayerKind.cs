// One source for the runtime (public StaticCnn.LayerKind) and the generator (internal, in its model), linked into
// both projects: the generator cannot reference the runtime, and two hand-kept copies drift apart.
#if STATICCNN_GENERATOR
namespace StaticCnn.Generator.Model;
#else
namespace StaticCnn;
#endif

/// <summary>The kinds of layer a network can declare (one attribute class each, named after the kind).</summary>
#if STATICCNN_GENERATOR
internal
#else
public
#endif
enum LayerKind
{
    /// <summary>2-D convolution (<c>[Conv2D]</c>).</summary>
    Conv2D,

    /// <summary>Max pooling (<c>[MaxPool2D]</c>).</summary>
    MaxPool2D,

    /// <summary>Average pooling (<c>[AvgPool2D]</c>).</summary>
    AvgPool2D,

    /// <summary>Rectified linear unit (<c>[ReLU]</c>).</summary>
    ReLU,

    /// <summary>Leaky rectified linear unit (<c>[LeakyReLU]</c>).</summary>
    LeakyReLU,

    /// <summary>Logistic sigmoid (<c>[Sigmoid]</c>).</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent (<c>[Tanh]</c>).</summary>
    Tanh,

    /// <summary>Flatten to a vector (<c>[Flatten]</c>).</summary>
    Flatten,

    /// <summary>Fully connected layer (<c>[Dense]</c>).</summary>
    Dense,
}

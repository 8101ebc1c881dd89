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

    /// <summary>Depthwise convolution: one group of filters per input channel (<c>[DepthwiseConv2D]</c>).</summary>
    DepthwiseConv2D,

    /// <summary>Batch normalisation per channel or feature (<c>[BatchNorm]</c>).</summary>
    BatchNorm,

    /// <summary>Inverted dropout, active only in training (<c>[Dropout]</c>).</summary>
    Dropout,

    /// <summary>Global average pooling to C x 1 x 1 (<c>[GlobalAvgPool2D]</c>).</summary>
    GlobalAvgPool2D,

    /// <summary>Global max pooling to C x 1 x 1 (<c>[GlobalMaxPool2D]</c>).</summary>
    GlobalMaxPool2D,

    /// <summary>ReLU capped at 6 (<c>[ReLU6]</c>).</summary>
    ReLU6,

    /// <summary>Hard sigmoid (<c>[HardSigmoid]</c>).</summary>
    HardSigmoid,

    /// <summary>Hard swish (<c>[HardSwish]</c>).</summary>
    HardSwish,

    /// <summary>SiLU, x * sigmoid(x) (<c>[SiLU]</c>).</summary>
    SiLU,

    /// <summary>Gaussian error linear unit (<c>[GELU]</c>).</summary>
    GELU,

    /// <summary>Softmax over the channels, the last layer only (<c>[Softmax]</c>).</summary>
    Softmax,

    /// <summary>A residual connection (<c>[Residual]</c>): its block, its shortcut, then an <see cref="Add"/>.</summary>
    Residual,

    /// <summary>Branches concatenated along the channels (<c>[Concat]</c>); also the node that concatenates them.</summary>
    Concat,

    /// <summary>The element-wise sum that ends a residual connection.</summary>
    Add,
}

// One source for the runtime (public StaticCnn.ShapeRounding) and the generator (internal, in its model), linked
// into both projects.
#if STATICCNN_GENERATOR
namespace StaticCnn.Generator.Model;
#else
namespace StaticCnn;
#endif

/// <summary>
/// How a convolution or pooling layer rounds <c>(N + 2P - F) / S + 1</c> when the stride does not divide
/// <c>N + 2P - F</c>. Set it on <c>NetworkAttribute.Rounding</c> for every layer, or on one layer
/// (<c>Conv2DAttribute.Rounding</c>, <c>MaxPool2DAttribute.Rounding</c>,
/// <c>AvgPool2DAttribute.Rounding</c>), which overrides the network's.
/// </summary>
#if STATICCNN_GENERATOR
internal
#else
public
#endif
enum ShapeRounding
{
    /// <summary>
    /// The default: the division must be exact, otherwise the declaration is a compile-time error (SCNN0006)
    /// that names strides and paddings that fit.
    /// </summary>
    Exact = 0,

    /// <summary>
    /// Round down, as PyTorch's <c>nn.Conv2d</c>, <c>nn.MaxPool2d</c> and <c>nn.AvgPool2d</c> do by default: the
    /// last rows and columns of the input that no whole window reaches are ignored (their gradient is zero).
    /// </summary>
    Floor = 1,

    /// <summary>
    /// Round up, as PyTorch's pooling with <c>ceil_mode=True</c>: the last window may hang over the bottom and
    /// right edges (beyond the padding) and covers only the cells that exist; a window that would start in the
    /// right or bottom padding is dropped. Max pooling ignores the overhang; average pooling divides by the
    /// cells of the window that lie inside the padded input. Pooling layers only: PyTorch's convolutions have
    /// no ceil mode, so a Conv2D under <c>[Network(Rounding = ShapeRounding.Ceil)]</c> rounds down instead, and
    /// <c>Rounding = ShapeRounding.Ceil</c> on a Conv2D itself is an error (SCNN0015).
    /// </summary>
    Ceil = 2,
}

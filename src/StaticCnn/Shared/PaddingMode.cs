// One source for the runtime (public StaticCnn.PaddingMode) and the generator (internal, in its model), linked into
// both projects.
#if STATICCNN_GENERATOR
namespace StaticCnn.Generator.Model;
#else
namespace StaticCnn;
#endif

/// <summary>
/// How a convolution or pooling layer pads its input: by the sizes it declares, not at all, or as TensorFlow's and
/// Keras's <c>padding='same'</c> does.
/// </summary>
#if STATICCNN_GENERATOR
internal
#else
public
#endif
enum PaddingMode
{
    /// <summary>
    /// The default: the declared padding, <c>padding</c> on every side unless <c>PaddingTop</c>, <c>PaddingBottom</c>,
    /// <c>PaddingLeft</c> or <c>PaddingRight</c> set a side of their own.
    /// </summary>
    Explicit = 0,

    /// <summary>No padding (Keras's <c>padding='valid'</c>); a declared padding is an error.</summary>
    Valid = 1,

    /// <summary>
    /// TensorFlow's <c>padding='same'</c>: per dimension the output is <c>ceil(N / S)</c> and the total padding
    /// <c>max((out - 1) * S + F - N, 0)</c> (F the dilated kernel), half of it before (rounded down) and the rest
    /// after, so a stride-2 layer may pad one more row at the bottom than at the top. Max pooling pads with
    /// -infinity; average pooling divides by the real cells of each window (Keras's rule).
    /// </summary>
    Same = 2,
}

namespace StaticCnn;

/// <summary>
/// One layer of a generated network as the generator saw it: kind, 1-based position, shapes, hyper-parameters
/// and where its parameters live in <see cref="INetwork.Parameters"/>.
/// </summary>
/// <param name="Index">1-based position among the layers (<see cref="NetworkAttribute"/> is not a layer).</param>
/// <param name="Kind">What the layer computes.</param>
/// <param name="Input">Shape of the layer's input.</param>
/// <param name="Output">Shape of the layer's output.</param>
/// <param name="KernelSize">Filter or window size F (convolution and pooling), otherwise 0.</param>
/// <param name="Stride">Effective stride S (convolution and pooling), otherwise 0.</param>
/// <param name="Padding">Padding P (convolution and pooling), otherwise 0.</param>
/// <param name="Slope">Negative slope of a LeakyReLU, otherwise 0.</param>
/// <param name="ParameterOffset">Index of the layer's first parameter (its weight) in <see cref="INetwork.Parameters"/>.</param>
/// <param name="WeightCount">Number of weights (0 for layers without parameters).</param>
/// <param name="BiasCount">Number of biases (0 for layers without parameters).</param>
public sealed record LayerInfo(
    int Index,
    LayerKind Kind,
    TensorShape Input,
    TensorShape Output,
    int KernelSize,
    int Stride,
    int Padding,
    float Slope,
    int ParameterOffset,
    int WeightCount,
    int BiasCount)
{
    /// <summary>Weights plus biases.</summary>
    public int ParameterCount => WeightCount + BiasCount;

    /// <summary>Index of the layer's bias in <see cref="INetwork.Parameters"/>.</summary>
    public int BiasOffset => ParameterOffset + WeightCount;
}

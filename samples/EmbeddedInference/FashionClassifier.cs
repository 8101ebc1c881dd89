using StaticCnn;

namespace EmbeddedInference;

/// <summary>
/// The network of samples/FashionMnist, layer for layer, with the weights that sample trained baked in: the
/// generator reads fashion-mnist.safetensors at compile time, checks every tensor's name and shape against these
/// layers (a wrong file is a compile error on the attribute) and stores the floats in the binary's read-only data.
/// </summary>
[Network(channels: 1, height: 28, width: 28, Weights = "fashion-mnist.safetensors")]
[Conv2D(filters: 16, kernelSize: 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(filters: 32, kernelSize: 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(128)]
[ReLU]
[Dense(10)]
public partial class FashionClassifier;

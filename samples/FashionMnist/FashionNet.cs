using StaticCnn;

namespace FashionMnist;

/// <summary>
/// The network the sample trains: two 3x3 convolutions (16 and 32 filters, padded so each keeps its size) with ReLU
/// and 2x2 max pooling, then a 128-unit hidden layer and the 10 class logits. 206,922 parameters; a Forward and
/// Backward of one image is about 0.35 ms on one AVX-512 core.
/// </summary>
[Network(channels: 1, height: 28, width: 28)]
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
public partial class FashionNet;

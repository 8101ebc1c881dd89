using StaticCnn;

namespace StaticCnn.Tests.Training;

/// <summary>A small convolutional network for fast trainer tests: 1x6x6 input, 3 classes.</summary>
[Network(1, 6, 6)]
[Conv2D(4, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(8)]
[Tanh]
[Dense(3)]
public partial class TinyConvNet;

/// <summary>TinyConvNet with BatchNorm after its convolution and dense layer, and Dropout: trained through the batched path.</summary>
[Network(1, 6, 6)]
[Conv2D(4, 3, padding: 1, Bias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(8)]
[BatchNorm]
[Tanh]
[Dropout(0.1f)]
[Dense(3)]
public partial class TinyBatchNormNet;

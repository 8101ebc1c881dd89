using StaticCnn;

namespace StaticCnn.Tests.Baked;

/// <summary>LeNet-5 with the weights of Fixtures/Baked/lenet5.safetensors (saved from PyTorch) baked in.</summary>
[Network(1, 28, 28, Weights = "lenet5.safetensors")]
[Conv2D(6, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 5)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(120)]
[ReLU]
[Dense(84)]
[ReLU]
[Dense(10)]
public partial class BakedLeNet5;

/// <summary>
/// A Dense straight after pooling (an implied Flatten, module 3 in PyTorch, so the Dense is "4.weight"), with
/// float16 weights converted at compile time.
/// </summary>
[Network(3, 8, 10, Weights = "Fixtures/Baked/implied_flatten_f16.safetensors")]
[Conv2D(4, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Dense(6)]
public partial class BakedImpliedFlattenF16;

/// <summary>
/// MobileNetish (tests/StaticCnn.Tests/Networks/TestNetworks.cs) with the parameters AND the BatchNorm buffers of
/// Fixtures/SafeTensors/mobilenetish.safetensors (PyTorch's state_dict after three training steps; num_batches_tracked
/// I64) baked in.
/// </summary>
[Network(3, 32, 32, Weights = "SafeTensors/mobilenetish.safetensors")]
[Conv2D(8, 3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(16, 1, Bias = false)]
[BatchNorm]
[ReLU]
[DepthwiseConv2D(3, stride: 2, PaddingMode = PaddingMode.Same, Bias = false)]
[BatchNorm]
[ReLU]
[Conv2D(32, 1, Bias = false)]
[BatchNorm]
[ReLU]
[GlobalAvgPool2D]
[Dense(10)]
public partial class BakedMobileNetish;

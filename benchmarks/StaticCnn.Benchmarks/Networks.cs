using StaticCnn;

namespace StaticCnn.Benchmarks;

/// <summary>LeNet-5 as in the contract: 1x28x28, two CONV-RELU-POOL blocks, three dense layers (0.83 MFLOP).</summary>
[Network(1, 28, 28)]
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
public partial class LeNet5;

/// <summary>The seed document's network (1.7 MFLOP).</summary>
[Network(3, 32, 32)]
[Conv2D(10, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(6, 1)]
[ReLU]
[Conv2D(8, 4, stride: 2, padding: 1)]
[ReLU]
[AvgPool2D(2)]
[Flatten]
[Dense(10)]
public partial class SeedNet;

/// <summary>The ConvNetJS CIFAR-10 network (7.8 MFLOP): three CONV-RELU-POOL blocks of 5x5 convolutions, then Dense 10.</summary>
[Network(3, 32, 32)]
[Conv2D(16, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(20, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(20, 5, padding: 2)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(10)]
public partial class Cifar10Net;

/// <summary>A small VGG (59.4 MFLOP): 3x3 convolutions 32, 32, pool, 64, 64, pool, 128, pool, Dense 256, Dense 10.</summary>
[Network(3, 32, 32)]
[Conv2D(32, 3, padding: 1)]
[ReLU]
[Conv2D(32, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(64, 3, padding: 1)]
[ReLU]
[Conv2D(64, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(128, 3, padding: 1)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(256)]
[ReLU]
[Dense(10)]
public partial class SmallVgg;

namespace StaticCnn.Generator.Benchmarks;

/// <summary>The declarations whose compile-time cost is measured.</summary>
internal static class Networks
{
    public const string LeNet5 = """
        using StaticCnn;

        namespace Samples;

        [Network(channels: 1, height: 28, width: 28)]
        [Conv2D(filters: 6, kernelSize: 5, stride: 1, padding: 2)]
        [ReLU]
        [MaxPool2D(size: 2, stride: 2)]
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
        """;

    /// <summary>Twenty layers: five conv/ReLU/pool stages of a small VGG-like network, then the classifier.</summary>
    public const string Net20 = """
        using StaticCnn;

        namespace Samples;

        [Network(3, 64, 64)]
        [Conv2D(16, 3, padding: 1)]
        [ReLU]
        [Conv2D(16, 3, padding: 1)]
        [ReLU]
        [MaxPool2D(2)]
        [Conv2D(32, 3, padding: 1)]
        [ReLU]
        [Conv2D(32, 3, padding: 1)]
        [ReLU]
        [MaxPool2D(2)]
        [Conv2D(64, 3, padding: 1)]
        [ReLU]
        [MaxPool2D(2)]
        [Conv2D(64, 4, stride: 2, padding: 1)]
        [ReLU]
        [AvgPool2D(2)]
        [Flatten]
        [Dense(64)]
        [Tanh]
        [Dense(10)]
        public partial class Net20;
        """;
}

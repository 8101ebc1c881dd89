namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>Network declarations as users write them, shared by the generation tests.</summary>
internal static class Declarations
{
    /// <summary>LeNet-5 exactly as in the contract, in namespace Samples.</summary>
    public const string LeNet5 = """
        using StaticCnn;

        namespace Samples;

        [Network(channels: 1, height: 28, width: 28)]            // input shape, C x H x W
        [Conv2D(filters: 6, kernelSize: 5, stride: 1, padding: 2)]
        [ReLU]
        [MaxPool2D(size: 2, stride: 2)]
        [Conv2D(16, 5)]                                          // stride 1, padding 0
        [ReLU]
        [MaxPool2D(2)]                                           // stride defaults to size
        [Flatten]                                                // optional: implied before the first Dense
        [Dense(120)]
        [ReLU]
        [Dense(84)]
        [ReLU]
        [Dense(10)]
        public partial class LeNet5;
        """;

    /// <summary>CS231n lecture 5: 32x32x3 input, ten 5x5 filters, stride 1, padding 2.</summary>
    public const string Cs231nConv = """
        using StaticCnn;

        namespace Samples;

        [Network(3, 32, 32)]
        [Conv2D(10, 5, stride: 1, padding: 2)]
        public partial class Cs231nConv;
        """;

    /// <summary>Every layer kind, strides, paddings and a non-square input.</summary>
    public const string EveryLayerKind = """
        using StaticCnn;

        namespace Samples;

        [Network(2, 11, 7)]
        [Conv2D(4, 3, stride: 2, padding: 1)]
        [LeakyReLU(0.1f)]
        [Conv2D(5, 2)]
        [Sigmoid]
        [AvgPool2D(3, stride: 1, padding: 1)]
        [Conv2D(3, 3, stride: 1, padding: 1)]
        [Tanh]
        [MaxPool2D(3, stride: 2, padding: 1)]
        [Flatten]
        [Dense(7)]
        [ReLU]
        [Dense(3)]
        public partial class EveryLayerKind;
        """;

    /// <summary>A network nested in a partial class inside a block namespace.</summary>
    public const string Nested = """
        using StaticCnn;

        namespace Samples.Vision
        {
            public partial class Models
            {
                [Network(1, 8, 8)]
                [Conv2D(2, 3)]
                [ReLU]
                [Dense(4)]
                public partial class Net;
            }
        }
        """;

    /// <summary>A network nested in a generic class, which the generated part must repeat with its type parameter.</summary>
    public const string GenericContainer = """
        using StaticCnn;

        namespace Samples;

        public partial class Outer<TItem>
            where TItem : class
        {
            [Network(1, 8, 8)]
            [Conv2D(2, 3)]
            [Dense(4)]
            internal partial class Net;

            public TItem? Item { get; set; }
        }
        """;

    /// <summary>A generic network class.</summary>
    public const string GenericNetwork = """
        using StaticCnn;

        namespace Samples;

        [Network(1, 6, 6)]
        [MaxPool2D(2)]
        [Dense(3)]
        public partial class Net<T>;
        """;

    /// <summary>Nested in a struct and a record struct.</summary>
    public const string StructContainers = """
        using StaticCnn;

        namespace Samples;

        public partial struct Outer
        {
            public partial record struct Middle
            {
                [Network(1, 4, 4)]
                [Dense(2)]
                public partial class Net;
            }
        }
        """;

    /// <summary>A network in the global namespace.</summary>
    public const string GlobalNamespace = """
        using StaticCnn;

        [Network(3, 4, 4)]
        [Conv2D(2, 1)]
        [Dense(2)]
        public partial class GlobalNet;
        """;

    /// <summary>Names that are C# keywords: the class "class" in namespace "namespace.Inner".</summary>
    public const string KeywordNames = """
        using StaticCnn;

        namespace @namespace.Inner;

        [Network(1, 4, 4)]
        [Conv2D(2, 3)]
        [Dense(2)]
        public partial class @class;
        """;

    /// <summary>A record class.</summary>
    public const string Record = """
        using StaticCnn;

        namespace Samples;

        [Network(1, 4, 4)]
        [Dense(2)]
        public partial record Net;
        """;

    /// <summary>PyTorch rounding: Floor on the network, Ceil on one pooling layer.</summary>
    public const string Rounding = """
        using StaticCnn;

        namespace Samples.Rounding;

        [Network(2, 17, 15, Rounding = ShapeRounding.Floor)]
        [Conv2D(4, 4, stride: 2, padding: 1)]
        [ReLU]
        [MaxPool2D(3, stride: 2, padding: 1, Rounding = ShapeRounding.Ceil)]
        [AvgPool2D(7, stride: 1, padding: 3)]
        [Dense(3)]
        public partial class Net;
        """;

    /// <summary>Every valid declaration above, by name, with the hint name its generated file gets.</summary>
    public static readonly (string Name, string Source, string HintName)[] Valid =
    {
        (nameof(LeNet5), LeNet5, "Samples.LeNet5.g.cs"),
        (nameof(Cs231nConv), Cs231nConv, "Samples.Cs231nConv.g.cs"),
        (nameof(EveryLayerKind), EveryLayerKind, "Samples.EveryLayerKind.g.cs"),
        (nameof(Nested), Nested, "Samples.Vision.Models.Net.g.cs"),
        (nameof(GenericContainer), GenericContainer, "Samples.Outer_1.Net.g.cs"),
        (nameof(GenericNetwork), GenericNetwork, "Samples.Net_1.g.cs"),
        (nameof(StructContainers), StructContainers, "Samples.Outer.Middle.Net.g.cs"),
        (nameof(GlobalNamespace), GlobalNamespace, "GlobalNet.g.cs"),
        (nameof(KeywordNames), KeywordNames, "namespace.Inner.class.g.cs"),
        (nameof(Record), Record, "Samples.Net.g.cs"),
        (nameof(Rounding), Rounding, "Samples.Rounding.Net.g.cs"),
    };

    public static string Source(string name) => System.Array.Find(Valid, d => d.Name == name).Source;
}

namespace StaticCnn.Generator.Tests.Docs;

/// <summary>For one SCNN rule: a declaration that breaks it and the same declaration fixed.</summary>
internal sealed record DiagnosticDocCase(string Id, string Wrong, string Fixed);

/// <summary>The wrong/fixed pair of every rule, from which docs/diagnostics/SCNNxxxx.md is generated.</summary>
internal static class DiagnosticDocCases
{
    private static string File(string body) => "using System;\nusing StaticCnn;\n\nnamespace Samples;\n\n" + body.Trim() + "\n";

    public static readonly DiagnosticDocCase[] All =
    {
        new("SCNN0001",
            File("""
                [Network(1, 28, 28)]
                [Conv2D(6, 5)]
                [ReLU]
                [Dense(10)]
                public sealed class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(6, 5)]
                [ReLU]
                [Dense(10)]
                public sealed partial class Digits;
                """)),
        new("SCNN0002",
            File("""
                [Network(1, 28, 28)]
                [Dense(32)]
                public partial class Digits;

                [ReLU]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Dense(32)]
                [ReLU]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0003",
            File("""
                [Conv2D(6, 5)]
                [ReLU]
                public partial class Features;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(6, 5)]
                [ReLU]
                public partial class Features;
                """)),
        new("SCNN0004",
            File("""
                [Network(1, 28, 28)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0005",
            File("""
                [Network(1, 28, 28)]
                [Conv2D(filters: 0, kernelSize: 5)]
                [ReLU]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(filters: 6, kernelSize: 5)]
                [ReLU]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0006",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 5, stride: 2)]
                [ReLU]
                [Dense(10)]
                public partial class Cifar;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 5, stride: 3)]
                [ReLU]
                [Dense(10)]
                public partial class Cifar;
                """)),
        new("SCNN0007",
            File("""
                [Network(1, 4, 4)]
                [Conv2D(8, kernelSize: 5)]
                [ReLU]
                [Dense(2)]
                public partial class Tiny;
                """),
            File("""
                [Network(1, 4, 4)]
                [Conv2D(8, kernelSize: 5, padding: 1)]
                [ReLU]
                [Dense(2)]
                public partial class Tiny;
                """)),
        new("SCNN0008",
            File("""
                [Network(1, 8, 8)]
                [MaxPool2D(2, padding: 2)]
                [Dense(2)]
                public partial class Tiny;
                """),
            File("""
                [Network(1, 8, 8)]
                [MaxPool2D(2, padding: 1)]
                [Dense(2)]
                public partial class Tiny;
                """)),
        new("SCNN0009",
            File("""
                [Network(1, 28, 28)]
                [Dense(64)]
                [Conv2D(8, 3)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3)]
                [Dense(64)]
                public partial class Digits;
                """)),
        new("SCNN0010",
            File("""
                [Network(3, 40000, 40000)]
                [Conv2D(8, 3)]
                public partial class Huge;
                """),
            File("""
                [Network(3, 400, 400)]
                [Conv2D(8, 3)]
                public partial class Huge;
                """)),
        new("SCNN0011",
            File("""
                [Network(1, 1, 8)]
                [Dense(4)]
                [LeakyReLU(float.NaN)]
                [Dense(2)]
                public partial class Small;
                """),
            File("""
                [Network(1, 1, 8)]
                [Dense(4)]
                [LeakyReLU(0.01f)]
                [Dense(2)]
                public partial class Small;
                """)),
        new("SCNN0012",
            File("""
                public static class Models
                {
                    [Network(1, 28, 28)]
                    [Dense(10)]
                    public partial class Digits;
                }
                """),
            File("""
                public static partial class Models
                {
                    [Network(1, 28, 28)]
                    [Dense(10)]
                    public partial class Digits;
                }
                """)),
        new("SCNN0013",
            File("""
                [Network(1, 28, 28)]
                [Dense(10)]
                public static partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0014",
            File("""
                [Network(1, 28, 28)]
                [MaxPool2D(3, Rounding = (ShapeRounding)3)]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [MaxPool2D(3, Rounding = ShapeRounding.Ceil)]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0015",
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3, stride: 2, Rounding = ShapeRounding.Ceil)]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3, stride: 2, Rounding = ShapeRounding.Floor)]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0016",
            File("""
                [Network(1, 28, 28)]
                [Dense(10)]
                public partial class Digits
                {
                    public void Forward(ReadOnlySpan<float> input, Span<float> output) => output.Clear();
                }
                """),
            File("""
                [Network(1, 28, 28)]
                [Dense(10)]
                public partial class Digits
                {
                    public void Predict(ReadOnlySpan<float> input, Span<float> output) => Forward(input, output);
                }
                """)),
        new("SCNN0017",
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3, padding: 3)]
                [ReLU]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3, padding: 1)]
                [ReLU]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0018",
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3)]
                [ReLU]
                [Sigmoid]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3)]
                [ReLU]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0019",
            File("""
                [Network(1, 8, 8)]
                [MaxPool2D(2, stride: 3)]
                [Dense(2)]
                public partial class Tiny;
                """),
            File("""
                [Network(1, 8, 8)]
                [MaxPool2D(2, stride: 2)]
                [Dense(2)]
                public partial class Tiny;
                """)),
        new("SCNN0020",
            File("""
                [Network(3, 64, 64)]
                [Conv2D(16, 3, padding: 1)]
                [ReLU]
                [Dense(128)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """),
            File("""
                [Network(3, 64, 64)]
                [Conv2D(16, 3, padding: 1)]
                [ReLU]
                [MaxPool2D(4)]
                [Dense(128)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """)),
        new("SCNN0021",
            File("""
                [Network(1, 16, 16)]
                [AvgPool2D(9, stride: 1, padding: 4)]
                [Dense(2)]
                public partial class Blur;
                """),
            File("""
                [Network(1, 16, 16)]
                [AvgPool2D(7, stride: 1, padding: 3)]
                [Dense(2)]
                public partial class Blur;
                """)),
        new("SCNN0022",
            File("""
                [Network(6, 28, 28)]
                [Conv2D(16, 3, padding: 1, Groups = 4)]
                [ReLU]
                [Dense(10)]
                public partial class Grouped;
                """),
            File("""
                [Network(6, 28, 28)]
                [Conv2D(16, 3, padding: 1, Groups = 2)]
                [ReLU]
                [Dense(10)]
                public partial class Grouped;
                """)),
        new("SCNN0023",
            File("""
                [Network(1, 49, 10)]
                [Conv2D(64, 10, padding: 2, KernelWidth = 4, StrideHeight = 2, StrideWidth = 2, PaddingMode = PaddingMode.Same)]
                [ReLU]
                [Dense(12)]
                public partial class KeywordSpotter;
                """),
            File("""
                [Network(1, 49, 10)]
                [Conv2D(64, 10, KernelWidth = 4, StrideHeight = 2, StrideWidth = 2, PaddingMode = PaddingMode.Same)]
                [ReLU]
                [Dense(12)]
                public partial class KeywordSpotter;
                """)),
        new("SCNN0024",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, PaddingMode = (PaddingMode)5)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, PaddingMode = PaddingMode.Same)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """)),
        new("SCNN0025",
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3)]
                [ReLU]
                [Dense(10)]
                [Softmax]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3)]
                [ReLU]
                [Dense(10)]
                [Softmax]
                public partial class Digits;
                """)),
        new("SCNN0026",
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3)]
                [ReLU]
                [Dropout(1.5f)]
                [Dense(10)]
                public partial class Digits;
                """),
            File("""
                [Network(1, 28, 28)]
                [Conv2D(8, 3)]
                [ReLU]
                [Dropout(0.5f)]
                [Dense(10)]
                public partial class Digits;
                """)),
        new("SCNN0027",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1, Bias = false)]
                [BatchNorm(32)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1, Bias = false)]
                [BatchNorm(16)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """)),
        new("SCNN0028",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1, Bias = false)]
                [BatchNorm]
                [BatchNorm]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1, Bias = false)]
                [BatchNorm]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """)),
        new("SCNN0029",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1, Bias = false)]
                [BatchNorm(Momentum = 0.99f, Epsilon = 0f)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1, Bias = false)]
                [BatchNorm(Momentum = 0.01f, Epsilon = 1e-3f)]
                [ReLU]
                [Dense(10)]
                public partial class Photos;
                """)),
        new("SCNN0030",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [ReLU]
                [Residual(typeof(BasicBlock), Filters = 32, Stride = 2)]
                [ReLU]
                [GlobalAvgPool2D]
                [Dense(10)]
                public partial class Photos;

                [Block]
                [Conv2D(Block.Filters, 3, stride: Block.Stride, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
                [Conv2D(Block.Filters, 3, PaddingMode = PaddingMode.Same)] [BatchNorm]
                public partial class BasicBlock;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [ReLU]
                [Residual(typeof(BasicBlock), Filters = 32, Stride = 2, Shortcut = typeof(Projection))]
                [ReLU]
                [GlobalAvgPool2D]
                [Dense(10)]
                public partial class Photos;

                [Block]
                [Conv2D(Block.Filters, 3, stride: Block.Stride, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
                [Conv2D(Block.Filters, 3, PaddingMode = PaddingMode.Same)] [BatchNorm]
                public partial class BasicBlock;

                [Block]
                [Conv2D(Block.Filters, 1, stride: Block.Stride, PaddingMode = PaddingMode.Same)]
                public partial class Projection;
                """)),
        new("SCNN0031",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Concat(typeof(Wide), typeof(Strided))]
                [GlobalAvgPool2D]
                [Dense(10)]
                public partial class Photos;

                [Block] [Conv2D(8, 1)] public partial class Wide;

                [Block] [Conv2D(8, 3, stride: 2, PaddingMode = PaddingMode.Same)] public partial class Strided;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Concat(typeof(Wide), typeof(Strided))]
                [GlobalAvgPool2D]
                [Dense(10)]
                public partial class Photos;

                [Block] [Conv2D(8, 1)] public partial class Wide;

                [Block] [Conv2D(8, 3, PaddingMode = PaddingMode.Same)] public partial class Strided;
                """)),
        new("SCNN0032",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Residual(typeof(Body))]
                [Dense(10)]
                public partial class Photos;

                [Conv2D(16, 3, padding: 1)] [ReLU]
                public partial class Body;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Residual(typeof(Body))]
                [Dense(10)]
                public partial class Photos;

                [Block]
                [Conv2D(16, 3, padding: 1)] [ReLU]
                public partial class Body;
                """)),
        new("SCNN0033",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Residual(typeof(Outer))]
                [Dense(10)]
                public partial class Photos;

                [Block] [Conv2D(16, 3, padding: 1)] [Residual(typeof(Inner))]
                public partial class Outer;

                [Block] [ReLU] [Residual(typeof(Outer))]
                public partial class Inner;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Residual(typeof(Outer))]
                [Dense(10)]
                public partial class Photos;

                [Block] [Conv2D(16, 3, padding: 1)] [Residual(typeof(Inner))]
                public partial class Outer;

                [Block] [ReLU] [Conv2D(16, 3, padding: 1)]
                public partial class Inner;
                """)),
        new("SCNN0034",
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Residual(typeof(BasicBlock))]
                [Dense(10)]
                public partial class Photos;

                [Block]
                [Conv2D(Block.Filters, 3, padding: 1)] [ReLU]
                public partial class BasicBlock;
                """),
            File("""
                [Network(3, 32, 32)]
                [Conv2D(16, 3, padding: 1)]
                [Residual(typeof(BasicBlock), Filters = 16)]
                [Dense(10)]
                public partial class Photos;

                [Block]
                [Conv2D(Block.Filters, 3, padding: 1)] [ReLU]
                public partial class BasicBlock;
                """)),
    };
}

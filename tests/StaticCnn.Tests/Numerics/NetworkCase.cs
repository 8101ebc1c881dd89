using System;
using System.Collections.Generic;
using StaticCnn.Reference;
using StaticCnn.Tests.Networks;
using TinyMl;

namespace StaticCnn.Tests.Numerics;

/// <summary>A generated network together with the same layers written for the naive reference.</summary>
public sealed record NetworkCase(string Name, Func<INetwork> Create, int Channels, int Height, int Width, RefLayer[] Layers)
{
    public ReferenceNetwork Reference() => new(Channels, Height, Width, Layers);

    public override string ToString() => Name;

    /// <summary>
    /// The inference plan runs the Dense layers with the units in the lanes (a layer-by-layer network with mostly Dense
    /// multiply-adds), each output summed in input order, while the training plan sums dot products: the two plans'
    /// outputs agree within rounding, not bit for bit (per-sample and batched inference still agree bit for bit).
    /// </summary>
    public bool InferenceSumsDenseInLanes { get; init; }

    public static IReadOnlyList<NetworkCase> All { get; } =
    [
        new("LeNet5", () => new LeNet5(), 1, 28, 28,
        [
            new RefConv2D(6, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2, 2), new RefConv2D(16, 5), new RefReLU(), new RefMaxPool2D(2),
            new RefFlatten(), new RefDense(120), new RefReLU(), new RefDense(84), new RefReLU(), new RefDense(10),
        ]),
        new("SeedNet", () => new SeedNet(), 3, 32, 32,
        [
            new RefConv2D(10, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2), new RefConv2D(6, 1), new RefReLU(),
            new RefConv2D(8, 4, 2, 1), new RefReLU(), new RefAvgPool2D(2), new RefFlatten(), new RefDense(10),
        ]),
        new("ActivationsNet", () => new ActivationsNet(), 2, 11, 7,
        [
            new RefConv2D(4, 3, 2, 1), new RefLeakyReLU(0.1f), new RefConv2D(5, 2), new RefSigmoid(), new RefAvgPool2D(3, 1, 1),
            new RefConv2D(3, 3, 1, 1), new RefTanh(), new RefMaxPool2D(3, 2, 1), new RefFlatten(), new RefDense(7), new RefTanh(), new RefDense(3),
        ]),
        new("StridesNet", () => new StridesNet(), 3, 11, 17,
        [
            new RefConv2D(4, 3, 2), new RefReLU(), new RefConv2D(6, 3, 3, 2), new RefMaxPool2D(2, 1), new RefDense(5),
        ]),
        new("DenseOnlyNet", () => new DenseOnlyNet(), 1, 1, 20,
        [
            new RefFlatten(), new RefDense(16), new RefSigmoid(), new RefDense(8), new RefLeakyReLU(0.2f), new RefDense(4),
        ]),
        new("MaxPoolTiesNet", () => new MaxPoolTiesNet(), 2, 7, 7,
        [
            new RefMaxPool2D(3, 2, 1), new RefFlatten(), new RefDense(4),
        ]),
        new("Cs231nConv", () => new Cs231nConv(), 3, 32, 32,
        [
            new RefConv2D(10, 5, 1, 2),
        ]),
        new("OddShapesNet", () => new OddShapesNet(), 5, 13, 19,
        [
            new RefConv2D(7, 9, 1, 4), new RefLeakyReLU(-0.5f), new RefConv2D(11, 1, 2), new RefTanh(), new RefAvgPool2D(3, 3, 1),
            new RefConv2D(13, 2, 1, 1), new RefSigmoid(), new RefDense(9),
        ]),
        new("PointwiseNet", () => new PointwiseNet(), 17, 6, 6,
        [
            new RefReLU(), new RefConv2D(19, 1), new RefMaxPool2D(6), new RefFlatten(), new RefDense(2),
        ]),
        new("FloorModeNet", () => new FloorModeNet(), 2, 17, 15,
        [
            new RefConv2D(4, 4, 2, 1, RefRounding.Floor), new RefReLU(), new RefMaxPool2D(3, 2, 1, RefRounding.Floor),
            new RefAvgPool2D(3, 2, 1, RefRounding.Floor), new RefFlatten(), new RefDense(3),
        ]),
        new("CeilModeNet", () => new CeilModeNet(), 2, 17, 15,
        [
            new RefConv2D(4, 3, 2, 1), new RefReLU(), new RefMaxPool2D(2, 2, 0, RefRounding.Ceil),
            new RefAvgPool2D(3, 2, 1, RefRounding.Ceil), new RefAvgPool2D(2, 2, 1, RefRounding.Ceil), new RefFlatten(), new RefDense(3),
        ]),
        new("RoundingOverridesNet", () => new RoundingOverridesNet(), 3, 23, 22,
        [
            new RefConv2D(4, 3, 2, 0, RefRounding.Floor), new RefTanh(), new RefAvgPool2D(9, 1, 4),
            new RefMaxPool2D(9, 2, 3, RefRounding.Ceil), new RefDense(3),
        ]),
        new("WideFiltersNet", () => new WideFiltersNet(), 5, 9, 7,
        [
            new RefConv2D(33, 1), new RefTanh(), new RefConv2D(40, 3, 1, 1), new RefFlatten(), new RefDense(3),
        ]),
        new("CifarNet", () => new CifarNet(), 3, 32, 32,
        [
            new RefConv2D(16, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2), new RefConv2D(20, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2),
            new RefConv2D(20, 5, 1, 2), new RefReLU(), new RefMaxPool2D(2), new RefDense(10),
        ]),
        new("WinogradWideNet", () => new WinogradWideNet(), 8, 10, 36,
        [
            new RefConv2D(12, 3, 1, 1), new RefTanh(), new RefConv2D(10, 3), new RefReLU(), new RefFlatten(), new RefDense(3),
        ]),
        new("WinogradNarrowNet", () => new WinogradNarrowNet(), 8, 10, 10,
        [
            new RefConv2D(12, 3, 1, 1), new RefReLU(), new RefConv2D(9, 3, 1, 1), new RefFlatten(), new RefDense(3),
        ]),
        new("WinogradChunkNet", () => new WinogradChunkNet(), 32, 22, 32,
        [
            new RefConv2D(32, 3, 1, 1), new RefReLU(), new RefMaxPool2D(2), new RefFlatten(), new RefDense(3),
        ]),
        new("WinogradLinearNet", () => new WinogradLinearNet(), 8, 8, 8,
        [
            new RefConv2D(8, 3, 1, 1), new RefFlatten(), new RefDense(3),
        ]),
        new("FiltersInLanesNet", () => new FiltersInLanesNet(), 3, 9, 9,
        [
            new RefConv2D(8, 3), new RefReLU(), new RefConv2D(24, 3, 1, 1), new RefFlatten(), new RefDense(3),
        ]),
        new("DirectRowsNet", () => new DirectRowsNet(), 1, 20, 20,
        [
            new RefConv2D(4, 5, 1, 2), new RefMaxPool2D(2), new RefConv2D(8, 5, 1, 2), new RefReLU(), new RefFlatten(), new RefDense(3),
        ]),
        new("SmallVgg", () => new SmallVgg(), 3, 32, 32,
        [
            new RefConv2D(32, 3, 1, 1), new RefReLU(), new RefConv2D(32, 3, 1, 1), new RefReLU(), new RefMaxPool2D(2),
            new RefConv2D(64, 3, 1, 1), new RefReLU(), new RefConv2D(64, 3, 1, 1), new RefReLU(), new RefMaxPool2D(2),
            new RefConv2D(128, 3, 1, 1), new RefReLU(), new RefMaxPool2D(2), new RefDense(256), new RefReLU(), new RefDense(10),
        ]),
        new("RectangularNet", () => new RectangularNet(), 1, 49, 10,
        [
            new RefConv2D(8, 10) { KernelWidth = 4, StrideHeight = 2, StrideWidth = 2, Same = true }, new RefReLU(),
            new RefConv2D(6, 3) { KernelWidth = 1, PadTop = 1, PadBottom = 1, PadLeft = 0, PadRight = 0 }, new RefTanh(),
            new RefMaxPool2D(3) { StrideHeight = 2, StrideWidth = 1, Same = true },
            new RefAvgPool2D(2) { Same = true, CountIncludePadding = false }, new RefDense(4),
        ]),
        new("DilatedNet", () => new DilatedNet(), 3, 12, 12,
        [
            new RefConv2D(6, 3, 1, 2) { DilationHeight = 2, DilationWidth = 2 }, new RefReLU(),
            new RefConv2D(4, 3, 2, 0, RefRounding.Floor) { DilationHeight = 2 }, new RefDense(3),
        ]),
        new("GroupedNet", () => new GroupedNet(), 4, 10, 10,
        [
            new RefConv2D(8, 3, 1, 1) { Groups = 2 }, new RefReLU(),
            new RefConv2D(8, 4, 2, 1) { Groups = 4, Bias = false },
            new RefConv2D(6, 1) { Groups = 2 },
            new RefConv2D(12, 3, 1, 1) { Groups = 6 }, new RefSigmoid(),
            new RefConv2D(12, 3, 2) { Groups = 12, Same = true, Bias = false }, new RefDense(3),
        ]),
        new("SpecialGeometryNet", () => new SpecialGeometryNet(), 8, 10, 10,
        [
            new RefConv2D(8, 3) { PadTop = 1, PadBottom = 1, PadLeft = 0, PadRight = 2 }, new RefReLU(),
            new RefConv2D(8, 3, 1, 1) { Bias = false },
            new RefConv2D(32, 3, 1, 2) { DilationHeight = 2, DilationWidth = 2, Bias = false }, new RefTanh(),
            new RefConv2D(8, 3) { PadTop = 0, PadBottom = 1, PadLeft = 1, PadRight = 0 },
            new RefConv2D(5, 5) { PadTop = 2, PadBottom = 2, PadLeft = 1, PadRight = 3 }, new RefDense(3),
        ]),
        new("ModernActivationsNet", () => new ModernActivationsNet(), 3, 9, 9,
        [
            new RefConv2D(6, 3, 1, 1), new RefReLU6(), new RefConv2D(8, 3, 1, 1), new RefHardSwish(), new RefConv2D(8, 1), new RefHardSigmoid(),
            new RefConv2D(8, 3), new RefSiLU(), new RefGlobalAvgPool2D(), new RefDense(6), new RefGELU(), new RefDense(5),
            new RefGELU(TanhApproximation: true), new RefDense(4),
        ]),
        new("SpatialSoftmaxNet", () => new SpatialSoftmaxNet(), 3, 7, 5,
        [
            new RefConv2D(4, 3), new RefGlobalMaxPool2D(), new RefConv2D(5, 1), new RefSoftmax(),
        ]),
        new("MobileNetish", () => new MobileNetish(), 3, 32, 32,
        [
            new RefConv2D(8, 3, 2) { Same = true, Bias = false }, new RefBatchNorm(), new RefReLU(),
            new RefConv2D(8, 3) { Groups = 8, Same = true, Bias = false }, new RefBatchNorm(), new RefReLU(),
            new RefConv2D(16, 1) { Bias = false }, new RefBatchNorm(), new RefReLU(),
            new RefConv2D(16, 3, 2) { Groups = 16, Same = true, Bias = false }, new RefBatchNorm(), new RefReLU(),
            new RefConv2D(32, 1) { Bias = false }, new RefBatchNorm(), new RefReLU(),
            new RefGlobalAvgPool2D(), new RefDense(10),
        ]),
        new("StrideTwoNet", () => new StrideTwoNet(), 3, 21, 63,
        [
            new RefConv2D(16, 3, 2, 1), new RefBatchNorm(), new RefReLU(),
            new RefConv2D(8, 5, 2, 2, RefRounding.Floor) { Bias = false }, new RefBatchNorm(),
            new RefGlobalAvgPool2D(), new RefDense(3),
        ]),
        new("ChannelsInLanesNet", () => new ChannelsInLanesNet(), 3, 10, 7,
        [
            new RefConv2D(32, 3, 1, 1), new RefBatchNorm(), new RefReLU(),
            new RefConv2D(32, 3) { Groups = 32, Same = true }, new RefBatchNorm(), new RefReLU(),
            new RefConv2D(32, 1), new RefBatchNorm(), new RefReLU(),
            new RefConv2D(32, 5, 1, 2) { Groups = 32, Bias = false }, new RefReLU(),
            new RefConv2D(32, 3, 2) { Groups = 32, Same = true }, new RefBatchNorm(),
            new RefConv2D(16, 1), new RefGlobalAvgPool2D(), new RefDense(3),
        ]),
        new("DepthwiseKernelNet", () => new DepthwiseKernelNet(), 4, 18, 20,
        [
            new RefConv2D(4, 3, 1, 2) { Groups = 4, DilationHeight = 2, DilationWidth = 2 }, new RefReLU(),
            new RefConv2D(8, 5, 1, 2) { Groups = 4, Bias = false }, new RefBatchNorm(), new RefReLU(),
            new RefConv2D(8, 3, 2) { Groups = 8, Same = true }, new RefBatchNorm(), new RefTanh(),
            new RefConv2D(8, 7, 1, 3, RefRounding.Floor) { Groups = 8, StrideHeight = 1, StrideWidth = 2 },
            new RefConv2D(8, 3) { Groups = 8, DilationHeight = 2, DilationWidth = 2, PadTop = 2, PadBottom = 2, PadLeft = 1, PadRight = 3 },
            new RefDense(3),
        ]),
        new("DsCnnish", () => new DsCnnish(), 1, 49, 10,
        [
            new RefConv2D(16, 10) { KernelWidth = 4, StrideHeight = 2, StrideWidth = 2, Same = true }, new RefBatchNorm(), new RefReLU(), new RefDropout(0.2f),
            new RefConv2D(16, 3) { Groups = 16, Same = true }, new RefBatchNorm(), new RefReLU(),
            new RefConv2D(16, 1), new RefBatchNorm(), new RefReLU(), new RefDropout(0.4f),
            new RefAvgPool2D(24, 0, 0, RefRounding.Floor) { KernelWidth = 5 }, new RefDense(12),
        ]),
        new("DenseBatchNorm", () => new DenseBatchNorm(), 1, 1, 20,
        [
            new RefFlatten(), new RefDense(16), new RefBatchNorm(), new RefReLU(), new RefDense(8), new RefBatchNorm(1e-3f, 0.01f), new RefReLU(), new RefDense(4),
        ]),
        new("FoldingNet", () => new FoldingNet(), 3, 12, 12,
        [
            new RefBatchNorm(), new RefConv2D(8, 3, 1, 1), new RefBatchNorm(), new RefReLU(), new RefConv2D(8, 3, 1, 1), new RefBatchNorm(),
            new RefConv2D(16, 5, 1, 2) { Bias = false }, new RefBatchNorm(), new RefReLU(), new RefMaxPool2D(2), new RefBatchNorm(),
            new RefConv2D(16, 4, 2, 1), new RefBatchNorm(), new RefBatchNorm(1e-3f), new RefReLU6(), new RefFlatten(), new RefDense(10), new RefBatchNorm(), new RefReLU(),
            new RefDropout(0.5f), new RefDense(4),
        ]),
        new("ResNet8", () => new ResNet8(), 3, 32, 32,
        [
            new RefConv2D(16, 3) { Same = true }, KerasBatchNorm(), new RefReLU(),
            new RefResidual(ResNetBlock(16, 1)), new RefReLU(),
            new RefResidual(ResNetBlock(32, 2), [new RefConv2D(32, 1, 2) { Same = true }]), new RefReLU(),
            new RefResidual(ResNetBlock(64, 2), [new RefConv2D(64, 1, 2) { Same = true }]), new RefReLU(),
            new RefAvgPool2D(8), new RefDense(10),
        ]),
        new("DsCnn", () => new DsCnn(), 1, 49, 10,
        [
            new RefConv2D(64, 10, 2) { KernelWidth = 4, Same = true }, KerasBatchNorm(), new RefReLU(), new RefDropout(0.2f),
            .. Separable(64, 1, 64), .. Separable(64, 1, 64), .. Separable(64, 1, 64), .. Separable(64, 1, 64),
            new RefDropout(0.4f), new RefAvgPool2D(24, 0, 0, RefRounding.Floor) { KernelWidth = 5 }, new RefDense(12),
        ]),
        new("MobileNetV1", () => new MobileNetV1(), 3, 96, 96,
        [
            new RefConv2D(8, 3, 2) { Same = true }, KerasBatchNorm(), new RefReLU(),
            .. Separable(8, 1, 16),
            .. Separable(16, 2, 32),
            .. Separable(32, 1, 32),
            .. Separable(32, 2, 64),
            .. Separable(64, 1, 64),
            .. Separable(64, 2, 128),
            .. Separable(128, 1, 128),
            .. Separable(128, 1, 128),
            .. Separable(128, 1, 128),
            .. Separable(128, 1, 128),
            .. Separable(128, 1, 128),
            .. Separable(128, 2, 256),
            .. Separable(256, 1, 256),
            new RefAvgPool2D(3), new RefDense(2),
        ]),
        new("FcAutoencoder", () => new FcAutoencoder(), 1, 1, 640,
        [
            new RefDense(128), KerasBatchNorm(), new RefReLU(), new RefDense(128), KerasBatchNorm(), new RefReLU(),
            new RefDense(128), KerasBatchNorm(), new RefReLU(), new RefDense(128), KerasBatchNorm(), new RefReLU(),
            new RefDense(8), KerasBatchNorm(), new RefReLU(),
            new RefDense(128), KerasBatchNorm(), new RefReLU(), new RefDense(128), KerasBatchNorm(), new RefReLU(),
            new RefDense(128), KerasBatchNorm(), new RefReLU(), new RefDense(128), KerasBatchNorm(), new RefReLU(),
            new RefDense(640),
        ]) { InferenceSumsDenseInLanes = true },
        new("UnitsInLanesNet", () => new UnitsInLanesNet(), 1, 1, 517,
        [
            new RefDense(300), new RefBatchNorm(), new RefReLU(), new RefDense(333), new RefReLU(),
            new RefDense(37), new RefBatchNorm(), new RefDense(20), new RefLeakyReLU(0.1f), new RefDense(5),
        ]) { InferenceSumsDenseInLanes = true },
        new("InvertedResidualNet", () => new InvertedResidualNet(), 8, 12, 12,
        [
            new RefResidual(InvertedResidual(8, 32)),
            new RefConv2D(16, 3, 2) { Same = true, Bias = false }, new RefBatchNorm(), new RefReLU6(),
            new RefResidual(InvertedResidual(16, 64)),
            new RefGlobalAvgPool2D(), new RefDense(5),
        ]),
        new("InceptionNet", () => new InceptionNet(), 3, 16, 16,
        [
            new RefConv2D(8, 3, 1, 1), new RefReLU(),
            new RefConcat(
            [
                [new RefConv2D(4, 1), new RefReLU()],
                [new RefConv2D(4, 1), new RefReLU(), new RefConv2D(6, 3, 1, 1), new RefReLU()],
                [new RefMaxPool2D(3, 1, 1), new RefConv2D(2, 1)],
            ]),
            new RefConcat([[new RefBatchNorm(), new RefReLU(), new RefConv2D(4, 3, 1, 1)]], IncludeInput: true),
            new RefMaxPool2D(2), new RefDense(6),
        ]),
    ];

    /// <summary>ResNet's basic block as samples/TinyMl/Models/ResNet8.cs declares it (ResNetBlock), for <paramref name="filters"/> and <paramref name="stride"/>.</summary>
    private static RefLayer[] ResNetBlock(int filters, int stride) =>
    [
        new RefConv2D(filters, 3, stride) { Same = true }, KerasBatchNorm(), new RefReLU(),
        new RefConv2D(filters, 3) { Same = true }, KerasBatchNorm(),
    ];

    /// <summary>Keras's BatchNormalization defaults: epsilon 1e-3, momentum 0.99 (0.01 in PyTorch's convention).</summary>
    private static RefBatchNorm KerasBatchNorm() => new(1e-3f, 0.01f);

    /// <summary>
    /// A depthwise-separable block of the MLPerf Tiny models (DS-CNN, MobileNetV1): a 3x3 'same' depthwise convolution
    /// over <paramref name="channels"/> with <paramref name="stride"/>, then a 1x1 convolution to <paramref name="filters"/>,
    /// each with bias, Keras's BatchNorm and ReLU.
    /// </summary>
    private static RefLayer[] Separable(int channels, int stride, int filters) =>
    [
        new RefConv2D(channels, 3, stride) { Groups = channels, Same = true }, KerasBatchNorm(), new RefReLU(),
        new RefConv2D(filters, 1), KerasBatchNorm(), new RefReLU(),
    ];

    /// <summary>MobileNetV2's inverted residual as GraphNetworks.cs declares it, for <paramref name="filters"/> and <paramref name="hidden"/>.</summary>
    private static RefLayer[] InvertedResidual(int filters, int hidden) =>
    [
        new RefConv2D(hidden, 1) { Bias = false }, new RefBatchNorm(), new RefReLU6(),
        new RefConv2D(hidden, 3) { Groups = hidden, Same = true, Bias = false }, new RefBatchNorm(), new RefReLU6(),
        new RefConv2D(filters, 1) { Bias = false }, new RefBatchNorm(),
    ];
}

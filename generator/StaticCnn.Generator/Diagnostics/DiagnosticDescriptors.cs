using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Diagnostics;

/// <summary>
/// The catalog of StaticCnn diagnostics, SCNN0001 onwards (SCNN0040 to SCNN0049 are reserved for baked-weights
/// errors). Every shape or declaration error is an Error that cannot be reconfigured; the warnings and infos
/// about valid networks can be (.editorconfig, #pragma). Messages are written by the pure checks
/// (<see cref="ShapeInference"/>, <see cref="NetworkLint"/>), so they carry the numbers and a way out.
/// docs/diagnostics/SCNNxxxx.md has a page per rule; AnalyzerReleases.*.md track them.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/staticcnn/staticcnn/blob/main/docs/diagnostics/";

    private const string Declaration = "StaticCnn.Declaration";
    private const string Shapes = "StaticCnn.Shapes";
    private const string Design = "StaticCnn.Design";
    private const string Generation = "StaticCnn.Generation";

    public static readonly DiagnosticDescriptor NotPartial = Error("SCNN0001", Declaration,
        "Network class must be partial",
        "The generator adds the network's members in a second part of the class, which needs the partial modifier.");

    public static readonly DiagnosticDescriptor LayersOnOtherDeclaration = Error("SCNN0002", Declaration,
        "Layer attributes must be on the declaration that carries [Network]",
        "Layers are ordered top to bottom in source order, which is only defined on one declaration: put [Network] and every layer attribute on the same partial declaration.");

    public static readonly DiagnosticDescriptor LayerWithoutNetwork = Error("SCNN0003", Declaration,
        "Layer attribute without [Network]",
        "A layer attribute only means something on a class that declares its input shape with [Network(channels, height, width)].");

    public static readonly DiagnosticDescriptor NoLayers = Error("SCNN0004", Declaration,
        "Network declares no layers",
        "A network needs at least one layer attribute after [Network].");

    public static readonly DiagnosticDescriptor NonPositive = Error("SCNN0005", Shapes,
        "Count must be positive",
        "Channels, sizes, filters, kernel sizes, strides and units must be at least 1; padding must be 0 or more.");

    public static readonly DiagnosticDescriptor NotWhole = Error("SCNN0006", Shapes,
        "Stride does not fit the input",
        "Convolution and pooling outputs are (N + 2P - F) / S + 1 per dimension, and the division must be exact: otherwise the last filter position would hang over the edge.");

    public static readonly DiagnosticDescriptor WindowTooLarge = Error("SCNN0007", Shapes,
        "Filter or window is larger than its padded input",
        "A filter or pooling window must fit inside the input plus its padding at least once: N + 2P >= F.");

    public static readonly DiagnosticDescriptor PoolPaddingTooLarge = Error("SCNN0008", Shapes,
        "Pooling padding is more than half the window",
        "A pooling window may overhang its input by at most half its size, so that every window covers at least one real cell (PyTorch's rule).");

    public static readonly DiagnosticDescriptor SpatialAfterFlat = Error("SCNN0009", Shapes,
        "Spatial layer after flat data",
        "After Flatten or Dense the data is a vector: Conv2D and pooling layers must come before them.");

    public static readonly DiagnosticDescriptor Overflow = Error("SCNN0010", Shapes,
        "Count overflows int",
        "Every element, activation and parameter count, and the network's buffers, must fit in an int (a .NET array).");

    public static readonly DiagnosticDescriptor SlopeNotFinite = Error("SCNN0011", Shapes,
        "LeakyReLU slope must be finite",
        "A NaN or infinite slope would make every negative input NaN or infinite.");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error("SCNN0012", Declaration,
        "Type containing a network must be partial",
        "The generated part of a nested network class is nested in the same types, so each of them needs the partial modifier.");

    public static readonly DiagnosticDescriptor StaticClass = Error("SCNN0013", Declaration,
        "Network class must not be static",
        "A network is an object that owns its parameters and buffers; a static class cannot have instances.");

    public static readonly DiagnosticDescriptor UnknownRounding = Error("SCNN0014", Shapes,
        "Rounding is not a ShapeRounding value",
        "Rounding must be ShapeRounding.Exact, Floor or Ceil; a number cast to ShapeRounding outside them has no meaning.");

    public static readonly DiagnosticDescriptor CeilConvolution = Error("SCNN0015", Shapes,
        "Ceil rounding on a convolution",
        "ShapeRounding.Ceil is PyTorch's ceil_mode, which only pooling layers have; a Conv2D rounds Exact or Floor (under a network-wide Ceil, convolutions round down).");

    public static readonly DiagnosticDescriptor MemberClash = Error("SCNN0016", Declaration,
        "Network class declares a member the generator declares",
        "The generator adds a parameterless constructor and the members of the contract (InputLength, Parameters, Forward, Backward, the batched ForwardBatch/BackwardBatch, BatchCapacity, ...) to the class; a user member with one of their names and the same parameters, or a primary constructor, would collide with them. The message lists every generated member.");

    public static readonly DiagnosticDescriptor PaddingCoversKernel = Warning("SCNN0017", Design,
        "Padding leaves border outputs that see only padding",
        "With padding P >= F, the outermost outputs of a convolution are computed from zeros alone: whole rows and columns hold only the bias and waste computation. Padding F - 1 or less avoids it; (F - 1) / 2 keeps the size at stride 1.");

    public static readonly DiagnosticDescriptor ConsecutiveActivations = Warning("SCNN0018", Design,
        "Two activations in a row",
        "An activation applied to the output of another activation is legal but rarely meant; usually a Conv2D or Dense between them is missing, or one of them is left over.");

    public static readonly DiagnosticDescriptor StrideSkipsInput = Warning("SCNN0019", Design,
        "Stride is larger than the window",
        "With stride S greater than the filter or window F, S - F of every S input rows and columns are never read, so they influence nothing and get no gradient. A strided 1x1 convolution (a ResNet-style downsampling shortcut) is not flagged.");

    public static readonly DiagnosticDescriptor DenseDominates = Info("SCNN0020", Design,
        "A Dense layer holds most of the parameters",
        "A Dense layer over a large input whose weight matrix holds more than 90% of the network's parameters (and over a million weights) dominates memory, training time and overfitting; pooling or a strided convolution before it shrinks it.");

    public static readonly DiagnosticDescriptor WindowLoops = Info("SCNN0021", Generation,
        "Large pooling window compiled as loops",
        "Pooling windows of up to 64 cells are unrolled completely in the generated code; a larger window would make the generated file grow with its area, so it runs as loops over the window instead.");

    public static readonly DiagnosticDescriptor GroupsDoNotDivide = Error("SCNN0022", Shapes,
        "Groups do not divide the channels",
        "A grouped convolution splits its input channels and its filters into Groups equal parts: both counts must be divisible by Groups. The message names the counts that divide both.");

    public static readonly DiagnosticDescriptor PaddingConflict = Error("SCNN0023", Shapes,
        "Padding declared twice",
        "PaddingMode.Same and PaddingMode.Valid compute the padding themselves; a layer that also declares padding (its padding argument or a side) says two different things.");

    public static readonly DiagnosticDescriptor UnknownEnumValue = Error("SCNN0024", Shapes,
        "PaddingMode is not a defined value",
        "PaddingMode must be PaddingMode.Explicit, Valid or Same; a cast integer that names none of them cannot be compiled.");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error("SCNN0025", Shapes,
        "Softmax is not the last layer",
        "Softmax turns the network's outputs into probabilities; it belongs at the end, after the layer that computes the logits.");

    public static readonly DiagnosticDescriptor DropoutProbability = Error("SCNN0026", Shapes,
        "Dropout probability outside [0, 1)",
        "Dropout zeroes each value with probability p and scales the others by 1 / (1 - p): p must be at least 0 and less than 1.");

    public static readonly DiagnosticDescriptor BatchNormFeatures = Error("SCNN0027", Shapes,
        "BatchNorm features do not match its input",
        "BatchNorm(features) states how many channels (after a convolution: BatchNorm2d) or features (after a Dense: BatchNorm1d) it normalises, as PyTorch's num_features; it must equal its input's.");

    public static readonly DiagnosticDescriptor BatchNormTwice = Warning("SCNN0028", Design,
        "BatchNorm right after BatchNorm",
        "A BatchNorm's output already has the mean and variance its weight and bias give it; a second one right after it has nothing left to normalise and only adds parameters.");

    public static readonly DiagnosticDescriptor BatchNormArgument = Error("SCNN0029", Shapes,
        "BatchNorm epsilon or momentum out of range",
        "A BatchNorm's epsilon must be a positive finite number (it keeps the division by sqrt(variance + epsilon) finite) and its momentum a number in [0, 1] (PyTorch's convention: the weight of the new batch statistic).");

    public static readonly DiagnosticDescriptor ResidualShapes = Error("SCNN0030", Shapes,
        "A residual connection adds tensors of different shapes",
        "[Residual] adds its block's output to its input (or to its Shortcut block's output): the two must have the same channels, height and width. When the block changes them, a projection shortcut (a 1x1 convolution with the block's filters and stride) makes the shapes equal.");

    public static readonly DiagnosticDescriptor ConcatSizes = Error("SCNN0031", Shapes,
        "Concatenated branches differ in height or width",
        "[Concat] stacks its branches' outputs along the channels: every branch (and the input, with IncludeInput) must produce the same height and width, and none may be flat.");

    public static readonly DiagnosticDescriptor NotABlock = Error("SCNN0032", Declaration,
        "Not a usable block",
        "[Residual] and [Concat] take classes marked [Block] that declare at least one layer attribute; the message says which of these the named type is not.");

    public static readonly DiagnosticDescriptor RecursiveBlock = Error("SCNN0033", Declaration,
        "A block uses itself",
        "A block that uses itself, directly or through other blocks, would be infinitely deep; the message shows the chain of blocks.");

    public static readonly DiagnosticDescriptor MarkerNotSet = Error("SCNN0034", Declaration,
        "Block.Filters, Block.Stride or Block.Hidden has no value",
        "A block's layer written with Block.Filters, Block.Stride or Block.Hidden takes the value from the [Residual] or [Concat] that uses the block (Filters = 32, ...); the use must set it, and a network's own layers cannot use the markers.");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        NotPartial, LayersOnOtherDeclaration, LayerWithoutNetwork, NoLayers, NonPositive, NotWhole, WindowTooLarge,
        PoolPaddingTooLarge, SpatialAfterFlat, Overflow, SlopeNotFinite, ContainingTypeNotPartial, StaticClass,
        UnknownRounding, CeilConvolution, MemberClash, PaddingCoversKernel, ConsecutiveActivations, StrideSkipsInput,
        DenseDominates, WindowLoops, GroupsDoNotDivide, PaddingConflict, UnknownEnumValue, SoftmaxNotLast, DropoutProbability,
        BatchNormFeatures, BatchNormTwice, BatchNormArgument, ResidualShapes, ConcatSizes, NotABlock, RecursiveBlock, MarkerNotSet);

    private static readonly Dictionary<Rule, DiagnosticDescriptor> ByRule = new()
    {
        [Rule.NotPartial] = NotPartial,
        [Rule.LayersOnOtherDeclaration] = LayersOnOtherDeclaration,
        [Rule.LayerWithoutNetwork] = LayerWithoutNetwork,
        [Rule.NoLayers] = NoLayers,
        [Rule.NonPositive] = NonPositive,
        [Rule.NotWhole] = NotWhole,
        [Rule.WindowTooLarge] = WindowTooLarge,
        [Rule.PoolPaddingTooLarge] = PoolPaddingTooLarge,
        [Rule.SpatialAfterFlat] = SpatialAfterFlat,
        [Rule.Overflow] = Overflow,
        [Rule.SlopeNotFinite] = SlopeNotFinite,
        [Rule.ContainingTypeNotPartial] = ContainingTypeNotPartial,
        [Rule.StaticClass] = StaticClass,
        [Rule.UnknownRounding] = UnknownRounding,
        [Rule.CeilConvolution] = CeilConvolution,
        [Rule.MemberClash] = MemberClash,
        [Rule.PaddingCoversKernel] = PaddingCoversKernel,
        [Rule.ConsecutiveActivations] = ConsecutiveActivations,
        [Rule.StrideSkipsInput] = StrideSkipsInput,
        [Rule.DenseDominates] = DenseDominates,
        [Rule.WindowLoops] = WindowLoops,
        [Rule.GroupsDoNotDivide] = GroupsDoNotDivide,
        [Rule.PaddingConflict] = PaddingConflict,
        [Rule.UnknownEnumValue] = UnknownEnumValue,
        [Rule.SoftmaxNotLast] = SoftmaxNotLast,
        [Rule.DropoutProbability] = DropoutProbability,
        [Rule.BatchNormFeatures] = BatchNormFeatures,
        [Rule.BatchNormTwice] = BatchNormTwice,
        [Rule.BatchNormArgument] = BatchNormArgument,
        [Rule.ResidualShapes] = ResidualShapes,
        [Rule.ConcatSizes] = ConcatSizes,
        [Rule.NotABlock] = NotABlock,
        [Rule.RecursiveBlock] = RecursiveBlock,
        [Rule.MarkerNotSet] = MarkerNotSet,
    };

    public static DiagnosticDescriptor For(Rule rule) => ByRule[rule];

    private static DiagnosticDescriptor Error(string id, string category, string title, string description) =>
        new(id, title, "{0}", category, DiagnosticSeverity.Error, isEnabledByDefault: true, description,
            HelpLinkBase + id + ".md", WellKnownDiagnosticTags.NotConfigurable);

    private static DiagnosticDescriptor Warning(string id, string category, string title, string description) =>
        new(id, title, "{0}", category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description, HelpLinkBase + id + ".md");

    private static DiagnosticDescriptor Info(string id, string category, string title, string description) =>
        new(id, title, "{0}", category, DiagnosticSeverity.Info, isEnabledByDefault: true, description, HelpLinkBase + id + ".md");
}

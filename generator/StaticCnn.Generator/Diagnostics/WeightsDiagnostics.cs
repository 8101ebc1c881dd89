using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Weights;

namespace StaticCnn.Generator.Diagnostics;

/// <summary>
/// The diagnostics of baked-in weights (<c>[Network(..., Weights = "file.safetensors")]</c>), SCNN0040 onwards:
/// errors, reported on the <c>Weights</c> argument, with messages written by <see cref="WeightsCheck"/>.
/// </summary>
internal static class WeightsDiagnostics
{
    private const string Category = "StaticCnn.Weights";

    public static readonly DiagnosticDescriptor FileNotFound = Error("SCNN0040",
        "Weights file not found",
        "The file named by Weights must be an AdditionalFiles item of the project, matched by its path or a path ending in the name.");

    public static readonly DiagnosticDescriptor Unreadable = Error("SCNN0041",
        "Weights file is not valid safetensors",
        "A safetensors file is an 8-byte little-endian header length, a JSON header of tensors with dtype, shape and data_offsets, then the tensor data the offsets cover exactly.");

    public static readonly DiagnosticDescriptor MissingTensor = Error("SCNN0042",
        "Weights file lacks a layer's tensor",
        "Every tensor of every layer must be in the file under its PyTorch state_dict name \"i.name\", where i is the layer's module index in a PyTorch nn.Sequential of the same layers (its 0-based position, plus one per implied Flatten before it): a Conv2D's or Dense's \"i.weight\" and \"i.bias\" (no bias with Bias = false), a BatchNorm's \"i.weight\" and \"i.bias\" and its buffers \"i.running_mean\", \"i.running_var\" and \"i.num_batches_tracked\".");

    public static readonly DiagnosticDescriptor WrongShape = Error("SCNN0043",
        "Weights tensor has the wrong shape",
        "Conv2D weights are [filters, inChannels / groups, kh, kw] and Dense weights [units, inputs], biases [filters] or [units]; a BatchNorm's weight, bias, running_mean and running_var are [channels] (or [features] after flat data) and its num_batches_tracked is a scalar, shape []: PyTorch's layout.");

    public static readonly DiagnosticDescriptor WrongDType = Error("SCNN0044",
        "Weights tensor has an unsupported dtype",
        "Baked weights and buffers are read from F32, F64, F16 or BF16 tensors and stored as float32. A BatchNorm's num_batches_tracked, which PyTorch saves as an I64 scalar, may also be I64 or I32; every other tensor must be a float type.");

    public static readonly DiagnosticDescriptor UnexpectedTensor = Error("SCNN0045",
        "Weights file has a tensor the network does not use",
        "A file for a different network (or a different layer order) is refused rather than partly used.");

    public static readonly DiagnosticDescriptor NotFinite = Error("SCNN0046",
        "Weights tensor holds NaN or infinity",
        "Baked weights and buffers must be finite numbers.");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        FileNotFound, Unreadable, MissingTensor, WrongShape, WrongDType, UnexpectedTensor, NotFinite);

    private static readonly Dictionary<WeightsRule, DiagnosticDescriptor> ByRule = new()
    {
        [WeightsRule.FileNotFound] = FileNotFound,
        [WeightsRule.Unreadable] = Unreadable,
        [WeightsRule.MissingTensor] = MissingTensor,
        [WeightsRule.WrongShape] = WrongShape,
        [WeightsRule.WrongDType] = WrongDType,
        [WeightsRule.UnexpectedTensor] = UnexpectedTensor,
        [WeightsRule.NotFinite] = NotFinite,
    };

    public static DiagnosticDescriptor For(WeightsRule rule) => ByRule[rule];

    private static DiagnosticDescriptor Error(string id, string title, string description) =>
        new(id, title, "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: description,
            helpLinkUri: DiagnosticDescriptors.HelpLinkBase + id + ".md", customTags: WellKnownDiagnosticTags.NotConfigurable);
}

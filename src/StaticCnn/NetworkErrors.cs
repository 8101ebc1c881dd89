using System;
using System.Diagnostics.CodeAnalysis;

namespace StaticCnn;

/// <summary>The exceptions generated networks throw, with messages that name the expected value.</summary>
public static class NetworkErrors
{
    /// <summary>Throws <see cref="ArgumentException"/> for a span of the wrong length.</summary>
    [DoesNotReturn]
    public static void ThrowLength(string parameterName, string networkName, string expected, int expectedLength, int actualLength) =>
        throw new ArgumentException(
            $"{networkName}: {parameterName} has {actualLength} floats; expected {expected} = {expectedLength}.",
            parameterName);

    /// <summary>Throws <see cref="InvalidOperationException"/> for <c>Backward</c> before any <c>Forward</c>.</summary>
    [DoesNotReturn]
    public static void ThrowBackwardBeforeForward(string networkName) =>
        throw new InvalidOperationException(
            $"{networkName}: Backward needs the activations of a Forward on this instance; call Forward first.");

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/>: a training-mode BatchNorm needs at least two values per channel
    /// (PyTorch raises the same), which a batch of one sample over a flat input, or over a 1x1 plane, does not have.
    /// </summary>
    [DoesNotReturn]
    public static void ThrowBatchNormNeedsValues(string layer, int channels, long values) =>
        throw new InvalidOperationException(
            $"{layer} normalises each of its {channels} channels over the batch, but a training-mode pass gives it {values} value{(values == 1 ? "" : "s")} per channel; " +
            "it needs at least 2 (PyTorch: \"Expected more than 1 value per channel when training\"). Run a batch of several samples (ForwardBatch), or set Training = false.");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a batch count outside [0, limit].</summary>
    [DoesNotReturn]
    public static void ThrowCount(string networkName, int count, int limit, string limitName) =>
        throw new ArgumentOutOfRangeException(
            "count", count, $"{networkName}: count must be between 0 and {limitName} = {limit}.");

    /// <summary>Throws <see cref="InvalidOperationException"/> for <c>BackwardBatch</c> without a matching <c>ForwardBatch</c>.</summary>
    [DoesNotReturn]
    public static void ThrowBackwardBatchWithoutForward(string networkName, int count, int kept) =>
        throw new InvalidOperationException(
            $"{networkName}: BackwardBatch of {count} samples needs a ForwardBatch of {count} samples on this instance; the last one kept {kept}.");

    /// <summary>
    /// The exception a frozen network (<see cref="INetwork.FreezeParameters"/>) throws when asked for something that could
    /// change its parameters or buffers: a writable span of them, training mode, or a new initialisation.
    /// </summary>
    public static InvalidOperationException Frozen(string networkName, string member) =>
        new($"{networkName}: {member} could change the parameters or buffers, which are frozen for inference (FreezeParameters); " +
            "call UnfreezeParameters first (ParameterValues and BufferValues read them while frozen).");

    /// <summary>
    /// The exception members of a network whose declaration has errors throw (the generator emits such members
    /// so that nothing but the SCNN errors breaks the build).
    /// </summary>
    public static InvalidOperationException InvalidDeclaration(string networkName) =>
        new($"{networkName}: the network declaration has errors (see the SCNN diagnostics), so no code was generated for it.");
}

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
    /// The exception members of a network whose declaration has errors throw (the generator emits such members
    /// so that nothing but the SCNN errors breaks the build).
    /// </summary>
    public static InvalidOperationException InvalidDeclaration(string networkName) =>
        new($"{networkName}: the network declaration has errors (see the SCNN diagnostics), so no code was generated for it.");
}

using System;
using System.Globalization;

namespace StaticCnn;

/// <summary>
/// The shape of one sample's activations: <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/>
/// in C,H,W order. Flat data (after <c>Flatten</c> or <c>Dense</c>) has <see cref="IsFlat"/> set and its
/// length in <see cref="Channels"/>, with height and width 1.
/// </summary>
public readonly record struct TensorShape(int Channels, int Height, int Width, bool IsFlat = false)
{
    /// <summary>A flat vector of <paramref name="length"/> floats.</summary>
    public static TensorShape Flat(int length) => new(length, 1, 1, IsFlat: true);

    /// <summary>Number of floats: C*H*W.</summary>
    public int Length => checked(Channels * Height * Width);

    /// <summary><c>CxHxW</c>, or the length alone for flat data.</summary>
    public override string ToString() => IsFlat
        ? Channels.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Channels}x{Height}x{Width}");
}

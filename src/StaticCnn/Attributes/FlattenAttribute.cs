using System;

namespace StaticCnn;

/// <summary>
/// Flattens C x H x W activations into a vector in C,H,W order. A no-op on the data; implied before the first
/// <see cref="DenseAttribute"/> when not declared. No spatial layer may follow it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute
{
}

using System;

namespace StaticCnn;

/// <summary>
/// Global average pooling: each channel's mean over its whole plane, C x H x W -> C x 1 x 1 (PyTorch's
/// <c>nn.AdaptiveAvgPool2d(1)</c>, Keras's <c>GlobalAveragePooling2D</c> before its flatten). A Dense after it
/// flattens the C values.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPool2DAttribute : Attribute
{
}

/// <summary>Global max pooling: each channel's largest value, C x H x W -> C x 1 x 1 (PyTorch's <c>nn.AdaptiveMaxPool2d(1)</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalMaxPool2DAttribute : Attribute
{
}

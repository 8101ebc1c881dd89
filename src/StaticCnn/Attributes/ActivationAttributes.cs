using System;

namespace StaticCnn;

/// <summary>Rectified linear unit: <c>max(0, x)</c>, element by element.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : Attribute
{
}

/// <summary>Leaky rectified linear unit: <c>x</c> where <c>x &gt; 0</c>, otherwise <c>slope * x</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : Attribute
{
    /// <summary>Declares a leaky ReLU with the given negative slope (PyTorch's <c>negative_slope</c>).</summary>
    /// <param name="slope">Multiplier for negative inputs; must be finite.</param>
    public LeakyReLUAttribute(float slope = 0.01f) => Slope = slope;

    /// <summary>Multiplier for negative inputs.</summary>
    public float Slope { get; }
}

/// <summary>Logistic sigmoid: <c>1 / (1 + exp(-x))</c>, element by element.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : Attribute
{
}

/// <summary>Hyperbolic tangent, element by element.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : Attribute
{
}

/// <summary>ReLU capped at 6: <c>min(max(0, x), 6)</c>, element by element (MobileNet's activation).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLU6Attribute : Attribute
{
}

/// <summary>Hard sigmoid: <c>relu6(x + 3) / 6</c>, element by element (PyTorch's <c>nn.Hardsigmoid</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HardSigmoidAttribute : Attribute
{
}

/// <summary>Hard swish: <c>x * relu6(x + 3) / 6</c>, element by element (PyTorch's <c>nn.Hardswish</c>, MobileNetV3).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HardSwishAttribute : Attribute
{
}

/// <summary>SiLU (swish): <c>x * sigmoid(x)</c>, element by element (PyTorch's <c>nn.SiLU</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SiLUAttribute : Attribute
{
}

/// <summary>
/// Gaussian error linear unit: <c>x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt 2))</c>, element by element (PyTorch's
/// <c>nn.GELU()</c>); with <see cref="ApproximateTanh"/>, PyTorch's <c>nn.GELU(approximate='tanh')</c>:
/// <c>0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GELUAttribute : Attribute
{
    /// <summary>Use the tanh approximation instead of the exact erf form (default false).</summary>
    public bool ApproximateTanh { get; set; }
}

/// <summary>
/// Softmax over the channels (PyTorch's <c>nn.Softmax(dim=1)</c>): for flat data the probabilities of the outputs,
/// for C x H x W data at every pixel. It must be the last layer: a network that ends in it outputs probabilities,
/// not logits (train it without, or with a loss that takes probabilities).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : Attribute
{
}

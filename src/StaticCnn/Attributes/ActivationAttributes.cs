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

using System;

namespace StaticCnn;

/// <summary>
/// A fully connected layer with bias: <c>y = W x + b</c>. Parameters: PyTorch's <c>weight[units, inputs]</c>
/// (inputs in C,H,W flatten order) followed by <c>bias[units]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a fully connected layer.</summary>
    /// <param name="units">Number of outputs.</param>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Number of outputs.</summary>
    public int Units { get; }
}

using System;
using System.Runtime.InteropServices;

namespace StaticCnn.Optimizers;

/// <summary>
/// Adam (Kingma and Ba) with optional L2 weight decay coupled into the gradient, as <c>torch.optim.Adam</c>:
/// per element, <c>g = grad + wd * p</c>, <c>m = b1 * m + (1 - b1) * g</c>, <c>v = b2 * v + (1 - b2) * g^2</c>, and
/// <c>p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)</c> at step t (from 1).
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[] _m;
    private readonly float[] _v;

    /// <summary>Creates the optimizer (PyTorch's defaults: lr 1e-3, betas 0.9 and 0.999, eps 1e-8, no weight decay).</summary>
    public Adam(int parameterCount, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(parameterCount, learningRate)
    {
        Beta1 = UnitInterval(beta1, nameof(beta1));
        Beta2 = UnitInterval(beta2, nameof(beta2));
        Epsilon = NonNegative(epsilon, nameof(epsilon));
        WeightDecay = NonNegative(weightDecay, nameof(weightDecay));
        _m = new float[parameterCount];
        _v = new float[parameterCount];
    }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public float Epsilon { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override string Description => $"Adam(lr={LearningRate}, betas=({Beta1}, {Beta2}), eps={Epsilon}, weight_decay={WeightDecay})";

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        (float stepSize, float correction2) = AdamUpdate.Corrections(LearningRate, Beta1, Beta2, step);
        AdamUpdate.Apply(
            ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradients),
            ref MemoryMarshal.GetArrayDataReference(_m), ref MemoryMarshal.GetArrayDataReference(_v), parameters.Length,
            decay: 1f, l2: WeightDecay, Beta1, Beta2, stepSize, correction2, Epsilon);
    }

    /// <inheritdoc/>
    protected override void ClearState()
    {
        Array.Clear(_m);
        Array.Clear(_v);
    }
}

using System;
using System.Runtime.InteropServices;

namespace StaticCnn.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam with weight decay decoupled from the gradient, as <c>torch.optim.AdamW</c>:
/// per element, first <c>p = p * (1 - lr * wd)</c>, then the Adam step of <see cref="Adam"/> on the plain gradient.
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly float[] _m;
    private readonly float[] _v;

    /// <summary>Creates the optimizer (PyTorch's defaults: lr 1e-3, betas 0.9 and 0.999, eps 1e-8, weight decay 0.01).</summary>
    public AdamW(int parameterCount, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
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

    /// <summary>Decoupled weight decay: each step multiplies the parameters by <c>1 - lr * wd</c>.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override string Description => $"AdamW(lr={LearningRate}, betas=({Beta1}, {Beta2}), eps={Epsilon}, weight_decay={WeightDecay})";

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        (float stepSize, float correction2) = AdamUpdate.Corrections(LearningRate, Beta1, Beta2, step);
        AdamUpdate.Apply(
            ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradients),
            ref MemoryMarshal.GetArrayDataReference(_m), ref MemoryMarshal.GetArrayDataReference(_v), parameters.Length,
            decay: 1f - (LearningRate * WeightDecay), l2: 0f, Beta1, Beta2, stepSize, correction2, Epsilon);
    }

    /// <inheritdoc/>
    protected override void ClearState()
    {
        Array.Clear(_m);
        Array.Clear(_v);
    }
}

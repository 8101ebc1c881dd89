using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticCnn.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, exactly
/// <c>torch.optim.SGD</c>: per element, <c>g = grad + wd * p</c>; with momentum, the buffer is <c>b = g</c> on the first
/// step and <c>b = mu * b + (1 - dampening) * g</c> after, and the step direction is <c>g + mu * b</c> (Nesterov) or
/// <c>b</c>; then <c>p = p - lr * direction</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[]? _momentumBuffer;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameterCount">Length of the parameter vector.</param>
    /// <param name="learningRate">Step size lr.</param>
    /// <param name="momentum">Momentum factor mu in [0, 1); 0 for plain SGD.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and no dampening, as in PyTorch).</param>
    /// <param name="weightDecay">L2 penalty wd added to the gradient.</param>
    /// <param name="dampening">Dampening of the momentum's gradient term, in [0, 1).</param>
    public Sgd(int parameterCount, float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f, float dampening = 0f)
        : base(parameterCount, learningRate)
    {
        Momentum = UnitInterval(momentum, nameof(momentum));
        WeightDecay = NonNegative(weightDecay, nameof(weightDecay));
        Dampening = UnitInterval(dampening, nameof(dampening));
        if (nesterov && (momentum == 0f || dampening != 0f))
        {
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0.", nameof(nesterov));
        }

        Nesterov = nesterov;
        _momentumBuffer = momentum > 0f ? new float[parameterCount] : null;
    }

    /// <summary>The momentum factor mu.</summary>
    public float Momentum { get; }

    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>The L2 weight decay wd.</summary>
    public float WeightDecay { get; }

    /// <summary>The dampening of the momentum's gradient term.</summary>
    public float Dampening { get; }

    /// <inheritdoc/>
    public override string Description =>
        $"SGD(lr={LearningRate}, momentum={Momentum}{(Nesterov ? ", nesterov" : string.Empty)}, weight_decay={WeightDecay})";

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = parameters.Length;
        float lr = LearningRate;
        float wd = WeightDecay;
        if (_momentumBuffer is null)
        {
            Plain(ref p, ref g, n, lr, wd);
            return;
        }

        ref float b = ref MemoryMarshal.GetArrayDataReference(_momentumBuffer);
        Momentumful(ref p, ref g, ref b, n, lr, wd, Momentum, 1f - Dampening, step == 1, Nesterov);
    }

    /// <inheritdoc/>
    protected override void ClearState()
    {
        if (_momentumBuffer is not null)
        {
            Array.Clear(_momentumBuffer);
        }
    }

    private static void Plain(ref float p, ref float g, int n, float lr, float wd)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vlr = new Vector<float>(lr);
            var vwd = new Vector<float>(wd);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vp = Vector.LoadUnsafe(ref p, (nuint)i);
                var vg = Vector.LoadUnsafe(ref g, (nuint)i) + (vwd * vp);
                (vp - (vlr * vg)).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i);
            float gi = Unsafe.Add(ref g, i) + (wd * pi);
            Unsafe.Add(ref p, i) = pi - (lr * gi);
        }
    }

    private static void Momentumful(ref float p, ref float g, ref float b, int n, float lr, float wd, float mu, float gradientShare, bool first, bool nesterov)
    {
        // On the first step the buffer is the gradient itself: b = 0 * b + 1 * g.
        float bufferShare = first ? 0f : mu;
        float share = first ? 1f : gradientShare;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vlr = new Vector<float>(lr);
            var vwd = new Vector<float>(wd);
            var vmu = new Vector<float>(mu);
            var vkeep = new Vector<float>(bufferShare);
            var vshare = new Vector<float>(share);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vp = Vector.LoadUnsafe(ref p, (nuint)i);
                var vg = Vector.LoadUnsafe(ref g, (nuint)i) + (vwd * vp);
                var vb = (vkeep * Vector.LoadUnsafe(ref b, (nuint)i)) + (vshare * vg);
                vb.StoreUnsafe(ref b, (nuint)i);
                var direction = nesterov ? vg + (vmu * vb) : vb;
                (vp - (vlr * direction)).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i);
            float gi = Unsafe.Add(ref g, i) + (wd * pi);
            float bi = (bufferShare * Unsafe.Add(ref b, i)) + (share * gi);
            Unsafe.Add(ref b, i) = bi;
            float direction = nesterov ? gi + (mu * bi) : bi;
            Unsafe.Add(ref p, i) = pi - (lr * direction);
        }
    }
}

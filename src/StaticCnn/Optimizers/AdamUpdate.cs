using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticCnn.Optimizers;

/// <summary>
/// The element-wise Adam update shared by <see cref="Adam"/> and <see cref="AdamW"/>, in the order of
/// <c>torch.optim.Adam</c>'s single-tensor implementation.
/// </summary>
internal static class AdamUpdate
{
    /// <param name="p">Parameters.</param>
    /// <param name="g">Gradients.</param>
    /// <param name="m">First moments.</param>
    /// <param name="v">Second moments.</param>
    /// <param name="n">Element count.</param>
    /// <param name="decay">Multiplier applied to p before the step: 1 - lr * wd for AdamW, 1 for Adam.</param>
    /// <param name="l2">L2 weight decay added to the gradient: wd for Adam, 0 for AdamW.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="stepSize">lr / (1 - beta1^t).</param>
    /// <param name="inverseRootCorrection2">1 / sqrt(1 - beta2^t).</param>
    /// <param name="epsilon">Added to the corrected root of the second moment.</param>
    public static void Apply(
        ref float p, ref float g, ref float m, ref float v, int n,
        float decay, float l2, float beta1, float beta2, float stepSize, float inverseRootCorrection2, float epsilon)
    {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vdecay = new Vector<float>(decay);
            var vl2 = new Vector<float>(l2);
            var vb1 = new Vector<float>(beta1);
            var vb2 = new Vector<float>(beta2);
            var v1b1 = new Vector<float>(oneMinusBeta1);
            var v1b2 = new Vector<float>(oneMinusBeta2);
            var vstep = new Vector<float>(stepSize);
            var vcorr = new Vector<float>(inverseRootCorrection2);
            var veps = new Vector<float>(epsilon);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vp = Vector.LoadUnsafe(ref p, (nuint)i) * vdecay;
                var vg = Vector.LoadUnsafe(ref g, (nuint)i) + (vl2 * vp);
                var vm = (vb1 * Vector.LoadUnsafe(ref m, (nuint)i)) + (v1b1 * vg);
                var vv = (vb2 * Vector.LoadUnsafe(ref v, (nuint)i)) + (v1b2 * (vg * vg));
                vm.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                var denominator = (Vector.SquareRoot(vv) * vcorr) + veps;
                (vp - (vstep * (vm / denominator))).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i) * decay;
            float gi = Unsafe.Add(ref g, i) + (l2 * pi);
            float mi = (beta1 * Unsafe.Add(ref m, i)) + (oneMinusBeta1 * gi);
            float vi = (beta2 * Unsafe.Add(ref v, i)) + (oneMinusBeta2 * (gi * gi));
            Unsafe.Add(ref m, i) = mi;
            Unsafe.Add(ref v, i) = vi;
            float denominator = (MathF.Sqrt(vi) * inverseRootCorrection2) + epsilon;
            Unsafe.Add(ref p, i) = pi - (stepSize * (mi / denominator));
        }
    }

    /// <summary>The per-step scalars: lr / (1 - beta1^t) and 1 / sqrt(1 - beta2^t), computed in double.</summary>
    public static (float StepSize, float InverseRootCorrection2) Corrections(float learningRate, float beta1, float beta2, long step)
    {
        double correction1 = 1.0 - Math.Pow(beta1, step);
        double correction2 = 1.0 - Math.Pow(beta2, step);
        return ((float)(learningRate / correction1), (float)(1.0 / Math.Sqrt(correction2)));
    }
}

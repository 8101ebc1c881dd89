using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// Element-wise activation layers, forward and backward, over <c>length</c> floats: full vectors first, then a
/// scalar tail, so nothing outside the given range is read or written. Generated code calls these with
/// constant lengths; the JIT inlines them and folds the loop bounds.
/// </summary>
public static class Activations
{
    /// <summary><c>y = max(0, x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReluForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(TS.Max(TS.Load(ref Unsafe.Add(ref x, i)), TS.Zero), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref x, i);
            Unsafe.Add(ref y, i) = v > 0f ? v : (float.IsNaN(v) ? v : 0f);
        }
    }

    /// <summary>
    /// <c>dx = dy</c> where <c>x &gt; 0</c>, otherwise 0. <paramref name="x"/> may be the ReLU's input or its output
    /// (max(x, 0) is positive exactly where x is; NaN is neither): the generated code passes the output, so that a
    /// convolution with the ReLU fused keeps only the ReLU's output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReluBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec mask = TS.GreaterThan(TS.Load(ref Unsafe.Add(ref x, i)), TS.Zero);
            TS.Store(TS.Select(mask, TS.Load(ref Unsafe.Add(ref dy, i)), TS.Zero), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref x, i) > 0f ? Unsafe.Add(ref dy, i) : 0f;
        }
    }

    /// <summary><c>y = x</c> where <c>x &gt; 0</c>, otherwise <c>slope * x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LeakyReluForward<TS, TVec>(ref float x, ref float y, int length, float slope)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s = TS.Broadcast(slope);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec v = TS.Load(ref Unsafe.Add(ref x, i));
            TS.Store(TS.Select(TS.GreaterThan(v, TS.Zero), v, TS.Multiply(v, s)), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref x, i);
            Unsafe.Add(ref y, i) = v > 0f ? v : v * slope;
        }
    }

    /// <summary><c>dx = dy</c> where the forward input <c>x &gt; 0</c>, otherwise <c>slope * dy</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LeakyReluBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length, float slope)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s = TS.Broadcast(slope);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec g = TS.Load(ref Unsafe.Add(ref dy, i));
            TVec mask = TS.GreaterThan(TS.Load(ref Unsafe.Add(ref x, i)), TS.Zero);
            TS.Store(TS.Select(mask, g, TS.Multiply(g, s)), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            float g = Unsafe.Add(ref dy, i);
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref x, i) > 0f ? g : g * slope;
        }
    }

    /// <summary><c>y = 1 / (1 + e^-x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SigmoidForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(SimdMath.Sigmoid<TS, TVec>(TS.Load(ref Unsafe.Add(ref x, i))), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = SimdMath.Sigmoid<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary><c>dx = dy * y * (1 - y)</c> with the forward output <c>y</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SigmoidBackward<TS, TVec>(ref float y, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec v = TS.Load(ref Unsafe.Add(ref y, i));
            TVec g = TS.Load(ref Unsafe.Add(ref dy, i));
            TS.Store(TS.Multiply(g, TS.Multiply(v, TS.Subtract(one, v))), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref y, i);
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref dy, i) * (v * (1f - v));
        }
    }

    /// <summary><c>y = tanh x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(SimdMath.Tanh<TS, TVec>(TS.Load(ref Unsafe.Add(ref x, i))), ref Unsafe.Add(ref y, i));
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = SimdMath.Tanh<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary><c>dx = dy * (1 - y^2)</c> with the forward output <c>y</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhBackward<TS, TVec>(ref float y, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec v = TS.Load(ref Unsafe.Add(ref y, i));
            TVec g = TS.Load(ref Unsafe.Add(ref dy, i));
            TS.Store(TS.Multiply(g, TS.Subtract(one, TS.Multiply(v, v))), ref Unsafe.Add(ref dx, i));
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref y, i);
            Unsafe.Add(ref dx, i) = Unsafe.Add(ref dy, i) * (1f - (v * v));
        }
    }

    /// <summary><c>y = min(max(x, 0), 6)</c> (PyTorch <c>nn.ReLU6</c>); NaN stays NaN, -0 gives +0, as in <see cref="ReluForward"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Relu6Forward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(Relu6<TS, TVec>(TS.Load(ref x, i)), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = Relu6<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>
    /// <c>dx = dy</c> where <c>0 &lt; y &lt; 6</c>, otherwise 0 (also where y is NaN, as PyTorch's vectorised
    /// hardtanh_backward), with the forward OUTPUT <paramref name="y"/>: 0 &lt; relu6(x) &lt; 6 exactly where
    /// 0 &lt; x &lt; 6.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Relu6Backward<TS, TVec>(ref float y, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(Relu6Gradient<TS, TVec>(TS.Load(ref y, i), TS.Load(ref dy, i)), ref dx, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = Relu6Gradient<SimdScalar, float>(Unsafe.Add(ref y, i), Unsafe.Add(ref dy, i));
        }
    }

    /// <summary><c>y = relu6(x + 3) / 6</c> (PyTorch <c>nn.Hardsigmoid</c>, dividing as it does); NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HardSigmoidForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(HardSigmoid<TS, TVec>(TS.Load(ref x, i)), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = HardSigmoid<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>
    /// <c>dx = dy / 6</c> where the forward INPUT satisfies <c>-3 &lt; x &lt; 3</c>, otherwise 0 (NaN x too).
    /// Computed as PyTorch's hardsigmoid_backward does, <c>dy * (1f / 6f)</c> (within an ulp of the quotient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HardSigmoidBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(HardSigmoidGradient<TS, TVec>(TS.Load(ref x, i), TS.Load(ref dy, i)), ref dx, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = HardSigmoidGradient<SimdScalar, float>(Unsafe.Add(ref x, i), Unsafe.Add(ref dy, i));
        }
    }

    /// <summary>
    /// <c>y = x * relu6(x + 3) / 6</c> (PyTorch <c>nn.Hardswish</c>, in its order: the product, then the division).
    /// NaN stays NaN; -infinity gives NaN (-infinity * 0), as in PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HardSwishForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(HardSwish<TS, TVec>(TS.Load(ref x, i)), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = HardSwish<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>
    /// PyTorch's hardswish_backward with the forward INPUT <paramref name="x"/>: 0 where <c>x &lt; -3</c>,
    /// <c>dy * (x / 3 + 0.5)</c> where <c>-3 &lt;= x &lt;= 3</c> (so 1.5 dy at x = 3, as its scalar definition),
    /// <c>dy</c> elsewhere, NaN x included (the comparisons are false).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HardSwishBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(HardSwishGradient<TS, TVec>(TS.Load(ref x, i), TS.Load(ref dy, i)), ref dx, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = HardSwishGradient<SimdScalar, float>(Unsafe.Add(ref x, i), Unsafe.Add(ref dy, i));
        }
    }

    /// <summary>
    /// <c>y = x * sigmoid(x)</c> (PyTorch <c>nn.SiLU</c>), computed as PyTorch does: <c>x / (1 + e^-x)</c>, one
    /// rounding fewer than the product. -infinity gives NaN (-infinity / infinity), as in PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SiluForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(Silu<TS, TVec>(TS.Load(ref x, i)), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = Silu<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>
    /// <c>dx = dy * s * (1 + x * (1 - s))</c> with <c>s = sigmoid(x)</c> of the forward INPUT, in PyTorch's order
    /// (<c>(dy * s) * (...)</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SiluBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(SiluGradient<TS, TVec>(TS.Load(ref x, i), TS.Load(ref dy, i)), ref dx, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = SiluGradient<SimdScalar, float>(Unsafe.Add(ref x, i), Unsafe.Add(ref dy, i));
        }
    }

    /// <summary>
    /// Exact GELU (PyTorch <c>nn.GELU()</c>): <c>y = 0.5 * x * (1 + erf(x / sqrt 2)) = x * Phi(x)</c>, with Phi from
    /// <see cref="SimdMath.NormalCdf{TS, TVec}(TVec)"/> (its left tail without cancellation, so that y keeps its relative
    /// accuracy for negative x too). Absolute error below about 1.5e-7 * max(1, |x|). -infinity gives NaN
    /// (-infinity * 0), as in PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GeluForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TVec v = TS.Load(ref x, i);
            TS.Store(TS.Multiply(v, SimdMath.NormalCdf<TS, TVec>(v)), ref y, i);
        }

        for (; i < length; i++)
        {
            float v = Unsafe.Add(ref x, i);
            Unsafe.Add(ref y, i) = v * SimdMath.NormalCdf<SimdScalar, float>(v);
        }
    }

    /// <summary>
    /// Exact GELU's gradient with the forward INPUT: <c>dx = dy * (Phi(x) + x * phi(x))</c>, phi the standard normal
    /// density <c>e^(-x^2 / 2) / sqrt(2 pi)</c>. +-infinity give NaN (infinity * 0), as in PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GeluBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(GeluGradient<TS, TVec>(TS.Load(ref x, i), TS.Load(ref dy, i)), ref dx, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = GeluGradient<SimdScalar, float>(Unsafe.Add(ref x, i), Unsafe.Add(ref dy, i));
        }
    }

    /// <summary>
    /// GELU's tanh approximation (PyTorch <c>nn.GELU(approximate='tanh')</c>), in PyTorch's order:
    /// <c>y = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x * x * x)))</c>. -infinity gives NaN, as in PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GeluTanhForward<TS, TVec>(ref float x, ref float y, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(GeluTanh<TS, TVec>(TS.Load(ref x, i)), ref y, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = GeluTanh<SimdScalar, float>(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>
    /// The exact derivative of <see cref="GeluTanhForward"/> with the forward INPUT, in PyTorch's order: with
    /// <c>t = tanh(sqrt(2 / pi) * (x + 0.044715 x^3))</c>,
    /// <c>dx = dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * sqrt(2 / pi) * (1 + 3 * 0.044715 * x * x))</c>. Like
    /// PyTorch's float kernel this gives NaN where x * x overflows (|x| above 1.8e19: infinity times the zero 1 - t^2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GeluTanhBackward<TS, TVec>(ref float x, ref float dy, ref float dx, int length)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        int i = 0;
        for (; i <= length - TS.Count; i += TS.Count)
        {
            TS.Store(GeluTanhGradient<TS, TVec>(TS.Load(ref x, i), TS.Load(ref dy, i)), ref dx, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dx, i) = GeluTanhGradient<SimdScalar, float>(Unsafe.Add(ref x, i), Unsafe.Add(ref dy, i));
        }
    }

    /// <summary>min(max(v, 0), 6): the maximum keeps NaN, and NaN &gt; 6 is false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Relu6<TS, TVec>(TVec v)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec six = TS.Broadcast(6f);
        TVec m = TS.Max(v, TS.Zero);
        return TS.Select(TS.GreaterThan(m, six), six, m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Relu6Gradient<TS, TVec>(TVec y, TVec g)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec inside = TS.And(TS.GreaterThan(y, TS.Zero), TS.LessThan(y, TS.Broadcast(6f)));
        return TS.And(inside, g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec HardSigmoid<TS, TVec>(TVec v)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        return TS.Divide(Relu6<TS, TVec>(TS.Add(v, TS.Broadcast(3f))), TS.Broadcast(6f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec HardSigmoidGradient<TS, TVec>(TVec x, TVec g)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec inside = TS.And(TS.GreaterThan(x, TS.Broadcast(-3f)), TS.LessThan(x, TS.Broadcast(3f)));
        return TS.And(inside, TS.Multiply(g, TS.Broadcast(1f / 6f)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec HardSwish<TS, TVec>(TVec v)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        return TS.Divide(TS.Multiply(v, Relu6<TS, TVec>(TS.Add(v, TS.Broadcast(3f)))), TS.Broadcast(6f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec HardSwishGradient<TS, TVec>(TVec x, TVec g)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec three = TS.Broadcast(3f);
        TVec ramp = TS.Multiply(g, TS.Add(TS.Divide(x, three), TS.Broadcast(0.5f)));
        TVec upTo3 = TS.Or(TS.LessThan(x, three), TS.Equal(x, three));
        TVec result = TS.Select(upTo3, ramp, g);
        return TS.AndNot(result, TS.LessThan(x, TS.Broadcast(-3f)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Silu<TS, TVec>(TVec v)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        return TS.Divide(v, TS.Add(TS.Broadcast(1f), TS.Exp(TS.Subtract(TS.Zero, v))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec SiluGradient<TS, TVec>(TVec x, TVec g)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        TVec s = TS.Divide(one, TS.Add(one, TS.Exp(TS.Subtract(TS.Zero, x))));
        return TS.Multiply(TS.Multiply(g, s), TS.Add(one, TS.Multiply(x, TS.Subtract(one, s))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec GeluGradient<TS, TVec>(TVec x, TVec g)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec cdf = SimdMath.NormalCdf<TS, TVec>(x, out TVec gaussian);
        TVec pdf = TS.Multiply(gaussian, TS.Broadcast(0.3989423f)); // 1 / sqrt(2 pi)
        return TS.Multiply(g, TS.Add(cdf, TS.Multiply(x, pdf)));
    }

    /// <summary>sqrt(2 / pi), rounded to float as PyTorch's kBeta.</summary>
    private const float GeluBeta = 0.7978846f;

    /// <summary>PyTorch's kKappa.</summary>
    private const float GeluKappa = 0.044715f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec GeluTanh<TS, TVec>(TVec v)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec cube = TS.Multiply(TS.Multiply(v, v), v);
        TVec inner = TS.Multiply(TS.Broadcast(GeluBeta), TS.Add(v, TS.Multiply(TS.Broadcast(GeluKappa), cube)));
        TVec t = SimdMath.Tanh<TS, TVec>(inner);
        return TS.Multiply(TS.Multiply(TS.Broadcast(0.5f), v), TS.Add(TS.Broadcast(1f), t));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec GeluTanhGradient<TS, TVec>(TVec x, TVec g)
        where TS : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec one = TS.Broadcast(1f);
        TVec half = TS.Broadcast(0.5f);
        TVec square = TS.Multiply(x, x);
        TVec cube = TS.Multiply(square, x);
        TVec inner = TS.Multiply(TS.Broadcast(GeluBeta), TS.Add(x, TS.Multiply(TS.Broadcast(GeluKappa), cube)));
        TVec t = SimdMath.Tanh<TS, TVec>(inner);
        TVec leftDerivative = TS.Multiply(half, TS.Add(one, t));
        TVec tanhDerivative = TS.Subtract(one, TS.Multiply(t, t));
        TVec innerDerivative = TS.Multiply(TS.Broadcast(GeluBeta), TS.Add(one, TS.Multiply(TS.Broadcast(3f * GeluKappa), square)));
        TVec rightDerivative = TS.Multiply(TS.Multiply(TS.Multiply(half, x), tanhDerivative), innerDerivative);
        return TS.Multiply(g, TS.Add(leftDerivative, rightDerivative));
    }
}

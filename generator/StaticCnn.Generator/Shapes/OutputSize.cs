using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// The output-size rule of convolution and pooling, out = (N + 2P - F) / S + 1, in exact integer arithmetic
/// (64-bit, so that no declared value can overflow it), and the search for nearby values that fit.
/// </summary>
internal static class OutputSize
{
    /// <summary>(N + 2P - F) / S + 1 when the division is exact and the result at least 1; otherwise null.</summary>
    public static long? Exact(long n, long f, long s, long p)
    {
        long span = n + (2 * p) - f;
        if (span < 0 || s <= 0 || span % s != 0)
        {
            return null;
        }

        return (span / s) + 1;
    }

    /// <summary>
    /// The output size under a rounding rule, or null when there is none: Exact as <see cref="Exact"/>; Floor
    /// floor((N + 2P - F) / S) + 1; Ceil ceil((N + 2P - F) / S) + 1, less one when the last window would start in
    /// the bottom or right padding (PyTorch's pooling_output_shape with ceil_mode). Null when N + 2P &lt; F.
    /// </summary>
    public static long? Rounded(long n, long f, long s, long p, Rounding rounding)
    {
        long span = n + (2 * p) - f;
        if (span < 0 || s <= 0)
        {
            return null;
        }

        switch (rounding)
        {
            case Rounding.Floor:
                return (span / s) + 1;
            case Rounding.Ceil:
                long output = ((span + s - 1) / s) + 1;
                return (output - 1) * s >= n + p ? output - 1 : output;
            default:
                return Exact(n, f, s, p);
        }
    }

    /// <summary>
    /// The output size with <paramref name="before"/> and <paramref name="after"/> padding (F the window's span)
    /// under a rounding rule, or null when there is none: as <see cref="Rounded(long, long, long, long, Rounding)"/>,
    /// Ceil dropping a last window that would start in the bottom or right padding (PyTorch's rule, with the padding
    /// before).
    /// </summary>
    public static long? Rounded(long n, long f, long s, long before, long after, Rounding rounding)
    {
        long span = n + before + after - f;
        if (span < 0 || s <= 0)
        {
            return null;
        }

        switch (rounding)
        {
            case Rounding.Floor:
                return (span / s) + 1;
            case Rounding.Ceil:
                long output = ((span + s - 1) / s) + 1;
                return (output - 1) * s >= n + before ? output - 1 : output;
            default:
                return span % s == 0 ? (span / s) + 1 : null;
        }
    }

    /// <summary>"(49 + 4 + 5 - 10) / 2 + 1", or with equal paddings "(28 + 2*2 - 5) / 1 + 1".</summary>
    public static string Arithmetic(long n, long f, long s, long before, long after) =>
        before == after
            ? Arithmetic(n, f, s, before)
            : $"({Format.Int(n)} + {Format.Int(before)} + {Format.Int(after)} - {Format.Int(f)}) / {Format.Int(s)} + 1";

    /// <summary>(N + Pb + Pa - F) / S + 1 for messages, as <see cref="Real(long, long, long, long)"/>.</summary>
    public static string Real(long n, long f, long s, long before, long after) => Format.Quotient(n + before + after - f, s, 1);

    /// <summary>
    /// (N + 2P - F) / S + 1 for messages: two decimals ("2.33", "14.5", "28"), but never shown as a whole number
    /// when it is not one (stride 1,000,000 over 7 gives "1.000004", not "1").
    /// </summary>
    public static string Real(long n, long f, long s, long p) => Format.Quotient(n + (2 * p) - f, s, 1);

    /// <summary>"(7 + 2*0 - 3) / 3 + 1".</summary>
    public static string Arithmetic(long n, long f, long s, long p) =>
        $"({Format.Int(n)} + 2*{Format.Int(p)} - {Format.Int(f)}) / {Format.Int(s)} + 1";

    /// <summary>Strides other than <paramref name="s"/> that fit both dimensions, nearest first (at most <paramref name="max"/>).</summary>
    public static List<(int Stride, long OutH, long OutW)> StridesThatFit(long h, long w, long f, long s, long p, int max)
    {
        var found = new List<(int, long, long)>();
        long limit = System.Math.Min(System.Math.Max(h, w) + (2 * p), 4096);

        // Candidates lie in [1, limit]: when s is beyond it, start at the distance that reaches limit.
        for (long distance = System.Math.Max(1, s - limit); distance <= System.Math.Max(limit, s) && found.Count < max; distance++)
        {
            foreach (long candidate in new[] { s - distance, s + distance })
            {
                if (candidate < 1 || candidate > limit || found.Count >= max)
                {
                    continue;
                }

                if (Exact(h, f, candidate, p) is long oh && Exact(w, f, candidate, p) is long ow)
                {
                    found.Add(((int)candidate, oh, ow));
                }
            }
        }

        found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    /// <summary>Paddings other than <paramref name="p"/>, at most <paramref name="maxPadding"/>, that fit both dimensions with stride s, nearest first.</summary>
    public static List<(int Padding, long OutH, long OutW)> PaddingsThatFit(long h, long w, long f, long s, long p, long maxPadding, int max, Rounding rounding = Rounding.Exact)
    {
        var found = new List<(int, long, long)>();
        long limit = System.Math.Min(maxPadding, 4096);

        // Candidates lie in [0, limit]: when p is beyond it, start at the distance that reaches limit.
        for (long distance = System.Math.Max(1, p - limit); distance <= limit + System.Math.Abs(p) && found.Count < max; distance++)
        {
            foreach (long candidate in new[] { p - distance, p + distance })
            {
                if (candidate < 0 || candidate > limit || found.Count >= max)
                {
                    continue;
                }

                if (Rounded(h, f, s, candidate, rounding) is long oh && Rounded(w, f, s, candidate, rounding) is long ow)
                {
                    found.Add(((int)candidate, oh, ow));
                }
            }
        }

        return found;
    }

    /// <summary>Kernel sizes below <paramref name="f"/> that fit both dimensions with stride s and padding p, largest first.</summary>
    public static List<(int Kernel, long OutH, long OutW)> KernelsThatFit(long h, long w, long f, long s, long p, int max, Rounding rounding = Rounding.Exact)
    {
        var found = new List<(int, long, long)>();
        long largest = System.Math.Min(f - 1, System.Math.Min(h, w) + (2 * p));

        // At most 4096 candidates, like the other searches: the sizes can be as large as int.MaxValue.
        for (long candidate = largest; candidate >= 1 && candidate > largest - 4096 && found.Count < max; candidate--)
        {
            if (Rounded(h, candidate, s, p, rounding) is long oh && Rounded(w, candidate, s, p, rounding) is long ow)
            {
                found.Add(((int)candidate, oh, ow));
            }
        }

        return found;
    }
}

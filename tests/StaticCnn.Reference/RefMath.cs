using System;

namespace StaticCnn.Reference;

/// <summary>Special functions the reference layers need, in double precision, written from their series and
/// continued fractions (no library code): the error function and its complement, to within a few units in the last
/// place (about 1e-15 relative).</summary>
public static class RefMath
{
    private const double TwoOverSqrtPi = 1.1283791670955125738961589031215452; // 2 / sqrt(pi)
    private const double Sqrt1Over2 = 0.70710678118654752440084436210484904; // 1 / sqrt(2)
    private const double OneOverSqrt2Pi = 0.39894228040143267793994605993438187; // 1 / sqrt(2 pi)

    /// <summary>erf(x) = 2 / sqrt(pi) * integral from 0 to x of e^(-t^2) dt. Odd; erf(+-infinity) = +-1, NaN gives
    /// NaN.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        if (x < 0)
        {
            return -Erf(-x);
        }
        // Below 1.25 the series is accurate to an ulp or two; above it erfc is at most 0.08, so 1 - erfc loses
        // nothing of erfc's accuracy.
        return x < 1.25 ? ErfSeries(x) : 1.0 - Erfc(x);
    }

    /// <summary>erfc(x) = 1 - erf(x), computed without cancellation for large x (it stays accurate relative to its
    /// own tiny value, down to the underflow near x = 27). erfc(-infinity) = 2, erfc(infinity) = 0, NaN gives
    /// NaN.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        if (x < 0)
        {
            return 1.0 + Erf(-x); // at least 1: no cancellation
        }
        if (x < 0.5)
        {
            return 1.0 - ErfSeries(x); // at least 0.48: loses at most a bit
        }
        if (x > 30)
        {
            return 0.0; // erfc(27.3) is already below the smallest subnormal
        }
        return ErfcContinuedFraction(x);
    }

    /// <summary>The standard normal distribution function Phi(x) = (1 + erf(x / sqrt 2)) / 2, through erfc for
    /// negative x so that its small left tail keeps its relative accuracy.</summary>
    public static double NormalCdf(double x) =>
        x < 0 ? 0.5 * Erfc(-x * Sqrt1Over2) : 0.5 * (1.0 + Erf(x * Sqrt1Over2));

    /// <summary>The standard normal density phi(x) = e^(-x^2 / 2) / sqrt(2 pi).</summary>
    public static double NormalPdf(double x) => OneOverSqrt2Pi * Math.Exp(-0.5 * x * x);

    /// <summary>erf(x) = 2 / sqrt(pi) * e^(-x^2) * sum_{n >= 0} 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)) (Abramowitz and
    /// Stegun 7.1.6): every term is positive, so the sum has no cancellation; it needs about 2x^2 + 20 terms.</summary>
    private static double ErfSeries(double x)
    {
        double x2 = x * x;
        double term = x, sum = x;
        for (int n = 0; n < 1000; n++)
        {
            term *= 2.0 * x2 / (2 * n + 3);
            double next = sum + term;
            if (next == sum)
            {
                break;
            }
            sum = next;
        }
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    /// <summary>erfc(x) for x &gt; 0 by the even part of Laplace's continued fraction (Abramowitz and Stegun 7.1.14):
    /// erfc(x) = 2x / sqrt(pi) * e^(-x^2) / (2x^2 + 1 - 1*2 / (2x^2 + 5 - 3*4 / (2x^2 + 9 - ...))), evaluated from a
    /// fixed depth backwards, which is numerically stable. About 100 / x^2 levels reach full double precision (399 at
    /// x = 0.5, 97 at x = 1, 27 at x = 2); the depth used has twice that plus a margin.</summary>
    private static double ErfcContinuedFraction(double x)
    {
        double x2 = x * x;
        int depth = 20 + (int)Math.Ceiling(200.0 / x2);
        double tail = 2.0 * x2 + 1.0 + 4.0 * depth;
        for (int k = depth; k >= 1; k--)
        {
            tail = (2.0 * x2 + 1.0 + 4.0 * (k - 1)) - (2.0 * k - 1.0) * (2.0 * k) / tail;
        }
        return x * TwoOverSqrtPi * Math.Exp(-x2) / tail;
    }
}

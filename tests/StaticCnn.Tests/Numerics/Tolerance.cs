using System;
using Xunit.Sdk;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// Comparison of float results with a double-precision reference: every element within 1e-4 relative, where
/// "relative" is to the larger of the element itself and the root mean square of the whole vector (so that
/// elements that cancel to nearly zero are judged on the scale of their neighbours, not on their own).
/// </summary>
public static class Tolerance
{
    public const double Relative = 1e-4;

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, double relative = Relative)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: expected {expected.Length} values, got {actual.Length}.");
        }

        double sum = 0;
        foreach (double e in expected)
        {
            sum += e * e;
        }

        double rms = expected.Length == 0 ? 0 : Math.Sqrt(sum / expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(Math.Abs(expected[i]), rms);
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= relative * scale) && !(scale == 0 && error == 0))
            {
                throw new XunitException(
                    $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2}, allowed {relative * scale:E2}; vector rms {rms:E2}).");
            }
        }
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double relative = Relative)
    {
        double[] wide = new double[expected.Length];
        for (int i = 0; i < wide.Length; i++)
        {
            wide[i] = expected[i];
        }

        AssertClose(wide, actual, what, relative);
    }
}

using System;
using System.Globalization;

namespace StaticCnn.Generator.Helpers;

/// <summary>Culture-invariant formatting for messages and generated code.</summary>
internal static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>An integer as a C# literal (invariant, no separators).</summary>
    public static string Int(long value) => value.ToString(Invariant);

    /// <summary>An integer with thousands separators for people: 61,706.</summary>
    public static string Count(long value) => value.ToString("#,0", Invariant);

    /// <summary>A float as a C# literal that round-trips exactly: 0.01f, -1.5f.</summary>
    public static string FloatLiteral(float value)
    {
        if (float.IsNaN(value) || float.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Generated code only holds finite floats.");
        }

        string text = value.ToString("R", Invariant);
        if (text.IndexOf('E') < 0 && text.IndexOf('.') < 0)
        {
            text += ".0";
        }

        return text + "f";
    }

    /// <summary>A float for people, round-trip precision: 0.01.</summary>
    public static string Float(float value) => value.ToString("R", Invariant);

    /// <summary>A ratio with at most two decimals: 2.33, 14.5, 28.</summary>
    public static string Decimal(double value) => value.ToString("0.##", Invariant);

    /// <summary>
    /// numerator / divisor + add, exactly (decimal arithmetic), with two decimals unless more are needed to show
    /// that it is not a whole number: "2.33", "14.5", "28", "1.000004", "1.9999999995".
    /// </summary>
    public static string Quotient(long numerator, long divisor, long add)
    {
        decimal exact = ((decimal)numerator / divisor) + add;
        bool whole = numerator % divisor == 0;
        for (int decimals = 2; decimals < 28; decimals++)
        {
            decimal shown = Math.Round(exact, decimals, MidpointRounding.AwayFromZero);
            if (whole || shown != Math.Truncate(shown))
            {
                return shown.ToString("0.############################", Invariant);
            }
        }

        return exact.ToString(Invariant);
    }
}

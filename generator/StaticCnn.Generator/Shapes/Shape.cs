using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Shapes;

/// <summary>One sample's activation shape, C x H x W; flat data keeps its length in C with H = W = 1.</summary>
internal readonly record struct Shape(int C, int H, int W, bool Flat = false)
{
    public static Shape Vector(int length) => new(length, 1, 1, Flat: true);

    /// <summary>C*H*W, saturated at long.MaxValue: declared sizes up to int.MaxValue must not wrap around.</summary>
    public long Length => Product(Product(C, H), W);

    /// <summary>
    /// a*b, saturated at long.MinValue/MaxValue instead of wrapping: three int.MaxValue-sized factors overflow a
    /// long, and a wrapped count would pass the "fits in an int" checks as a negative number.
    /// </summary>
    public static long Product(long a, long b)
    {
        double estimate = (double)a * b;
        return estimate >= 9e18 ? long.MaxValue : estimate <= -9e18 ? long.MinValue : a * b;
    }

    /// <summary>"6x28x28", or "120" for flat data.</summary>
    public override string ToString() => Flat ? Format.Int(C) : $"{Format.Int(C)}x{Format.Int(H)}x{Format.Int(W)}";

    /// <summary>"28x28": the spatial part.</summary>
    public string Spatial => $"{Format.Int(H)}x{Format.Int(W)}";
}

using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Shapes;

/// <summary>One sample's activation shape, C x H x W; flat data keeps its length in C with H = W = 1.</summary>
internal readonly record struct Shape(int C, int H, int W, bool Flat = false)
{
    public static Shape Vector(int length) => new(length, 1, 1, Flat: true);

    public long Length => (long)C * H * W;

    /// <summary>"6x28x28", or "120" for flat data.</summary>
    public override string ToString() => Flat ? Format.Int(C) : $"{Format.Int(C)}x{Format.Int(H)}x{Format.Int(W)}";

    /// <summary>"28x28": the spatial part.</summary>
    public string Spatial => $"{Format.Int(H)}x{Format.Int(W)}";
}

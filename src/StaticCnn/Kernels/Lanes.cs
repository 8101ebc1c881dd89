namespace StaticCnn.Kernels;

/// <summary>Constant vectors the generated kernels load.</summary>
public static class Lanes
{
    /// <summary>
    /// 0, 1, 2, ..., 15: loaded at any width, lane i holds i. The depthwise kernel adds its output column to find which
    /// lanes of a border vector read cells inside the input.
    /// </summary>
    public static readonly float[] Indices = [0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f];
}

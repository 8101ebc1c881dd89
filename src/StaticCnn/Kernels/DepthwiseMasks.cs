using System;

namespace StaticCnn.Kernels;

/// <summary>
/// The lane masks of the flat depthwise kernel, which the generated <c>Prepare</c> writes into the workspace once:
/// for a stride-1 convolution whose output has its input's size, output cell j = oy*W + ox reads, for tap (ky, kx),
/// the input cell j + (ky*dh - padTop)*W + (kx*dw - padLeft) of the flattened plane when that cell is inside the
/// input, and zero padding otherwise. Row t*H*W + j of the table has all bits set where tap t's cell is inside, 0
/// where it is padding, so the kernel ANDs each load with it.
/// </summary>
public static class DepthwiseMasks
{
    /// <summary>Writes the table: taps (ky, kx) in window order, each <paramref name="height"/> * <paramref name="width"/> floats.</summary>
    /// <exception cref="ArgumentException"><paramref name="table"/> is not kernelHeight * kernelWidth * height * width floats long.</exception>
    public static void Write(Span<float> table, int height, int width, int kernelHeight, int kernelWidth, int dilationHeight, int dilationWidth, int padTop, int padLeft)
    {
        int plane = height * width;
        if (table.Length != kernelHeight * kernelWidth * plane)
        {
            throw new ArgumentException($"The mask table needs {kernelHeight}*{kernelWidth}*{plane} = {kernelHeight * kernelWidth * plane} floats, not {table.Length}.", nameof(table));
        }

        float inside = BitConverter.Int32BitsToSingle(-1);
        for (int ky = 0; ky < kernelHeight; ky++)
        {
            for (int kx = 0; kx < kernelWidth; kx++)
            {
                Span<float> row = table.Slice(((ky * kernelWidth) + kx) * plane, plane);
                for (int oy = 0; oy < height; oy++)
                {
                    int iy = oy + (ky * dilationHeight) - padTop;
                    for (int ox = 0; ox < width; ox++)
                    {
                        int ix = ox + (kx * dilationWidth) - padLeft;
                        row[(oy * width) + ox] = (uint)iy < (uint)height && (uint)ix < (uint)width ? inside : 0f;
                    }
                }
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The layout changes of a convolution with its filters in the lanes, against plain loops written out here: the
/// filters transposed (with the biases as one more row, redone only when weights or biases change), and the
/// pixel-major result transposed back to C,H,W (alone, or through a folded BatchNorm) at every width this machine runs.
/// </summary>
public class FiltersInLanesKernelTests
{
    public static IEnumerable<object[]> Cases() =>
        from width in SimdSupport.SupportedWidths()
        from pixels in new[] { 1, 7, 8, 9, 16, 49, 100 }
        from channels in new[] { 8, 16, 24, 5 }
        select new object[] { width, pixels, channels };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChannelsFirstTransposesAndAppliesTheRelu(SimdWidth width, int pixels, int channels)
    {
        int stride = channels + 3;
        var random = new Random((pixels * 31) + channels);
        float[] special = [float.NaN, -0f, 0f, float.NegativeInfinity];
        float[] result = Enumerable.Range(0, pixels * stride)
            .Select(i => i % 13 == 0 ? special[i / 13 % special.Length] : (float)((random.NextDouble() * 2) - 1)).ToArray();
        foreach (bool relu in new[] { false, true })
        {
            float[] output = Enumerable.Repeat(123f, (pixels * channels) + 8).ToArray();
            Run(width, result, pixels, channels, stride, output, relu);
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < pixels; p++)
                {
                    float v = result[(p * stride) + c];
                    float expected = relu ? (float.IsNaN(v) ? v : Math.Max(v, 0f)) : v;
                    float actual = output[(c * pixels) + p];
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual)
                        || (relu && expected == 0f && actual == 0f),
                        $"{width} relu={relu} c={c} p={p}: expected {expected}, got {actual}");
                }
            }

            Assert.All(output.Skip(pixels * channels), v => Assert.Equal(123f, v));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChannelsFirstWithAFoldedBatchNormIsOneFusedMultiplyAddPerValue(SimdWidth width, int pixels, int channels)
    {
        // y = fma(R[p][c], scale[c], shift[c]) (the folded BatchNorm, as Normalize computes it), then the ReLU.
        int stride = channels + 3;
        var random = new Random((pixels * 17) + channels);
        float[] result = Enumerable.Range(0, pixels * stride).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
        float[] scale = Enumerable.Range(0, channels).Select(c => (float)(0.25 + random.NextDouble())).ToArray();
        float[] shift = Enumerable.Range(0, channels).Select(c => (float)(random.NextDouble() - 0.5)).ToArray();
        foreach (bool relu in new[] { false, true })
        {
            float[] output = Enumerable.Repeat(123f, (pixels * channels) + 8).ToArray();
            RunAffine(width, result, pixels, channels, stride, output, scale, shift, relu);
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < pixels; p++)
                {
                    float v = SimdScalar.MultiplyAdd(result[(p * stride) + c], scale[c], shift[c]);
                    float expected = relu ? Math.Max(v, 0f) : v;
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(output[(c * pixels) + p]) || (relu && expected == 0f && output[(c * pixels) + p] == 0f),
                        $"{width} relu={relu} c={c} p={p}: expected {expected}, got {output[(c * pixels) + p]}");
                }
            }

            Assert.All(output.Skip(pixels * channels), v => Assert.Equal(123f, v));
        }
    }

    [Fact]
    public void TransposeFiltersMatchesItsDefinitionAndFollowsEveryChange()
    {
        const int filters = 6, fanIn = 10, stride = 16, offset = 5, cache = 3, target = 3 + (filters * fanIn) + filters + 7;
        float[] parameters = Enumerable.Range(0, offset + (filters * fanIn) + filters + 4).Select(i => (float)Math.Sin(i)).ToArray();
        float[] transformed = new float[target + ((fanIn + 1) * stride) + 4];

        void Check(string when)
        {
            FiltersInLanes.TransposeFilters(parameters, offset, filters, fanIn, transformed, cache, target, stride);
            for (int tap = 0; tap <= fanIn; tap++)
            {
                for (int f = 0; f < stride; f++)
                {
                    float expected = f >= filters ? 0f : tap < fanIn ? parameters[offset + (f * fanIn) + tap] : parameters[offset + (filters * fanIn) + f];
                    Assert.True(expected == transformed[target + (tap * stride) + f], $"{when}: T[{tap}][{f}]");
                }
            }
        }

        Check("first call");
        Check("unchanged");
        parameters[offset + 17] += 0.5f;
        Check("a weight changed");
        parameters[offset + (filters * fanIn) + 2] -= 0.25f;
        Check("a bias changed");
        parameters[offset + 3] = -0f - parameters[offset + 3];
        Check("a sign flipped");
    }

    /// <summary>
    /// Generated GEMMs pick a 16-register block, or on AVX-512 hardware a 32-register one for Vector256: on x64
    /// Vector128 keeps 16 so that the network tests at every width run both blocks on such a machine.
    /// </summary>
    [Fact]
    public void RegisterCountsSelectTheBlocksTheTestsCover()
    {
        Assert.Equal(32, Simd512.Registers);
        Assert.Equal(16, SimdScalar.Registers);
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported ? 32 : 16, Simd256.Registers);
        Assert.Equal(System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported ? 32 : 16, Simd128.Registers);
    }

    private static void RunAffine(SimdWidth width, float[] result, int pixels, int channels, int stride, float[] output, float[] scale, float[] shift, bool relu)
    {
        switch (width)
        {
            case SimdWidth.Vector512:
                FiltersInLanes.ChannelsFirst<Simd512, Vector512<float>>(ref result[0], pixels, channels, stride, ref output[0], ref scale[0], ref shift[0], relu);
                break;
            case SimdWidth.Vector256:
                FiltersInLanes.ChannelsFirst<Simd256, Vector256<float>>(ref result[0], pixels, channels, stride, ref output[0], ref scale[0], ref shift[0], relu);
                break;
            case SimdWidth.Vector128:
                FiltersInLanes.ChannelsFirst<Simd128, Vector128<float>>(ref result[0], pixels, channels, stride, ref output[0], ref scale[0], ref shift[0], relu);
                break;
            default:
                FiltersInLanes.ChannelsFirst<SimdScalar, float>(ref result[0], pixels, channels, stride, ref output[0], ref scale[0], ref shift[0], relu);
                break;
        }
    }

    private static void Run(SimdWidth width, float[] result, int pixels, int channels, int stride, float[] output, bool relu)
    {
        switch (width)
        {
            case SimdWidth.Vector512:
                FiltersInLanes.ChannelsFirst<Simd512, Vector512<float>>(ref result[0], pixels, channels, stride, ref output[0], relu);
                break;
            case SimdWidth.Vector256:
                FiltersInLanes.ChannelsFirst<Simd256, Vector256<float>>(ref result[0], pixels, channels, stride, ref output[0], relu);
                break;
            case SimdWidth.Vector128:
                FiltersInLanes.ChannelsFirst<Simd128, Vector128<float>>(ref result[0], pixels, channels, stride, ref output[0], relu);
                break;
            default:
                FiltersInLanes.ChannelsFirst<SimdScalar, float>(ref result[0], pixels, channels, stride, ref output[0], relu);
                break;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The branch-free 2x2 max-pooling backward kernel and the lane operations it is built from, at every width this
/// machine runs, against scalar definitions written out here.
/// </summary>
public class PoolingKernelTests
{
    public static IEnumerable<object[]> Widths() => SimdSupport.SupportedWidths().Select(w => new object[] { w });

    [Theory]
    [MemberData(nameof(Widths))]
    public void LaneShufflesMatchTheirDefinitions(SimdWidth width)
    {
        int n = (int)width;
        float[] a = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        float[] b = Enumerable.Range(0, n).Select(i => 100f + i).ToArray();
        float[] ab = a.Concat(b).ToArray();
        Assert.Equal(Enumerable.Range(0, n).Select(i => ab[2 * i]), Apply(width, Op.Evens, a, b));
        Assert.Equal(Enumerable.Range(0, n).Select(i => ab[(2 * i) + 1]), Apply(width, Op.Odds, a, b));
        float[] interleaved = Enumerable.Range(0, 2 * n).Select(i => i % 2 == 0 ? a[i / 2] : b[i / 2]).ToArray();
        Assert.Equal(interleaved.Take(n), Apply(width, Op.InterleaveLower, a, b));
        Assert.Equal(interleaved.Skip(n), Apply(width, Op.InterleaveUpper, a, b));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MaskOperationsMatchTheirDefinitions(SimdWidth width)
    {
        int n = (int)width;
        float[] pool = [0f, -0f, 1f, float.NaN, float.NegativeInfinity, -2.5f];
        var random = new Random(11);
        for (int round = 0; round < 50; round++)
        {
            float[] a = Enumerable.Range(0, n).Select(_ => pool[random.Next(pool.Length)]).ToArray();
            float[] b = Enumerable.Range(0, n).Select(_ => pool[random.Next(pool.Length)]).ToArray();
            Assert.Equal(a.Zip(b, (x, y) => Bits(x == y)), Apply(width, Op.Equal, a, b).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(a.Select(x => Bits(float.IsNaN(x))), Apply(width, Op.IsNaN, a, b).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(a.Zip(b, (x, y) => I(x) & I(y)), Apply(width, Op.And, a, b).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(a.Zip(b, (x, y) => I(x) | I(y)), Apply(width, Op.Or, a, b).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(a.Zip(b, (x, y) => I(x) & ~I(y)), Apply(width, Op.AndNot, a, b).Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void ScalarMaxAndSelectKeepTheirDefinitions()
    {
        // Max: a if it is NaN or greater, else b (ties and a NaN b alone give b), bit for bit.
        float nan1 = BitConverter.Int32BitsToSingle(0x7FC00001), nan2 = BitConverter.Int32BitsToSingle(0x7FC00002);
        float[] values = [0f, -0f, 1f, -1f, 2.5f, float.PositiveInfinity, float.NegativeInfinity, nan1, nan2];
        foreach (float a in values)
        {
            foreach (float b in values)
            {
                float expected = float.IsNaN(a) ? a : float.IsNaN(b) ? b : a > b ? a : b;
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(SimdScalar.Max(a, b)));
            }
        }

        Assert.Equal(7, Pooling.Select(true, 7, -3));
        Assert.Equal(-3, Pooling.Select(false, 7, -3));
        Assert.Equal(int.MinValue, Pooling.Select(true, int.MinValue, int.MaxValue));
    }

    /// <summary>
    /// Output widths below, at and between whole vectors of every width; cells drawn from a few values so that
    /// windows tie often, with NaN and -infinity among them.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void MaxPool2x2BackwardPicksTheCellThatForwardScanPicks(SimdWidth width)
    {
        float[] values = [0f, -0f, 1f, 1f, 2f, -3f, float.NaN, float.NegativeInfinity];
        var random = new Random(5);
        foreach (int outputWidth in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 14, 16, 17, 31, 33 })
        {
            foreach (int rows in new[] { 1, 3 })
            {
                float[] x = new float[rows * 4 * outputWidth];
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = random.Next(4) == 0 ? values[random.Next(values.Length)] : random.Next(-3, 4);
                }

                float[] y = new float[rows * outputWidth];
                float[] dy = new float[y.Length];
                var expected = new float[x.Length];
                for (int r = 0; r < rows; r++)
                {
                    for (int o = 0; o < outputWidth; o++)
                    {
                        // Forward's scan in window order: a cell wins when greater or NaN.
                        int[] cells = [(2 * r * 2 * outputWidth) + (2 * o), (2 * r * 2 * outputWidth) + (2 * o) + 1,
                            (((2 * r) + 1) * 2 * outputWidth) + (2 * o), (((2 * r) + 1) * 2 * outputWidth) + (2 * o) + 1];
                        int at = cells[0];
                        float best = x[at];
                        foreach (int cell in cells.Skip(1))
                        {
                            if (x[cell] > best || float.IsNaN(x[cell]))
                            {
                                best = x[cell];
                                at = cell;
                            }
                        }

                        y[(r * outputWidth) + o] = best;
                        dy[(r * outputWidth) + o] = random.Next(1, 1000);
                        expected[at] = dy[(r * outputWidth) + o];
                    }
                }

                float[] dx = Enumerable.Repeat(float.NaN, x.Length).ToArray();
                Backward(width, x, y, dy, dx, rows, outputWidth);
                Assert.True(expected.SequenceEqual(dx), $"{width}, {rows} rows of {outputWidth}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", dx)}]");
            }
        }
    }

    private static int I(float value) => BitConverter.SingleToInt32Bits(value);

    private static int Bits(bool condition) => condition ? -1 : 0;

    private enum Op
    {
        Evens,
        Odds,
        InterleaveLower,
        InterleaveUpper,
        Equal,
        IsNaN,
        And,
        Or,
        AndNot,
    }

    private static float[] Apply(SimdWidth width, Op op, float[] a, float[] b) => width switch
    {
        SimdWidth.Scalar => Apply<SimdScalar, float>(op, a, b),
        SimdWidth.Vector128 => Apply<Simd128, Vector128<float>>(op, a, b),
        SimdWidth.Vector256 => Apply<Simd256, Vector256<float>>(op, a, b),
        _ => Apply<Simd512, Vector512<float>>(op, a, b),
    };

    private static float[] Apply<TS, TV>(Op op, float[] a, float[] b)
        where TS : struct, ISimd<TV>
        where TV : struct
    {
        TV va = TS.Load(ref a[0]), vb = TS.Load(ref b[0]);
        TV result = op switch
        {
            Op.Evens => TS.Evens(va, vb),
            Op.Odds => TS.Odds(va, vb),
            Op.InterleaveLower => TS.InterleaveLower(va, vb),
            Op.InterleaveUpper => TS.InterleaveUpper(va, vb),
            Op.Equal => TS.Equal(va, vb),
            Op.IsNaN => TS.IsNaN(va),
            Op.And => TS.And(va, vb),
            Op.Or => TS.Or(va, vb),
            _ => TS.AndNot(va, vb),
        };
        float[] output = new float[TS.Count];
        TS.Store(result, ref output[0]);
        return output;
    }

    private static void Backward(SimdWidth width, float[] x, float[] y, float[] dy, float[] dx, int rows, int outputWidth)
    {
        switch (width)
        {
            case SimdWidth.Scalar:
                Pooling.MaxPool2x2Backward<SimdScalar, float>(ref x[0], ref y[0], ref dy[0], ref dx[0], rows, outputWidth);
                break;
            case SimdWidth.Vector128:
                Pooling.MaxPool2x2Backward<Simd128, Vector128<float>>(ref x[0], ref y[0], ref dy[0], ref dx[0], rows, outputWidth);
                break;
            case SimdWidth.Vector256:
                Pooling.MaxPool2x2Backward<Simd256, Vector256<float>>(ref x[0], ref y[0], ref dy[0], ref dx[0], rows, outputWidth);
                break;
            default:
                Pooling.MaxPool2x2Backward<Simd512, Vector512<float>>(ref x[0], ref y[0], ref dy[0], ref dx[0], rows, outputWidth);
                break;
        }
    }
}

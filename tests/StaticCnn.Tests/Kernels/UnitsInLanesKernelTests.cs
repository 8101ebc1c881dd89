using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Dense layers with the units in the lanes (<see cref="UnitsInLanes"/>), against loops written out here: the packed
/// panels (redone only when the weights or biases change), each output the sum over the inputs in order, one
/// multiply-add at a time, plus the bias (bit for bit), the epilogue (folded BatchNorm, ReLU) against doubles, and the
/// six-samples-per-pass batch kernel equal to the one-sample kernel bit for bit for every count of samples, at every
/// width (Vector512 in software where the machine lacks it), with shapes that fill no panel and no vector.
/// </summary>
public class UnitsInLanesKernelTests
{
    public static IEnumerable<object[]> Shapes() =>
        from width in KernelWidths.All
        from shape in new[] { (1, 1), (3, 5), (8, 8), (17, 16), (33, 37), (128, 8), (9, 40), (20, 333) }
        select new object[] { width, shape.Item1, shape.Item2 };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EachOutputIsItsInputsMultipliedInOrderThenTheBias(SimdWidth width, int inputs, int units)
    {
        (float[] parameters, float[] t) = Packed(inputs, units, seed: inputs + (7 * units));
        float[] x = Values(inputs, seed: 3);
        float[] guardedX = KernelWidths.Guarded(x, float.NaN);
        foreach (bool relu in new[] { false, true })
        {
            float[] y = KernelWidths.Guarded(new float[units], 123f);
            KernelWidths.Run(width, new OneSample(t, inputs, units, guardedX, y, null, relu));
            for (int u = 0; u < units; u++)
            {
                float sum = 0f;
                for (int i = 0; i < inputs; i++)
                {
                    sum = MultiplyAdd(width, parameters[(u * inputs) + i], x[i], sum);
                }

                float expected = sum + parameters[(units * inputs) + u];
                expected = relu ? Math.Max(expected, 0f) : expected;
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[KernelWidths.Guard + u]),
                    $"{width} {inputs}x{units} relu={relu} unit {u}: expected {expected}, got {y[KernelWidths.Guard + u]}");
            }

            AssertGuards(y, units);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheFoldedBatchNormAndTheReluApplyAsTheOutputsAreStored(SimdWidth width, int inputs, int units)
    {
        (float[] parameters, float[] t) = Packed(inputs, units, seed: (inputs * 5) + units);
        float[] x = Values(inputs, seed: 4);
        float[] scale = Values(units, seed: 5).Select(v => v + 1.5f).ToArray();
        float[] shift = Values(units, seed: 6);
        foreach (bool relu in new[] { false, true })
        {
            float[] y = KernelWidths.Guarded(new float[units], 123f);
            KernelWidths.Run(width, new OneSample(t, inputs, units, KernelWidths.Guarded(x, float.NaN), y, (scale, shift), relu));
            for (int u = 0; u < units; u++)
            {
                double sum = parameters[(units * inputs) + u];
                for (int i = 0; i < inputs; i++)
                {
                    sum += (double)parameters[(u * inputs) + i] * x[i];
                }

                double expected = (sum * scale[u]) + shift[u];
                expected = relu ? Math.Max(expected, 0) : expected;
                Assert.True(Math.Abs(expected - y[KernelWidths.Guard + u]) <= 1e-5 * (1 + Math.Abs(expected) + inputs),
                    $"{width} {inputs}x{units} relu={relu} unit {u}: expected {expected}, got {y[KernelWidths.Guard + u]}");
            }

            AssertGuards(y, units);
        }
    }

    public static IEnumerable<object[]> Batches() =>
        from width in KernelWidths.All
        from count in new[] { 1, 5, 6, 7, 12, 13 }
        from shape in new[] { (40, 37), (16, 8), (7, 100) }
        select new object[] { width, count, shape.Item1, shape.Item2 };

    [Theory]
    [MemberData(nameof(Batches))]
    public void SixSamplesPerPassGiveTheOneSampleFloats(SimdWidth width, int count, int inputs, int units)
    {
        (_, float[] t) = Packed(inputs, units, seed: count + inputs);
        float[] scale = Values(units, seed: 8).Select(v => v + 1.5f).ToArray();
        float[] shift = Values(units, seed: 9);
        const int X = 24, Y = 24 + 200;
        int length = Y + units + 40;
        float[][] slots = Enumerable.Range(0, count + 3).Select(s =>
        {
            float[] workspace = Enumerable.Repeat(float.NaN, length).ToArray();
            Values(inputs, seed: 100 + s).CopyTo(workspace, X);
            return workspace;
        }).ToArray();
        const int first = 2;
        foreach (bool affine in new[] { false, true })
        {
            (float[] Scale, float[] Shift)? bn = affine ? (scale, shift) : null;
            KernelWidths.Run(width, new Slots(t, inputs, units, slots, first, count, X, Y, bn, relu: affine));
            for (int s = 0; s < slots.Length; s++)
            {
                float[] expected = KernelWidths.Guarded(new float[units], 123f);
                KernelWidths.Run(width, new OneSample(t, inputs, units, slots[s].AsSpan(X, inputs).ToArray(), expected, bn, affine));
                bool inBatch = s >= first && s < first + count;
                for (int u = 0; u < units; u++)
                {
                    float actual = slots[s][Y + u];
                    Assert.True(inBatch
                        ? BitConverter.SingleToInt32Bits(actual) == BitConverter.SingleToInt32Bits(expected[KernelWidths.Guard + u])
                        : float.IsNaN(actual),
                        $"{width} {count} samples {inputs}x{units} affine={affine}: slot {s} unit {u} is {actual}, expected {(inBatch ? expected[KernelWidths.Guard + u] : float.NaN)}");
                }

                Assert.All(slots[s].Skip(Y + units), v => Assert.True(float.IsNaN(v)));
                Assert.All(slots[s].Take(X).Concat(slots[s].Skip(X + inputs).Take(Y - X - inputs)), v => Assert.True(float.IsNaN(v)));
            }
        }
    }

    [Fact]
    public void PackingIsSkippedUntilAWeightOrABiasChanges()
    {
        const int inputs = 5, units = 20;
        (float[] parameters, float[] t) = Packed(inputs, units, seed: 1);
        int cache = (int)UnitsInLanes.PackedLength(inputs, units);
        float[] packed = t[..cache];
        Assert.Equal(parameters[(3 * inputs) + 2], packed[(2 * UnitsInLanes.Panel) + 3]);
        Assert.Equal(parameters[(units * inputs) + 17], packed[(((inputs + 1) * UnitsInLanes.Panel) * 1) + (inputs * UnitsInLanes.Panel) + 1]);
        Assert.Equal(0f, packed[(((inputs + 1) * UnitsInLanes.Panel) * 1) + 4]); // lane 20 of the second panel: past the units

        t[0] = 99f;
        UnitsInLanes.Pack(parameters, 0, inputs, units, t, cache, 0);
        Assert.Equal(99f, t[0]); // the same weights: nothing redone

        parameters[(units * inputs) + 19] = 7f; // a bias
        UnitsInLanes.Pack(parameters, 0, inputs, units, t, cache, 0);
        Assert.Equal(parameters[0], t[0]);
        Assert.Equal(7f, t[(((inputs + 1) * UnitsInLanes.Panel) * 1) + (inputs * UnitsInLanes.Panel) + 3]);
    }

    /// <summary>a * b + c rounded as the width's kernels round it: fused where the machine fuses that width's multiply-adds.</summary>
    private static float MultiplyAdd(SimdWidth width, float a, float b, float c)
    {
        bool fused = width switch
        {
            SimdWidth.Vector512 => Avx512F.IsSupported,
            SimdWidth.Vector256 => Fma.IsSupported,
            _ => Fma.IsSupported || AdvSimd.IsSupported,
        };
        return fused ? MathF.FusedMultiplyAdd(a, b, c) : (a * b) + c;
    }

    private static (float[] Parameters, float[] Transformed) Packed(int inputs, int units, int seed)
    {
        float[] parameters = Values((units * inputs) + units, seed);
        int length = (int)UnitsInLanes.PackedLength(inputs, units);
        float[] t = new float[length + parameters.Length];
        UnitsInLanes.Pack(parameters, 0, inputs, units, t, length, 0);
        return (parameters, t);
    }

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }

    private static void AssertGuards(float[] y, int units)
    {
        Assert.All(y.Take(KernelWidths.Guard), v => Assert.Equal(123f, v));
        Assert.All(y.Skip(KernelWidths.Guard + units), v => Assert.Equal(123f, v));
    }

    private readonly struct OneSample(float[] t, int inputs, int units, float[] x, float[] y, (float[] Scale, float[] Shift)? bn, bool relu) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            int at = x.Length == inputs ? 0 : KernelWidths.Guard;
            if (bn is { } affine)
            {
                UnitsInLanes.Forward<TS, TV>(ref t[0], inputs, units, ref x[at], ref y[KernelWidths.Guard], new UnitsInLanes.Epilogue(ref affine.Scale[0], ref affine.Shift[0], relu));
            }
            else
            {
                UnitsInLanes.Forward<TS, TV>(ref t[0], inputs, units, ref x[at], ref y[KernelWidths.Guard], new UnitsInLanes.Epilogue(relu));
            }
        }
    }

    private readonly struct Slots(float[] t, int inputs, int units, float[][] slots, int first, int count, int x, int y, (float[] Scale, float[] Shift)? bn, bool relu) : IKernelCall
    {
        public void Run<TS, TV>()
            where TS : struct, ISimd<TV>
            where TV : struct
        {
            if (bn is { } affine)
            {
                UnitsInLanes.ForwardSlots<TS, TV>(ref t[0], inputs, units, slots, first, count, x, y, new UnitsInLanes.Epilogue(ref affine.Scale[0], ref affine.Shift[0], relu));
            }
            else
            {
                UnitsInLanes.ForwardSlots<TS, TV>(ref t[0], inputs, units, slots, first, count, x, y, new UnitsInLanes.Epilogue(relu));
            }
        }
    }
}

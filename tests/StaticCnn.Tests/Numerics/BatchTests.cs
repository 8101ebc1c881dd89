using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Kernels;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Numerics;

/// <summary>
/// The batched APIs (<see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/>, ForwardBatch,
/// BackwardBatch, BatchWorkers) against the per-sample ones and the double-precision reference, on every network
/// and SIMD width.
/// </summary>
public sealed class BatchTests
{
    private const int Count = 5;

    public static IEnumerable<object[]> Cases() =>
        from network in NetworkCase.All
        from width in SimdSupport.SupportedWidths()
        select new object[] { network.Name, width };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchedInferenceEqualsPerSampleForwardInChunksOfAnyCapacity(string name, SimdWidth width) =>
        AssertBatchedInferenceEqualsPerSample(name, width, Count, seed: 1, [(1, 1), (2, 1), (Count, 1), (3, 2), (Count, 2)]);

    /// <summary>
    /// 13 samples in one chunk: a layer-by-layer network's Dense layers multiply four samples per pass over their
    /// weights three times (DenseKernels.ForwardFour), then one, or, with the units in the lanes, six samples per pass
    /// twice and a last group of one repeated (UnitsInLanes.ForwardSlots): the same floats as per-sample Forward.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchedInferenceOfFourSamplesPerPassEqualsPerSampleForward(string name, SimdWidth width) =>
        AssertBatchedInferenceEqualsPerSample(name, width, 13, seed: 11, [(13, 1), (12, 1), (13, 2)]);

    private static void AssertBatchedInferenceEqualsPerSample(string name, SimdWidth width, int count, int seed, (int Capacity, int Workers)[] runs)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork net = network.Create();
        net.VectorWidth = width;
        Samples.Uniform(net.ParameterCount, seed, -0.5f, 0.5f).CopyTo(net.Parameters);
        float[] inputs = Samples.Uniform(count * net.InputLength, seed: seed + 1);
        float[] expected = PerSampleOutputs(net, inputs);
        foreach ((int capacity, int workers) in runs)
        {
            net.BatchCapacity = capacity;
            net.BatchWorkers = workers;
            float[] outputs = new float[count * net.OutputLength];
            net.Forward(inputs, outputs, count);
            Assert.True(expected.AsSpan().SequenceEqual(outputs), $"{name}/{width}: {count} samples, capacity {capacity}, {workers} workers differ from per-sample Forward.");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingPairEqualsPerSampleForwardAndBackwardAndTheReference(string name, SimdWidth width)
    {
        NetworkCase network = NetworkCase.All.Single(n => n.Name == name);
        INetwork net = network.Create();
        net.VectorWidth = width;
        Samples.Uniform(net.ParameterCount, seed: 3, -0.5f, 0.5f).CopyTo(net.Parameters);
        float[] inputs = Samples.Uniform(Count * net.InputLength, seed: 4);
        float[] outputGradients = Samples.Uniform(Count * net.OutputLength, seed: 5);

        // Per sample: the gradients of all samples added up in sample order, and each sample's input gradient.
        net.ZeroGradients();
        float[] expectedInputGradients = new float[Count * net.InputLength];
        float[] output = new float[net.OutputLength];
        for (int s = 0; s < Count; s++)
        {
            net.Forward(inputs.AsSpan(s * net.InputLength, net.InputLength), output);
            net.Backward(outputGradients.AsSpan(s * net.OutputLength, net.OutputLength), expectedInputGradients.AsSpan(s * net.InputLength, net.InputLength));
        }

        float[] expectedGradients = net.Gradients.ToArray();
        float[] expectedOutputs = PerSampleOutputs(net, inputs);

        net.BatchCapacity = Count;
        float[] outputs = new float[Count * net.OutputLength];
        float[] inputGradients = new float[Count * net.InputLength];

        // One worker adds every sample's gradients in the same order: the same floats exactly.
        net.ZeroGradients();
        net.ForwardBatch(inputs, outputs, Count);
        net.BackwardBatch(outputGradients, inputGradients, Count);
        if (network.InferenceSumsDenseInLanes)
        {
            // Forward ran the inference plan (units in the lanes), ForwardBatch the training plan (dot products).
            Tolerance.AssertClose(expectedOutputs, outputs, $"{name}/{width} ForwardBatch outputs", 1e-5);
        }
        else
        {
            Assert.True(expectedOutputs.AsSpan().SequenceEqual(outputs), $"{name}/{width}: ForwardBatch outputs differ.");
        }
        Assert.True(expectedGradients.AsSpan().SequenceEqual(net.Gradients), $"{name}/{width}: BackwardBatch gradients differ.");
        Assert.True(expectedInputGradients.AsSpan().SequenceEqual(inputGradients), $"{name}/{width}: BackwardBatch input gradients differ.");

        // Two workers add two partial sums: close to the per-sample sum and to the reference, and the same on every run.
        net.BatchWorkers = 2;
        net.ZeroGradients();
        net.ForwardBatch(inputs, outputs, Count);
        net.BackwardBatch(outputGradients, Span<float>.Empty, Count);
        float[] parallel = net.Gradients.ToArray();
        Tolerance.AssertClose(expectedGradients, parallel, $"{name}/{width} two-worker gradients", 1e-5);
        ReferenceNetwork reference = network.Reference();
        double[] referenceSum = new double[net.ParameterCount];
        for (int s = 0; s < Count; s++)
        {
            reference.Forward(net.Parameters, inputs.AsSpan(s * net.InputLength, net.InputLength).ToArray());
            ReferenceGradients gradients = reference.Backward(Samples.Widen(outputGradients.AsSpan(s * net.OutputLength, net.OutputLength).ToArray()));
            for (int i = 0; i < referenceSum.Length; i++)
            {
                referenceSum[i] += gradients.Parameters[i];
            }
        }

        Tolerance.AssertClose(referenceSum, parallel, $"{name}/{width} two-worker gradients vs reference");
        net.ZeroGradients();
        net.ForwardBatch(inputs, outputs, Count);
        net.BackwardBatch(outputGradients, Span<float>.Empty, Count);
        Assert.True(parallel.AsSpan().SequenceEqual(net.Gradients), $"{name}/{width}: two-worker gradients are not deterministic.");
        net.BatchWorkers = 1;
    }

    [Fact]
    public void BatchedCallsAllocateNothingAfterWarmUp()
    {
        foreach (NetworkCase network in NetworkCase.All)
        {
            INetwork net = network.Create();
            net.BatchCapacity = 4;
            net.BatchWorkers = 2;
            float[] inputs = Samples.Uniform(4 * net.InputLength, 1);
            float[] outputs = new float[4 * net.OutputLength];
            float[] outputGradients = Samples.Uniform(4 * net.OutputLength, 2);
            float[] inputGradients = new float[4 * net.InputLength];
            for (int i = 0; i < Samples.WarmUpCalls; i++)
            {
                Step();
            }

            // Up to five rounds (see ContractTests): a per-call allocation shows in every round, the runtime's
            // one-off work does not.
            long allocated = -1;
            for (int round = 0; round < 5 && allocated != 0; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < (Samples.Tiered ? 10 : 2); i++)
                {
                    Step();
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.True(allocated == 0, $"{network.Name}: the batched calls allocated {allocated} bytes in each of five rounds.");
            net.BatchWorkers = 1;

            void Step()
            {
                net.Forward(inputs, outputs, 4);
                net.ForwardBatch(inputs, outputs, 4);
                net.BackwardBatch(outputGradients, inputGradients, 4);
                net.ZeroGradients();
            }
        }
    }

    [Fact]
    public void BatchedCallsCheckCountsAndOrder()
    {
        var net = new Networks.LeNet5();
        net.BatchCapacity = 2;
        float[] inputs = new float[3 * Networks.LeNet5.InputLength];
        float[] outputs = new float[3 * Networks.LeNet5.OutputLength];
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ForwardBatch(inputs, outputs, 3));
        ArgumentException length = Assert.Throws<ArgumentException>(() => net.Forward(inputs, new float[5], 3));
        Assert.Equal("outputs", length.ParamName);
        Assert.Throws<InvalidOperationException>(() => net.BackwardBatch(new float[2 * Networks.LeNet5.OutputLength], Span<float>.Empty, 2));

        net.ForwardBatch(inputs.AsSpan(0, 2 * Networks.LeNet5.InputLength), outputs.AsSpan(0, 2 * Networks.LeNet5.OutputLength), 2);
        Assert.Throws<InvalidOperationException>(() => net.BackwardBatch(new float[Networks.LeNet5.OutputLength], Span<float>.Empty, 1));
        net.BackwardBatch(new float[2 * Networks.LeNet5.OutputLength], Span<float>.Empty, 2);

        // A per-sample Forward reuses slot 0, so the batch's activations are gone.
        net.Forward(inputs.AsSpan(0, Networks.LeNet5.InputLength), outputs.AsSpan(0, Networks.LeNet5.OutputLength));
        Assert.Throws<InvalidOperationException>(() => net.BackwardBatch(new float[2 * Networks.LeNet5.OutputLength], Span<float>.Empty, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.BatchCapacity = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.BatchWorkers = 0);
    }

    private static float[] PerSampleOutputs(INetwork net, float[] inputs)
    {
        int count = inputs.Length / net.InputLength;
        float[] outputs = new float[count * net.OutputLength];
        for (int s = 0; s < count; s++)
        {
            net.Forward(inputs.AsSpan(s * net.InputLength, net.InputLength), outputs.AsSpan(s * net.OutputLength, net.OutputLength));
        }

        return outputs;
    }
}

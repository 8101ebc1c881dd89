using System;
using System.Linq;
using StaticCnn.Kernels;
using StaticCnn.Reference;
using StaticCnn.Tests.Numerics;
using Xunit;

namespace StaticCnn.Tests.Reference;

/// <summary>
/// The reference reproduces PyTorch's batch fixtures (Fixtures/PyTorch/make_modern_fixtures.py): networks with batch
/// normalisation and StaticCnn's hash dropout, run on a whole batch in training mode (batch statistics, running
/// statistics updated, dropout masks from <see cref="Dropout.Key"/> and <see cref="Dropout.Keeps"/>) and in
/// evaluation mode (running statistics, no dropout). This checks the fixtures and the reference against each other
/// before the generated BatchNorm and Dropout code exists.
/// </summary>
public sealed class ReferenceBatchNormPyTorchTests
{
    public static TheoryData<string> FixtureNames => new(PyTorchFixture.BatchNames.Concat(PyTorchFixture.TinyMlBatchNames));

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Batch_forward_backward_and_buffers_match_PyTorch(string name)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(name);
        Assert.Equal(name, fixture.Name);
        Assert.True(fixture.Mode is "train" or "eval", $"{name}: mode '{fixture.Mode}'");
        ReferenceNetwork net = fixture.ToReferenceNetwork();
        Assert.Equal(fixture.Parameters.Length, net.ParameterCount);
        Assert.Equal(fixture.ParameterGradients.Length, net.ParameterCount);
        Assert.Equal(fixture.Buffers.Length, net.BufferCount);
        Assert.Equal(fixture.BuffersAfter.Length, net.BufferCount);
        Assert.True(net.BufferCount > 0, $"{name} has no batch normalisation");
        Assert.Equal(fixture.X.Length, fixture.Samples * net.InputLength);
        Assert.Equal(fixture.Logits.Length, fixture.Samples * net.OutputLength);

        double[][] logits = Run(fixture, net, DropoutMask(fixture, net, layerOffset: 1), out double[] buffers);
        double relative = fixture.RelativeTolerance;
        Tolerance.AssertClose(logits.SelectMany(v => v).ToArray(), fixture.Logits, name + " logits", relative);
        Tolerance.AssertClose(buffers, fixture.BuffersAfter, name + " buffers after", relative);

        ReferenceBatchGradients gradients = net.BackwardBatch(Wide(fixture.PerSample(fixture.OutputGradient)));
        Tolerance.AssertClose(gradients.Parameters, fixture.ParameterGradients, name + " parameter gradients", relative);
        Tolerance.AssertClose(gradients.Inputs.SelectMany(v => v).ToArray(), fixture.InputGradient, name + " input gradients", relative);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Buffers_change_only_in_training(string name)
    {
        PyTorchFixture fixture = PyTorchFixture.Load(name);
        ReferenceNetwork net = fixture.ToReferenceNetwork();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            if (net.Layers[i] is not RefBatchNorm)
            {
                continue;
            }
            int channels = (net.BufferCounts[i] - 1) / 2;
            int tracked = net.BufferOffsets[i] + 2 * channels;
            Assert.Equal(3f, fixture.Buffers[tracked]);
            Assert.Equal(fixture.Training ? 4f : 3f, fixture.BuffersAfter[tracked]);
        }
        if (fixture.Training)
        {
            Assert.NotEqual(fixture.Buffers, fixture.BuffersAfter);
        }
        else
        {
            Assert.Equal(fixture.Buffers, fixture.BuffersAfter);
        }
    }

    [Fact]
    public void Train_and_eval_fixtures_share_their_starting_state_and_batch()
    {
        foreach (string network in new[] { "mobilenetish", "dscnnish", "dense_batchnorm" })
        {
            PyTorchFixture train = PyTorchFixture.Load(network + "_train"), eval = PyTorchFixture.Load(network + "_eval");
            Assert.Equal(train.Layers, eval.Layers);
            Assert.Equal(train.Parameters, eval.Parameters);
            Assert.Equal(train.Buffers, eval.Buffers);
            Assert.Equal(train.X, eval.X);
            Assert.Equal(train.OutputGradient, eval.OutputGradient);
            Assert.Equal(network == "dense_batchnorm" ? 8 : 4, train.Samples);
            Assert.NotEqual(train.Logits, eval.Logits);
        }
    }

    [Fact]
    public void Dropout_masks_number_the_layers_from_one()
    {
        // The dscnnish_train fixture's masks come from Dropout.Key(seed, step, L, sample) with L the 1-based position
        // of the Dropout among the declared layers (ReferenceNetwork's mask callback gets the 0-based index). Built
        // with the 0-based index instead, the masks and so the logits differ: the fixture really pins the numbering.
        PyTorchFixture fixture = PyTorchFixture.Load("dscnnish_train");
        ReferenceNetwork net = fixture.ToReferenceNetwork();
        Assert.Equal([3, 10], Enumerable.Range(0, net.Layers.Count).Where(i => net.Layers[i] is RefDropout));

        double[] wrong = Run(fixture, net, DropoutMask(fixture, net, layerOffset: 0), out _).SelectMany(v => v).ToArray();
        double worst = wrong.Select((v, i) => Math.Abs(v - fixture.Logits[i])).Max();
        Assert.True(worst > 1e-2, $"0-based layer numbers change the logits by only {worst:E2}");

        // Both dropout layers drop roughly their p of the elements of every sample.
        Func<int, int, int, bool> mask = DropoutMask(fixture, net, layerOffset: 1);
        foreach (int layer in new[] { 3, 10 })
        {
            double p = ((RefDropout)net.Layers[layer]).P;
            (int c, int h, int w) = net.OutputShapes[layer];
            for (int s = 0; s < fixture.Samples; s++)
            {
                int dropped = Enumerable.Range(0, c * h * w).Count(e => !mask(layer, s, e));
                Assert.InRange(dropped / (double)(c * h * w), p - 0.1, p + 0.1);
            }
        }
    }

    /// <summary>Runs the fixture's batch in its mode from its buffers; <paramref name="buffers"/> gets them after.</summary>
    private static double[][] Run(
        PyTorchFixture fixture, ReferenceNetwork net, Func<int, int, int, bool> mask, out double[] buffers)
    {
        buffers = Array.ConvertAll(fixture.Buffers, v => (double)v);
        double[] parameters = Array.ConvertAll(fixture.Parameters, v => (double)v);
        return net.ForwardBatch(parameters, buffers, Wide(fixture.PerSample(fixture.X)), fixture.Training, mask);
    }

    /// <summary>StaticCnn's mask: ReferenceNetwork passes the 0-based layer index i; the product's dropout layer
    /// number is i + <paramref name="layerOffset"/> (1 is the product's convention).</summary>
    private static Func<int, int, int, bool> DropoutMask(PyTorchFixture fixture, ReferenceNetwork net, int layerOffset)
    {
        int seed = fixture.DropoutSeed ?? throw new InvalidOperationException($"{fixture.Name}: no dropoutSeed");
        long step = fixture.DropoutStep ?? throw new InvalidOperationException($"{fixture.Name}: no dropoutStep");
        return (layer, sample, element) => Dropout.Keeps(
            Dropout.Key(seed, step, layer + layerOffset, sample), element, (float)((RefDropout)net.Layers[layer]).P);
    }

    private static double[][] Wide(float[][] values) => Array.ConvertAll(values, v => Array.ConvertAll(v, x => (double)x));
}

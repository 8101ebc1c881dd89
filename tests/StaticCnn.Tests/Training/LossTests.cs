using System;
using StaticCnn.Losses;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>
/// The losses against values worked out by hand, against the textbook definitions evaluated naively in double,
/// and their gradients against central finite differences of the losses themselves.
/// </summary>
public sealed class LossTests
{
    [Fact]
    public void CrossEntropyMatchesHandComputedValues()
    {
        // logits (1, 2, 3), label 2: softmax = e^(z-3) / (e^-2 + e^-1 + 1) = (0.09003057, 0.24472847, 0.66524096),
        // loss = -ln 0.66524096 = 0.40760596, gradient = softmax - onehot.
        var gradient = new float[3];
        float loss = new SoftmaxCrossEntropyLoss().Compute([1f, 2f, 3f], 2, gradient);
        Assert.Equal(0.40760596, loss, 1e-6);
        Assert.Equal(0.09003057, gradient[0], 1e-6);
        Assert.Equal(0.24472847, gradient[1], 1e-6);
        Assert.Equal(0.66524096 - 1, gradient[2], 1e-6);

        // Equal logits: every class 1/K, loss ln K.
        float uniform = new SoftmaxCrossEntropyLoss().Compute([0.5f, 0.5f, 0.5f, 0.5f], 1, new float[4]);
        Assert.Equal(Math.Log(4), uniform, 1e-6);
    }

    [Fact]
    public void CrossEntropyMatchesTheNaiveDefinition()
    {
        var random = new DeterministicRandom(5);
        for (int trial = 0; trial < 50; trial++)
        {
            int k = 2 + random.NextInt32(12);
            float[] logits = Logits(k, ref random, 4f);
            int label = random.NextInt32(k);
            float smoothing = trial % 2 == 0 ? 0f : 0.1f * random.NextInt32(5);
            var gradient = new float[k];
            float loss = new SoftmaxCrossEntropyLoss(smoothing).Compute(logits, label, gradient);

            // Naive: p = exp(z) / sum exp(z); target q = (1 - eps) onehot + eps / K; loss = -sum q log p.
            double sum = 0;
            foreach (float z in logits)
            {
                sum += Math.Exp(z);
            }

            double expected = 0;
            for (int i = 0; i < k; i++)
            {
                double p = Math.Exp(logits[i]) / sum;
                double q = ((i == label ? 1 : 0) * (1 - smoothing)) + (smoothing / k);
                expected -= q * Math.Log(p);
                Assert.Equal(p - q, gradient[i], 1e-6);
            }

            Assert.Equal(expected, loss, 1e-5);
        }
    }

    [Fact]
    public void CrossEntropyIsStableForHugeLogits()
    {
        var gradient = new float[3];
        var loss = new SoftmaxCrossEntropyLoss();
        float right = loss.Compute([1000f, 0f, -1000f], 0, gradient);
        Assert.Equal(0f, right, 1e-6f);
        Assert.Equal(0f, gradient[0], 1e-6f);

        float wrong = loss.Compute([1000f, 0f, -1000f], 2, gradient);
        Assert.Equal(2000f, wrong, 1e-2f);
        Assert.Equal(1f, gradient[0], 1e-6f);
        Assert.Equal(-1f, gradient[2], 1e-6f);
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.2f)]
    public void CrossEntropyGradientMatchesFiniteDifferences(float smoothing)
    {
        var loss = new SoftmaxCrossEntropyLoss(smoothing);
        var random = new DeterministicRandom(11);
        for (int trial = 0; trial < 20; trial++)
        {
            float[] logits = Logits(10, ref random, 3f);
            int label = random.NextInt32(10);
            CheckFiniteDifferences(loss, logits, label);
        }
    }

    [Fact]
    public void HingeMatchesTheCs231nExamples()
    {
        // CS231n "Linear classification": scores (3.2, 5.1, -1.7) for the cat class 0: max(0, 5.1 - 3.2 + 1) +
        // max(0, -1.7 - 3.2 + 1) = 2.9; the frog image (2.2, 2.5, -3.1), class 2: 6.3 + 6.6 = 12.9; the car
        // image (1.3, 4.9, 2.0), class 1: 0.
        var hinge = new MulticlassHingeLoss();
        var gradient = new float[3];
        Assert.Equal(2.9f, hinge.Compute([3.2f, 5.1f, -1.7f], 0, gradient), 1e-5f);
        Assert.Equal([-1f, 1f, 0f], gradient);
        Assert.Equal(12.9f, hinge.Compute([2.2f, 2.5f, -3.1f], 2, gradient), 1e-5f);
        Assert.Equal([1f, 1f, -2f], gradient);
        Assert.Equal(0f, hinge.Compute([1.3f, 4.9f, 2.0f], 1, gradient));
        Assert.Equal([0f, 0f, 0f], gradient);
    }

    [Fact]
    public void HingeAveragedOverClassesIsPyTorchsMultiMarginLoss()
    {
        // torch.nn.MultiMarginLoss(p=1, margin=m): sum over i != y of max(0, m - x[y] + x[i]) / x.size(0).
        var random = new DeterministicRandom(3);
        for (int trial = 0; trial < 30; trial++)
        {
            int k = 2 + random.NextInt32(9);
            float[] x = Logits(k, ref random, 2f);
            int y = random.NextInt32(k);
            float margin = 0.5f + random.NextSingle();
            double expected = 0;
            for (int i = 0; i < k; i++)
            {
                if (i != y)
                {
                    expected += Math.Max(0, margin - x[y] + x[i]);
                }
            }

            var gradient = new float[k];
            float loss = new MulticlassHingeLoss(margin, averageOverClasses: true).Compute(x, y, gradient);
            Assert.Equal(expected / k, loss, 1e-5);
            Assert.Equal(expected, new MulticlassHingeLoss(margin).Compute(x, y, Span<float>.Empty), 1e-5);
        }
    }

    [Fact]
    public void HingeGradientMatchesFiniteDifferencesAwayFromKinks()
    {
        var random = new DeterministicRandom(17);
        var hinge = new MulticlassHingeLoss();
        int checkedCases = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            float[] logits = Logits(6, ref random, 2f);
            int label = random.NextInt32(6);

            // Skip draws with a margin within the finite-difference step of its kink.
            bool nearKink = false;
            for (int j = 0; j < logits.Length; j++)
            {
                nearKink |= j != label && Math.Abs(logits[j] - logits[label] + 1f) < 0.05f;
            }

            if (!nearKink)
            {
                CheckFiniteDifferences(hinge, logits, label);
                checkedCases++;
            }
        }

        Assert.True(checkedCases >= 20, $"only {checkedCases} draws were away from kinks");
    }

    [Fact]
    public void LossesRejectBadArguments()
    {
        ILoss[] losses = [new SoftmaxCrossEntropyLoss(), new MulticlassHingeLoss()];
        foreach (ILoss loss in losses)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute([1f, 2f], 2, new float[2]));
            Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute([1f, 2f], -1, new float[2]));
            ArgumentException e = Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f], 0, new float[3]));
            Assert.Contains("expected 0 or logits.Length = 2", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => loss.Compute([], 0, []));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropyLoss(1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MulticlassHingeLoss(0f));
    }

    [Fact]
    public void ArgMaxTakesTheFirstMaximumAndSkipsNaN()
    {
        Assert.Equal(1, StaticCnn.Losses.Logits.ArgMax([1f, 3f, 3f, 2f]));
        Assert.Equal(2, StaticCnn.Losses.Logits.ArgMax([float.NaN, -5f, 4f]));
        Assert.Equal(0, StaticCnn.Losses.Logits.ArgMax([7f]));
    }

    private static void CheckFiniteDifferences(ILoss loss, float[] logits, int label)
    {
        const float step = 1e-2f;
        var gradient = new float[logits.Length];
        loss.Compute(logits, label, gradient);
        for (int i = 0; i < logits.Length; i++)
        {
            float saved = logits[i];
            logits[i] = saved + step;
            double plus = loss.Compute(logits, label, Span<float>.Empty);
            logits[i] = saved - step;
            double minus = loss.Compute(logits, label, Span<float>.Empty);
            logits[i] = saved;
            double numeric = (plus - minus) / (2.0 * (double)step);
            Assert.True(Math.Abs(numeric - gradient[i]) < 2e-3, $"logit {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    private static float[] Logits(int k, ref DeterministicRandom random, float scale)
    {
        var logits = new float[k];
        for (int i = 0; i < k; i++)
        {
            logits[i] = random.NextSingle(-scale, scale);
        }

        return logits;
    }
}

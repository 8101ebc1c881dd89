using System;
using System.Linq;
using StaticCnn.Losses;
using StaticCnn.Metrics;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>
/// The autoencoder's loss and score: mean squared error against hand-computed values, the naive definition and finite
/// differences, with its argument checks; ROC AUC against a hand-computed case with ties and against counting every
/// positive-negative pair.
/// </summary>
public sealed class ReconstructionTests
{
    [Fact]
    public void MeanSquaredErrorMatchesHandComputedValues()
    {
        // outputs (1, 2, 4), targets (0, 2, 1): squared errors 1, 0, 9, mean 10 / 3; gradient 2 (y - t) / 3.
        float[] gradient = new float[3];
        float loss = new MeanSquaredErrorLoss().Compute([1f, 2f, 4f], [0f, 2f, 1f], gradient);

        Assert.Equal(10.0 / 3, loss, 1e-6);
        Assert.Equal([2f / 3, 0f, 2f], gradient);
        Assert.Equal(0f, new MeanSquaredErrorLoss().Compute([3f, -1f], [3f, -1f], Span<float>.Empty));
    }

    [Fact]
    public void MeanSquaredErrorMatchesTheDefinitionAndItsGradientTheFiniteDifferences()
    {
        var random = new DeterministicRandom(3);
        var loss = new MeanSquaredErrorLoss();
        foreach (int n in new[] { 1, 7, 8, 9, 33, 640 })
        {
            float[] y = Enumerable.Range(0, n).Select(_ => random.NextSingle(-2f, 2f)).ToArray();
            float[] t = Enumerable.Range(0, n).Select(_ => random.NextSingle(-2f, 2f)).ToArray();
            float[] gradient = new float[n];
            float value = loss.Compute(y, t, gradient);

            Assert.Equal(y.Zip(t, (a, b) => ((double)a - b) * ((double)a - b)).Sum() / n, value, 1e-5);
            for (int i = 0; i < n; i += Math.Max(1, n / 16))
            {
                const float Step = 1e-2f;
                float original = y[i];
                y[i] = original + Step;
                double up = loss.Compute(y, t, Span<float>.Empty);
                y[i] = original - Step;
                double down = loss.Compute(y, t, Span<float>.Empty);
                y[i] = original;
                Assert.Equal((up - down) / (2 * Step), gradient[i], 1e-3 + (1e-2 * Math.Abs(gradient[i])));
            }
        }
    }

    [Fact]
    public void MeanSquaredErrorNamesTheExpectedLengths()
    {
        var loss = new MeanSquaredErrorLoss();
        ArgumentException targets = Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f], [1f], Span<float>.Empty));
        Assert.Contains("expected outputs.Length = 2", targets.Message);
        ArgumentException gradient = Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f], [1f, 2f], new float[3]));
        Assert.Contains("expected 0 or outputs.Length = 2", gradient.Message);
        Assert.Throws<ArgumentException>(() => loss.Compute([], [], Span<float>.Empty));
    }

    [Fact]
    public void RocAucMatchesAHandComputedCaseWithTies()
    {
        // Positives score 0.9, 0.5, 0.3; negatives 0.5, 0.2, 0.1, 0.3. Pairs (P x N = 12) won by the positive:
        // 0.9 beats all 4; 0.5 beats 0.2, 0.1, 0.3 and ties 0.5 (3.5); 0.3 beats 0.2, 0.1 and ties 0.3 (2.5).
        // AUC = (4 + 3.5 + 2.5) / 12 = 10 / 12.
        float[] scores = [0.5f, 0.9f, 0.2f, 0.5f, 0.1f, 0.3f, 0.3f];
        bool[] positive = [false, true, false, true, false, true, false];

        Assert.Equal(10.0 / 12, RocAuc.Compute(scores, positive), 12);
    }

    [Fact]
    public void RocAucEqualsTheShareOfPositiveNegativePairsRankedRight()
    {
        var random = new DeterministicRandom(8);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = 2 + random.NextInt32(200);
            // Coarse scores so that ties happen; positives shifted up a little.
            bool[] positive = Enumerable.Range(0, n).Select(i => i == 0 || (i != 1 && random.NextInt32(3) == 0)).ToArray();
            float[] scores = positive.Select(p => MathF.Round(random.NextSingle(0f, 10f) + (p ? 1.5f : 0f))).ToArray();

            double won = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    if (positive[i] && !positive[j])
                    {
                        pairs++;
                        won += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            }

            Assert.Equal(won / pairs, RocAuc.Compute(scores, positive), 12);
        }
    }

    [Fact]
    public void RocAucNeedsBothClassesAndNumbers()
    {
        Assert.Contains("1 positives and 0 negatives", Assert.Throws<ArgumentException>(() => RocAuc.Compute([1f], [true])).Message);
        Assert.Contains("Score 1 is NaN", Assert.Throws<ArgumentException>(() => RocAuc.Compute([1f, float.NaN], [true, false])).Message);
        Assert.Contains("expected scores.Length = 2", Assert.Throws<ArgumentException>(() => RocAuc.Compute([1f, 2f], [true])).Message);
        Assert.Equal(1.0, RocAuc.Compute([0f, 1f], [false, true]));
        Assert.Equal(0.0, RocAuc.Compute([0f, 1f], [true, false]));
    }
}

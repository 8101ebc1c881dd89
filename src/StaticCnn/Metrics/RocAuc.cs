using System;

namespace StaticCnn.Metrics;

/// <summary>
/// The area under the ROC curve of a score that should be higher for positives (anomalies) than for negatives: the
/// probability that a random positive scores above a random negative, ties counting one half (the Mann-Whitney U
/// statistic divided by positives x negatives; scikit-learn's <c>roc_auc_score</c>). Computed by sorting once:
/// O(n log n), exact for ties (each tied group gets its average rank).
/// </summary>
public static class RocAuc
{
    /// <summary>The AUC of <paramref name="scores"/> for the labels <paramref name="positive"/> (true: positive).</summary>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or there is no positive or no negative.</exception>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length)
        {
            throw new ArgumentException($"positive has {positive.Length} labels; expected scores.Length = {scores.Length}.", nameof(positive));
        }

        int n = scores.Length;
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN; expected a number.", nameof(scores));
            }

            positives += positive[i] ? 1 : 0;
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"Expected at least one positive and one negative; got {positives} positives and {negatives} negatives.", nameof(positive));
        }

        int[] order = new int[n];
        float[] keys = scores.ToArray();
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);

        // Sum of the positives' ranks (1-based, ties averaged), then U = that sum - P (P + 1) / 2.
        double rankSum = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            double averageRank = (start + 1 + end) / 2.0; // ranks start+1 .. end
            for (int k = start; k < end; k++)
            {
                if (positive[order[k]])
                {
                    rankSum += averageRank;
                }
            }

            start = end;
        }

        double u = rankSum - (positives * (positives + 1) / 2.0);
        return u / ((double)positives * negatives);
    }
}

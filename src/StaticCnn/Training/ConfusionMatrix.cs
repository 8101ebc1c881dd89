using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticCnn.Training;

/// <summary>
/// Counts of (actual class, predicted class) pairs: row = the true label, column = the network's arg-max.
/// The diagonal holds the correct predictions.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>An empty matrix for <paramref name="classCount"/> classes.</summary>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        ClassCount = classCount;
        _counts = new long[classCount * classCount];
    }

    /// <summary>Number of classes (rows and columns).</summary>
    public int ClassCount { get; }

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[Index(actual, predicted)];

    /// <summary>Number of samples counted.</summary>
    public long Total
    {
        get
        {
            long sum = 0;
            foreach (long c in _counts)
            {
                sum += c;
            }

            return sum;
        }
    }

    /// <summary>Number of correct predictions (the diagonal).</summary>
    public long Correct
    {
        get
        {
            long sum = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                sum += this[c, c];
            }

            return sum;
        }
    }

    /// <summary>Correct / total; 0 when nothing was counted.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>Counts one prediction.</summary>
    public void Add(int actual, int predicted) => _counts[Index(actual, predicted)]++;

    /// <summary>Adds every count of <paramref name="other"/> (same class count).</summary>
    public void Add(ConfusionMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ClassCount != ClassCount)
        {
            throw new ArgumentException($"Expected a matrix of {ClassCount} classes; got {other.ClassCount}.", nameof(other));
        }

        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
    }

    /// <summary>Sets every count to zero.</summary>
    public void Clear() => Array.Clear(_counts);

    /// <summary>Samples of class <paramref name="actual"/> (a row sum).</summary>
    public long Support(int actual)
    {
        long sum = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            sum += this[actual, p];
        }

        return sum;
    }

    /// <summary>Per-class accuracy (recall): correct predictions of class <paramref name="actual"/> over its samples; 0 for a class with none.</summary>
    public double Recall(int actual)
    {
        long support = Support(actual);
        return support == 0 ? 0 : (double)this[actual, actual] / support;
    }

    /// <summary>Precision: correct predictions of <paramref name="predicted"/> over all predictions of it; 0 when it was never predicted.</summary>
    public double Precision(int predicted)
    {
        long column = 0;
        for (int a = 0; a < ClassCount; a++)
        {
            column += this[a, predicted];
        }

        return column == 0 ? 0 : (double)this[predicted, predicted] / column;
    }

    /// <summary>The per-class accuracy (<see cref="Recall"/>) of every class.</summary>
    public double[] PerClassAccuracy()
    {
        var result = new double[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            result[c] = Recall(c);
        }

        return result;
    }

    /// <summary>A plain-text table (rows actual, columns predicted) with per-class accuracy, culture-invariant.</summary>
    public string ToText(IReadOnlyList<string>? classNames = null)
    {
        if (classNames is not null && classNames.Count != ClassCount)
        {
            throw new ArgumentException($"Expected {ClassCount} class names; got {classNames.Count}.", nameof(classNames));
        }

        string Name(int c) => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture);
        int nameWidth = "actual \\ predicted".Length;
        int cell = 5;
        for (int c = 0; c < ClassCount; c++)
        {
            nameWidth = Math.Max(nameWidth, Name(c).Length);
            for (int p = 0; p < ClassCount; p++)
            {
                cell = Math.Max(cell, this[c, p].ToString(CultureInfo.InvariantCulture).Length + 1);
            }
        }

        var text = new StringBuilder();
        text.Append("actual \\ predicted".PadRight(nameWidth));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(p.ToString(CultureInfo.InvariantCulture).PadLeft(cell));
        }

        text.Append("  accuracy\n");
        for (int a = 0; a < ClassCount; a++)
        {
            text.Append(Name(a).PadRight(nameWidth));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(this[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            }

            text.Append("  ").Append(Recall(a).ToString("0.0000", CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    private int Index(int actual, int predicted)
    {
        if ((uint)actual >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), actual, $"Expected a class in [0, {ClassCount}).");
        }

        if ((uint)predicted >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(predicted), predicted, $"Expected a class in [0, {ClassCount}).");
        }

        return (actual * ClassCount) + predicted;
    }
}

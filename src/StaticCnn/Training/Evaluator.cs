using System;
using StaticCnn.Data;
using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>Evaluates one network on a data set, on the calling thread (see <see cref="Trainer.Evaluate"/> for the data-parallel form).</summary>
public static class Evaluator
{
    /// <summary>
    /// Runs every sample of <paramref name="data"/> through <paramref name="network"/> and counts the arg-max
    /// predictions; the mean loss is that of <paramref name="loss"/> (softmax cross-entropy when null).
    /// </summary>
    public static EvaluationResult Evaluate(INetwork network, ImageDataset data, ILoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        Check(network, data);
        var confusion = new ConfusionMatrix(data.ClassCount);
        var logits = new float[network.OutputLength];
        double lossSum = Accumulate(network, data, loss ?? new SoftmaxCrossEntropyLoss(), 0, data.Count, logits, confusion);
        return new EvaluationResult(confusion, data.Count == 0 ? 0 : lossSum / data.Count);
    }

    /// <summary>Throws unless samples fit the network's input and labels its output.</summary>
    internal static void Check(INetwork network, ImageDataset data)
    {
        if (data.SampleLength != network.InputLength)
        {
            throw new ArgumentException(
                $"The data set's samples are {data.SampleShape} = {data.SampleLength} floats; the network expects InputLength = {network.InputLength} ({network.InputShape}).",
                nameof(data));
        }

        if (data.ClassCount != network.OutputLength)
        {
            throw new ArgumentException(
                $"The data set has {data.ClassCount} classes; the network has OutputLength = {network.OutputLength} logits; expected one logit per class.",
                nameof(data));
        }
    }

    /// <summary>Adds samples [start, end) to <paramref name="confusion"/> and returns their summed loss.</summary>
    internal static double Accumulate(INetwork network, ImageDataset data, ILoss loss, int start, int end, float[] logits, ConfusionMatrix confusion)
    {
        double sum = 0;
        for (int i = start; i < end; i++)
        {
            network.Forward(data.Sample(i), logits);
            int label = data.Label(i);
            sum += loss.Compute(logits, label, Span<float>.Empty);
            confusion.Add(label, Logits.ArgMax(logits));
        }

        return sum;
    }
}

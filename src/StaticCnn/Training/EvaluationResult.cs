namespace StaticCnn.Training;

/// <summary>What an evaluation pass measured.</summary>
/// <param name="Confusion">Actual versus predicted counts.</param>
/// <param name="MeanLoss">The loss averaged over the samples.</param>
public sealed record EvaluationResult(ConfusionMatrix Confusion, double MeanLoss)
{
    /// <summary>Number of samples evaluated.</summary>
    public long Count => Confusion.Total;

    /// <summary>Fraction of samples whose arg-max logit is their label.</summary>
    public double Accuracy => Confusion.Accuracy;

    /// <summary>Per-class accuracy (recall), by class.</summary>
    public double[] PerClassAccuracy() => Confusion.PerClassAccuracy();
}

namespace StaticCnn.Reference;

/// <summary>The result of <see cref="ReferenceNetwork.Backward"/>: dLoss/dParameters, in the layout of the
/// parameters, and dLoss/dInput, in the C,H,W layout of the input.</summary>
public sealed record ReferenceGradients(double[] Parameters, double[] Input);

/// <summary>The result of <see cref="ReferenceNetwork.BackwardBatch"/>: dLoss/dParameters summed over the samples, in
/// the layout of the parameters, and dLoss/dInput of every sample, in the C,H,W layout of the input.</summary>
public sealed record ReferenceBatchGradients(double[] Parameters, double[][] Inputs);

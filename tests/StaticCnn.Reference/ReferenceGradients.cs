namespace StaticCnn.Reference;

/// <summary>The result of <see cref="ReferenceNetwork.Backward"/>: dLoss/dParameters, in the layout of the
/// parameters, and dLoss/dInput, in the C,H,W layout of the input.</summary>
public sealed record ReferenceGradients(double[] Parameters, double[] Input);

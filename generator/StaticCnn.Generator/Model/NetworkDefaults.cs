namespace StaticCnn.Generator.Model;

/// <summary>
/// What a network's [Network] attribute sets for the layers that do not set it themselves, blocks' layers included:
/// the shape rounding, and BatchNorm's epsilon and momentum (Keras's conventions are 1e-3 and 0.01 here).
/// </summary>
internal sealed record NetworkDefaults(Rounding Rounding, float BatchNormEpsilon, float BatchNormMomentum)
{
    /// <summary>PyTorch's BatchNorm epsilon, the default.</summary>
    public const float PyTorchBatchNormEpsilon = 1e-5f;

    /// <summary>PyTorch's BatchNorm momentum, the default.</summary>
    public const float PyTorchBatchNormMomentum = 0.1f;
}

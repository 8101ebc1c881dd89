namespace StaticCnn.Training;

/// <summary>The weight-initialisation schemes <see cref="NetworkInitializer"/> applies per layer.</summary>
public enum WeightInitialization
{
    /// <summary>
    /// He/Kaiming uniform, fan-in mode, with the gain of the activation that follows; zero biases. The same
    /// numbers as a generated network's <c>InitializeParameters(seed)</c>.
    /// </summary>
    KaimingUniform,

    /// <summary>He/Kaiming normal, fan-in mode: N(0, gain^2 / fanIn), with the gain of the activation that follows; zero biases.</summary>
    KaimingNormal,

    /// <summary>Xavier/Glorot uniform: U(-b, b), b = gain * sqrt(6 / (fanIn + fanOut)); zero biases.</summary>
    XavierUniform,

    /// <summary>Xavier/Glorot normal: N(0, gain^2 * 2 / (fanIn + fanOut)); zero biases.</summary>
    XavierNormal,

    /// <summary>PyTorch's default for <c>nn.Conv2d</c> and <c>nn.Linear</c>: weights and biases from U(-1/sqrt(fanIn), 1/sqrt(fanIn)).</summary>
    PyTorchDefault,
}

using System;

namespace StaticCnn;

/// <summary>
/// Weight initialisers. Generated networks' <c>InitializeParameters(seed)</c> uses
/// <see cref="KaimingUniform"/> for every weight, with the gain of the activation that follows the layer
/// (<see cref="Gain"/>), and zero biases; each layer draws from its own stream of the seed.
/// </summary>
public static class ParameterInitializer
{
    /// <summary>
    /// He/Kaiming uniform (fan-in mode): every value from U(-b, b) with <c>b = gain * sqrt(3 / fanIn)</c>,
    /// which gives variance <c>gain^2 / fanIn</c> (<c>torch.nn.init.kaiming_uniform_</c> with that gain).
    /// </summary>
    public static void KaimingUniform(Span<float> weights, int fanIn, float gain, ref DeterministicRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        float bound = gain * MathF.Sqrt(3f / fanIn);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSingle(-bound, bound);
        }
    }

    /// <summary>
    /// Xavier/Glorot uniform: U(-b, b) with <c>b = gain * sqrt(6 / (fanIn + fanOut))</c>.
    /// </summary>
    public static void XavierUniform(Span<float> weights, int fanIn, int fanOut, float gain, ref DeterministicRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
        float bound = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSingle(-bound, bound);
        }
    }

    /// <summary>
    /// PyTorch's default for <c>nn.Conv2d</c> and <c>nn.Linear</c>: weights and biases from
    /// U(-1/sqrt(fanIn), 1/sqrt(fanIn)) (kaiming_uniform_ with a = sqrt(5)).
    /// </summary>
    public static void PyTorchDefault(Span<float> weights, Span<float> biases, int fanIn, ref DeterministicRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        float bound = 1f / MathF.Sqrt(fanIn);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSingle(-bound, bound);
        }

        for (int i = 0; i < biases.Length; i++)
        {
            biases[i] = random.NextSingle(-bound, bound);
        }
    }

    /// <summary>
    /// <c>torch.nn.init.calculate_gain</c> for the activation that follows a layer: ReLU sqrt(2), LeakyReLU
    /// sqrt(2 / (1 + slope^2)), Tanh 5/3, Sigmoid and none (linear) 1.
    /// </summary>
    public static float Gain(LayerKind? activation, float slope = 0.01f) => activation switch
    {
        LayerKind.ReLU => MathF.Sqrt(2f),
        LayerKind.LeakyReLU => MathF.Sqrt(2f / (1f + (slope * slope))),
        LayerKind.Tanh => 5f / 3f,
        _ => 1f,
    };
}

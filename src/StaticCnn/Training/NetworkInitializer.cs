using System;
using System.Collections.Generic;

namespace StaticCnn.Training;

/// <summary>
/// Initialises any <see cref="INetwork"/> layer by layer from its <see cref="INetwork.Layers"/>: for Conv2D
/// <c>fanIn = inChannels * k * k</c> and <c>fanOut = filters * k * k</c>, for Dense <c>fanIn = inputs</c> and
/// <c>fanOut = units</c> (<c>torch.nn.init._calculate_fan_in_and_fan_out</c>). The gain is that of the first
/// activation after the layer, skipping pooling and Flatten (as the generator does): ReLU sqrt(2), LeakyReLU
/// sqrt(2 / (1 + slope^2)), Tanh 5/3, otherwise 1. Layer i draws from <c>new DeterministicRandom(seed, i)</c>.
/// </summary>
public static class NetworkInitializer
{
    /// <summary>Initialises every parameter of <paramref name="network"/> with <paramref name="scheme"/> for <paramref name="seed"/>.</summary>
    public static void Initialize(INetwork network, WeightInitialization scheme, int seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Enum.IsDefined(scheme))
        {
            throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown weight initialisation.");
        }

        Span<float> parameters = network.Parameters;
        IReadOnlyList<LayerInfo> layers = network.Layers;
        Span<float> buffers = network.Buffers;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerInfo layer = layers[i];
            if (layer.Kind == LayerKind.BatchNorm)
            {
                // PyTorch's reset_parameters and reset_running_stats: weight 1, bias 0, mean 0, variance 1, no batches.
                foreach (TensorInfo tensor in layer.Tensors)
                {
                    Span<float> values = (tensor.IsBuffer ? buffers : parameters).Slice(tensor.Offset, tensor.Length);
                    values.Fill(tensor.Role is TensorRole.Scale or TensorRole.RunningVariance ? 1f : 0f);
                }

                continue;
            }

            if (layer.WeightCount == 0)
            {
                continue;
            }

            (int fanIn, int fanOut) = Fans(layer);
            float gain = GainAfter(layers, i);
            Span<float> weights = parameters.Slice(layer.ParameterOffset, layer.WeightCount);
            Span<float> biases = parameters.Slice(layer.BiasOffset, layer.BiasCount);
            var random = new DeterministicRandom(seed, layer.Index);
            biases.Clear();
            switch (scheme)
            {
                case WeightInitialization.KaimingUniform:
                    ParameterInitializer.KaimingUniform(weights, fanIn, gain, ref random);
                    break;
                case WeightInitialization.KaimingNormal:
                    Normal(weights, gain / MathF.Sqrt(fanIn), ref random);
                    break;
                case WeightInitialization.XavierUniform:
                    ParameterInitializer.XavierUniform(weights, fanIn, fanOut, gain, ref random);
                    break;
                case WeightInitialization.XavierNormal:
                    Normal(weights, gain * MathF.Sqrt(2f / (fanIn + fanOut)), ref random);
                    break;
                default:
                    ParameterInitializer.PyTorchDefault(weights, biases, fanIn, ref random);
                    break;
            }
        }
    }

    /// <summary>Fan-in and fan-out of a Conv2D or Dense layer, from its weight count and shapes.</summary>
    /// <exception cref="ArgumentException">The layer has no weights.</exception>
    public static (int FanIn, int FanOut) Fans(LayerInfo layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.WeightCount == 0)
        {
            throw new ArgumentException($"Layer {layer.Index} ({layer.Kind}) has no weights.", nameof(layer));
        }

        // torch.nn.init._calculate_fan_in_and_fan_out: dimension 1 and 0 of the weight, times the receptive field.
        IReadOnlyList<int> shape = layer.Tensor(TensorRole.Weight)!.Shape;
        int receptive = 1;
        for (int d = 2; d < shape.Count; d++)
        {
            receptive *= shape[d];
        }

        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>
    /// The gain of the activation that follows layer <paramref name="position"/> (0-based in <paramref name="layers"/>),
    /// skipping pooling and Flatten; 1 when a parametrised layer or the end comes first.
    /// </summary>
    public static float GainAfter(IReadOnlyList<LayerInfo> layers, int position)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int j = position + 1; j < layers.Count; j++)
        {
            LayerInfo next = layers[j];
            if (!next.PassesGainThrough)
            {
                return next.Gain ?? 1f;
            }
        }

        return 1f;
    }

    private static void Normal(Span<float> weights, float standardDeviation, ref DeterministicRandom random)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = standardDeviation * random.NextGaussian();
        }
    }
}

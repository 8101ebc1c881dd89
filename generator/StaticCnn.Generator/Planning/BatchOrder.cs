using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>How the batched passes walk a batch: sample by sample, or layer by layer.</summary>
internal static class BatchOrder
{
    /// <summary>
    /// Parameters (floats) up to which the batched calls run sample by sample: the weights then stay in the L2
    /// cache anyway, and one sample's workspace stays hot through all its layers. Above it they run layer by
    /// layer, so that each layer's weights are read from memory once per batch rather than once per sample.
    /// </summary>
    private const int SampleMajorParameters = 256 * 1024;

    public static bool LayerMajor(NetworkShapes shapes) => shapes.ParameterCount > SampleMajorParameters;

    /// <summary>
    /// Batched inference on one worker runs chunks layer by layer (<c>BatchKernels.BatchesInference</c>) when the
    /// network is layer-major and Dense layers do most of its multiply-adds: reading their weights once per group of
    /// samples then pays (the autoencoder at batch 64: 1,397 -> 693 us with four samples per pass), while
    /// convolution-heavy networks lose by sending every sample's workspace out of cache between layers (the small
    /// VGG, 2% Dense: 509 -> 596 us per sample). The inference plan of such a network runs its Dense layers with the
    /// units in the lanes (<c>UnitsInLanes</c>).
    /// </summary>
    public static bool BatchesInference(NetworkShapes shapes)
    {
        if (!LayerMajor(shapes))
        {
            return false;
        }

        long dense = 0, all = 0;
        foreach (LayerShape layer in shapes.Layers)
        {
            long macs = LayerText.MultiplyAdds(layer);
            all += macs;
            dense += layer.Kind == LayerKind.Dense ? macs : 0;
        }

        return dense * 2 >= all;
    }
}

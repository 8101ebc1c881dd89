using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Shapes;

/// <summary>What a tensor of a layer is for.</summary>
internal enum ParameterRole
{
    /// <summary>A convolution's filters or a dense layer's matrix.</summary>
    Weight,

    /// <summary>One bias per filter or unit.</summary>
    Bias,

    /// <summary>A BatchNorm's learnable scale per channel (PyTorch's weight, gamma).</summary>
    Scale,

    /// <summary>A BatchNorm's learnable shift per channel (PyTorch's bias, beta).</summary>
    Shift,

    /// <summary>A BatchNorm's running mean (a buffer).</summary>
    RunningMean,

    /// <summary>A BatchNorm's running variance (a buffer).</summary>
    RunningVariance,

    /// <summary>A BatchNorm's count of training batches (a buffer of one value).</summary>
    BatchesTracked,
}

/// <summary>How <c>InitializeParameters</c> fills a tensor.</summary>
internal enum ParameterInit
{
    /// <summary>Kaiming/He uniform with the gain of the activation that follows the layer.</summary>
    KaimingUniform,

    /// <summary>Zeros.</summary>
    Zeros,

    /// <summary>Ones.</summary>
    Ones,
}

/// <summary>
/// One tensor of a layer, as data: its PyTorch <c>state_dict</c> suffix ("weight", "bias"), its PyTorch shape, what
/// it is for, how it is initialised, and where its floats start in the network's parameters.
/// </summary>
/// <param name="Name">The suffix after the module's name: "weight" or "bias".</param>
/// <param name="Dimensions">PyTorch's shape, such as [16, 6, 5, 5].</param>
/// <param name="Role">What the tensor is for.</param>
/// <param name="Init">How InitializeParameters fills it.</param>
/// <param name="Offset">Index of its first float in the parameters (or, for a buffer, in the buffers).</param>
/// <param name="FanIn">Inputs each output sums over (Kaiming's fan-in), for weights; otherwise 0.</param>
/// <param name="Buffer">
/// A buffer (running statistics): state saved with the weights but not learned, in the network's Buffers, not its
/// Parameters; an optimizer never sees it.
/// </param>
internal sealed record ParameterSpec(string Name, EquatableArray<int> Dimensions, ParameterRole Role, ParameterInit Init, int Offset, int FanIn = 0, bool Buffer = false)
{
    /// <summary>Floats in the tensor: the product of its dimensions.</summary>
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int d in Dimensions)
            {
                length *= d;
            }

            return length;
        }
    }
}

namespace StaticCnn.Kernels;

/// <summary>
/// The arrays a generated network owns, allocated once in its constructor: parameters, gradients, one
/// workspace holding every activation and scratch buffer at constant offsets, and the max-pooling winners.
/// Generated code reads and writes these fields directly; nothing is allocated after construction.
/// </summary>
public sealed class NetworkStorage
{
    /// <summary>Allocates every array a network needs.</summary>
    public NetworkStorage(int parameterCount, int workspaceLength, int indexLength)
    {
        Parameters = new float[parameterCount];
        Gradients = new float[parameterCount];
        Workspace = new float[workspaceLength];
        Indices = new int[indexLength];
    }

    /// <summary>The learnable parameters, in PyTorch's layout.</summary>
    public readonly float[] Parameters;

    /// <summary>The accumulated gradients, same layout as <see cref="Parameters"/>.</summary>
    public readonly float[] Gradients;

    /// <summary>Activations and scratch space, every buffer at an offset fixed by the generator.</summary>
    public readonly float[] Workspace;

    /// <summary>Integer scratch space: the flat input index of every max-pooling output's winner.</summary>
    public readonly int[] Indices;

    /// <summary>Set by Forward; Backward needs the activations of a Forward.</summary>
    public bool HasForward;

    /// <summary>The SIMD width the kernels run with.</summary>
    public SimdWidth Width = SimdSupport.Default;
}

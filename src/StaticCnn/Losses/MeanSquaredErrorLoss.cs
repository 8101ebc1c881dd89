using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticCnn.Losses;

/// <summary>
/// Mean squared error over one sample's n outputs, PyTorch's <c>nn.MSELoss()</c> (reduction 'mean') on one sample and
/// Keras's <c>mean_squared_error</c>: <c>L = (1/n) * sum (y_i - t_i)^2</c>, <c>dL/dy_i = 2 (y_i - t_i) / n</c>. The
/// sum is accumulated in double; the gradient is vectorised. The loss of the MLPerf Tiny autoencoder, whose
/// reconstruction error is the anomaly score.
/// </summary>
public sealed class MeanSquaredErrorLoss : IReconstructionLoss
{
    /// <inheritdoc/>
    public string Name => "mean squared error";

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> outputGradient)
    {
        if (outputs.IsEmpty)
        {
            throw new ArgumentException("Expected at least one output.", nameof(outputs));
        }

        if (targets.Length != outputs.Length)
        {
            throw new ArgumentException($"targets has {targets.Length} floats; expected outputs.Length = {outputs.Length}.", nameof(targets));
        }

        if (!outputGradient.IsEmpty && outputGradient.Length != outputs.Length)
        {
            throw new ArgumentException(
                $"outputGradient has {outputGradient.Length} floats; expected 0 or outputs.Length = {outputs.Length}.",
                nameof(outputGradient));
        }

        int n = outputs.Length;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double d = (double)outputs[i] - targets[i];
            sum += d * d;
        }

        if (!outputGradient.IsEmpty)
        {
            float scale = 2f / n;
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                ref float y = ref MemoryMarshal.GetReference(outputs);
                ref float t = ref MemoryMarshal.GetReference(targets);
                ref float g = ref MemoryMarshal.GetReference(outputGradient);
                var vscale = new Vector<float>(scale);
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    Vector<float> d = Unsafe.As<float, Vector<float>>(ref Unsafe.Add(ref y, i)) - Unsafe.As<float, Vector<float>>(ref Unsafe.Add(ref t, i));
                    Unsafe.As<float, Vector<float>>(ref Unsafe.Add(ref g, i)) = d * vscale;
                }
            }

            for (; i < n; i++)
            {
                outputGradient[i] = (outputs[i] - targets[i]) * scale;
            }
        }

        return (float)(sum / n);
    }
}

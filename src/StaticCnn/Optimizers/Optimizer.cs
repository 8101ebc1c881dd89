using System;

namespace StaticCnn.Optimizers;

/// <summary>
/// A first-order optimizer over one flat parameter vector (a network's <see cref="INetwork.Parameters"/>). It
/// allocates its state (momentum, moments) once, for a fixed parameter count, and nothing per
/// <see cref="Step"/>. Updates are element-wise, vectorized with <see cref="System.Numerics.Vector{T}"/>, and
/// give the same bits as their scalar form (no fused multiply-add), so results do not depend on the vector width.
/// </summary>
public abstract class Optimizer
{
    private float _learningRate;

    /// <summary>Creates an optimizer for <paramref name="parameterCount"/> parameters.</summary>
    protected Optimizer(int parameterCount, float learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        ParameterCount = parameterCount;
        LearningRate = learningRate;
    }

    /// <summary>The length of the parameter and gradient vectors this optimizer updates.</summary>
    public int ParameterCount { get; }

    /// <summary>The learning rate of the next <see cref="Step"/>; non-negative and finite. A schedule sets it before each step.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0f && float.IsFinite(value)))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Expected a non-negative, finite learning rate.");
            }

            _learningRate = value;
        }
    }

    /// <summary>How many steps have been taken since construction or <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>A short description with the hyper-parameters, for logs.</summary>
    public abstract string Description { get; }

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/> (dLoss/dParameters).</summary>
    /// <exception cref="ArgumentException">A span is not <see cref="ParameterCount"/> long.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"parameters has {parameters.Length} floats; expected ParameterCount = {ParameterCount}.", nameof(parameters));
        }

        if (gradients.Length != ParameterCount)
        {
            throw new ArgumentException($"gradients has {gradients.Length} floats; expected ParameterCount = {ParameterCount}.", nameof(gradients));
        }

        StepCount++;
        Update(parameters, gradients, StepCount);
    }

    /// <summary>Forgets all state (momentum, moments, step count), as if newly created.</summary>
    public void Reset()
    {
        StepCount = 0;
        ClearState();
    }

    /// <summary>Applies step number <paramref name="step"/> (1-based) to spans of <see cref="ParameterCount"/> floats.</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step);

    /// <summary>Zeroes the optimizer's state arrays.</summary>
    protected abstract void ClearState();

    /// <summary>Throws unless <paramref name="value"/> is finite and at least zero.</summary>
    protected static float NonNegative(float value, string name) =>
        value >= 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"Expected a non-negative, finite {name}.");

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1).</summary>
    protected static float UnitInterval(float value, string name) =>
        value >= 0f && value < 1f
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"Expected {name} in [0, 1).");
}

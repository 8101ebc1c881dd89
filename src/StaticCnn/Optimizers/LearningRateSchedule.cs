using System;

namespace StaticCnn.Optimizers;

/// <summary>
/// A learning rate as a function of the optimizer step (0-based: the rate for the first step is <c>At(0)</c>).
/// A trainer sets <see cref="Optimizer.LearningRate"/> to <c>At(step)</c> before every step. Schedules are pure
/// functions of the step, so training resumes at any step with the same rates.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="step"/> (0-based).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public float At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Compute(step);
    }

    /// <summary>A short description with the parameters, for logs.</summary>
    public abstract string Description { get; }

    /// <summary>The same rate at every step.</summary>
    public static LearningRateSchedule Constant(float learningRate) => new ConstantSchedule(learningRate);

    /// <summary>
    /// Step decay (<c>torch.optim.lr_scheduler.StepLR</c>): <c>lr * gamma^floor(step / stepSize)</c>.
    /// </summary>
    public static LearningRateSchedule StepDecay(float learningRate, long stepSize, float gamma) => new StepDecaySchedule(learningRate, stepSize, gamma);

    /// <summary>
    /// Cosine annealing over <paramref name="totalSteps"/> (<c>CosineAnnealingLR</c> with <c>T_max = totalSteps</c>):
    /// <c>min + (lr - min) * (1 + cos(pi * step / totalSteps)) / 2</c>, and <paramref name="minimum"/> from
    /// <paramref name="totalSteps"/> on.
    /// </summary>
    public static LearningRateSchedule Cosine(float learningRate, long totalSteps, float minimum = 0f) => new CosineSchedule(learningRate, totalSteps, minimum);

    /// <summary>
    /// Linear warm-up in front of <paramref name="then"/>: for <c>step &lt; warmupSteps</c> the rate is
    /// <c>then.At(0) * (startFactor + (1 - startFactor) * step / warmupSteps)</c>; after that
    /// <c>then.At(step - warmupSteps)</c>, so the following schedule starts at its own step 0.
    /// </summary>
    public static LearningRateSchedule Warmup(long warmupSteps, LearningRateSchedule then, float startFactor = 0.01f) => new WarmupSchedule(warmupSteps, then, startFactor);

    /// <summary>The rate for a non-negative step.</summary>
    protected abstract float Compute(long step);

    /// <summary>Throws unless <paramref name="value"/> is finite and at least zero.</summary>
    protected static float Rate(float value, string name) =>
        value >= 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"Expected a non-negative, finite {name}.");

    private sealed class ConstantSchedule(float learningRate) : LearningRateSchedule
    {
        private readonly float _rate = Rate(learningRate, nameof(learningRate));

        public override string Description => $"constant {_rate}";

        protected override float Compute(long step) => _rate;
    }

    private sealed class StepDecaySchedule : LearningRateSchedule
    {
        private readonly float _rate;
        private readonly long _stepSize;
        private readonly float _gamma;

        public StepDecaySchedule(float learningRate, long stepSize, float gamma)
        {
            _rate = Rate(learningRate, nameof(learningRate));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
            _stepSize = stepSize;
            _gamma = Rate(gamma, nameof(gamma));
        }

        public override string Description => $"step decay {_rate} x {_gamma} every {_stepSize} steps";

        protected override float Compute(long step) => (float)(_rate * Math.Pow(_gamma, step / _stepSize));
    }

    private sealed class CosineSchedule : LearningRateSchedule
    {
        private readonly float _rate;
        private readonly long _total;
        private readonly float _minimum;

        public CosineSchedule(float learningRate, long totalSteps, float minimum)
        {
            _rate = Rate(learningRate, nameof(learningRate));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
            _total = totalSteps;
            _minimum = Rate(minimum, nameof(minimum));
        }

        public override string Description => $"cosine {_rate} -> {_minimum} over {_total} steps";

        protected override float Compute(long step) => step >= _total
            ? _minimum
            : (float)(_minimum + ((_rate - (double)_minimum) * (1.0 + Math.Cos(Math.PI * step / _total)) / 2.0));
    }

    private sealed class WarmupSchedule : LearningRateSchedule
    {
        private readonly long _warmup;
        private readonly LearningRateSchedule _then;
        private readonly float _start;

        public WarmupSchedule(long warmupSteps, LearningRateSchedule then, float startFactor)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
            ArgumentNullException.ThrowIfNull(then);
            if (!(startFactor >= 0f && startFactor <= 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "Expected a start factor in [0, 1].");
            }

            _warmup = warmupSteps;
            _then = then;
            _start = startFactor;
        }

        public override string Description => $"linear warm-up over {_warmup} steps from x{_start}, then {_then.Description}";

        protected override float Compute(long step) => step < _warmup
            ? (float)(_then.At(0) * (_start + ((1.0 - _start) * step / _warmup)))
            : _then.At(step - _warmup);
    }
}

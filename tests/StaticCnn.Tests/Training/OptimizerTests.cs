using System;
using StaticCnn.Optimizers;
using Xunit;

namespace StaticCnn.Tests.Training;

/// <summary>
/// The optimizers against hand-computed steps and against PyTorch's update rules written out plainly, one
/// scalar at a time in double (torch/optim/sgd.py, adam.py, adamw.py, single-tensor paths).
/// </summary>
public sealed class OptimizerTests
{
    // 37 parameters: not a multiple of any vector width, so both the vector loop and the scalar tail run.
    private const int Count = 37;
    private const int Steps = 25;

    [Fact]
    public void SgdWithMomentumMatchesHandComputedSteps()
    {
        // lr 0.1, momentum 0.9, constant gradient 1, p0 = 0: b1 = 1, p1 = -0.1; b2 = 1.9, p2 = -0.29;
        // b3 = 2.71, p3 = -0.561.
        var sgd = new Sgd(1, 0.1f, momentum: 0.9f);
        float[] p = [0f];
        float[] g = [1f];
        sgd.Step(p, g);
        Assert.Equal(-0.1f, p[0], 1e-6f);
        sgd.Step(p, g);
        Assert.Equal(-0.29f, p[0], 1e-6f);
        sgd.Step(p, g);
        Assert.Equal(-0.561f, p[0], 1e-6f);
        Assert.Equal(3, sgd.StepCount);
    }

    [Fact]
    public void AdamsFirstStepMovesEachParameterByTheLearningRate()
    {
        // After one step m^ = g and v^ = g^2, so p1 = p0 - lr * g / (|g| + eps): lr against the gradient's sign.
        var adam = new Adam(3, learningRate: 0.01f);
        float[] p = [1f, 1f, 1f];
        adam.Step(p, [0.5f, -3f, 1e-3f]);
        Assert.Equal(0.99f, p[0], 1e-6f);
        Assert.Equal(1.01f, p[1], 1e-6f);
        Assert.Equal(1f - (0.01f * 1e-3f / (1e-3f + 1e-8f)), p[2], 1e-6f);
    }

    [Theory]
    [InlineData(0f, false, 0f, 0f)]
    [InlineData(0.9f, false, 0f, 0f)]
    [InlineData(0.9f, true, 0f, 0f)]
    [InlineData(0.8f, true, 0.01f, 0f)]
    [InlineData(0.5f, false, 0.05f, 0.3f)]
    [InlineData(0f, false, 0.1f, 0f)]
    public void SgdMatchesPyTorchsUpdateRule(float momentum, bool nesterov, float weightDecay, float dampening)
    {
        const float lr = 0.05f;
        var optimizer = new Sgd(Count, lr, momentum, nesterov, weightDecay, dampening);
        double[] p = Initial();
        var buffer = new double[Count];
        Run(optimizer, p, (step, pi, gi, i) =>
        {
            // torch.optim.sgd._single_tensor_sgd
            double d = gi + (weightDecay * pi);
            if (momentum != 0)
            {
                buffer[i] = step == 1 ? d : (momentum * buffer[i]) + ((1 - dampening) * d);
                d = nesterov ? d + (momentum * buffer[i]) : buffer[i];
            }

            return pi - (lr * d);
        });
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.01f)]
    public void AdamMatchesPyTorchsUpdateRule(float weightDecay)
    {
        const float lr = 0.003f;
        const double beta1 = 0.9;
        const double beta2 = 0.999;
        const double eps = 1e-8;
        var optimizer = new Adam(Count, lr, (float)beta1, (float)beta2, (float)eps, weightDecay);
        var m = new double[Count];
        var v = new double[Count];
        double[] p = Initial();
        Run(optimizer, p, (step, pi, gi, i) =>
        {
            // torch.optim.adam._single_tensor_adam
            double g = gi + (weightDecay * pi);
            m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
            v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
            double correction1 = 1 - Math.Pow(beta1, step);
            double correction2 = 1 - Math.Pow(beta2, step);
            double denominator = (Math.Sqrt(v[i]) / Math.Sqrt(correction2)) + eps;
            return pi - (lr / correction1 * m[i] / denominator);
        });
    }

    [Theory]
    [InlineData(0.01f)]
    [InlineData(0.2f)]
    public void AdamWMatchesPyTorchsUpdateRule(float weightDecay)
    {
        const float lr = 0.004f;
        const double beta1 = 0.85;
        const double beta2 = 0.99;
        const double eps = 1e-7;
        var optimizer = new AdamW(Count, lr, (float)beta1, (float)beta2, (float)eps, weightDecay);
        var m = new double[Count];
        var v = new double[Count];
        double[] p = Initial();
        Run(optimizer, p, (step, pi, gi, i) =>
        {
            // torch.optim.adamw._single_tensor_adamw: decay first, then Adam on the plain gradient.
            pi *= 1 - (lr * weightDecay);
            m[i] = (beta1 * m[i]) + ((1 - beta1) * gi);
            v[i] = (beta2 * v[i]) + ((1 - beta2) * gi * gi);
            double correction1 = 1 - Math.Pow(beta1, step);
            double correction2 = 1 - Math.Pow(beta2, step);
            double denominator = (Math.Sqrt(v[i]) / Math.Sqrt(correction2)) + eps;
            return pi - (lr / correction1 * m[i] / denominator);
        });
    }

    [Fact]
    public void ResetForgetsStateAndVectorAndTailAgree()
    {
        var adam = new Adam(Count, 0.01f, weightDecay: 0.1f);
        float[] first = Run(adam);
        adam.Reset();
        Assert.Equal(0, adam.StepCount);
        float[] second = Run(adam);
        Assert.Equal(first, second);

        // Each element's update is independent: a one-element optimizer (scalar path only) gives the same bits.
        for (int i = 0; i < Count; i += 6)
        {
            var single = new Adam(1, 0.01f, weightDecay: 0.1f);
            float[] p = [(float)Initial()[i]];
            for (int step = 1; step <= 5; step++)
            {
                single.Step(p, [Gradient(step, i)]);
            }

            Assert.Equal(first[i], p[0]);
        }

        static float[] Run(Adam adam)
        {
            float[] p = Array.ConvertAll(Initial(), x => (float)x);
            var g = new float[Count];
            for (int step = 1; step <= 5; step++)
            {
                for (int i = 0; i < Count; i++)
                {
                    g[i] = Gradient(step, i);
                }

                adam.Step(p, g);
            }

            return p;
        }
    }

    [Fact]
    public void OptimizersRejectBadArguments()
    {
        var sgd = new Sgd(4, 0.1f);
        ArgumentException e = Assert.Throws<ArgumentException>(() => sgd.Step(new float[3], new float[4]));
        Assert.Contains("expected ParameterCount = 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => sgd.Step(new float[4], new float[5]));
        Assert.Throws<ArgumentException>(() => new Sgd(4, 0.1f, momentum: 0f, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(4, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(4, beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = float.NaN);
    }

    [Fact]
    public void SchedulesMatchTheirFormulas()
    {
        var step = LearningRateSchedule.StepDecay(0.1f, stepSize: 10, gamma: 0.5f);
        Assert.Equal(0.1f, step.At(0));
        Assert.Equal(0.1f, step.At(9));
        Assert.Equal(0.05f, step.At(10), 1e-7f);
        Assert.Equal(0.025f, step.At(25), 1e-7f);

        var cosine = LearningRateSchedule.Cosine(1f, totalSteps: 100, minimum: 0.1f);
        Assert.Equal(1f, cosine.At(0), 1e-6f);
        Assert.Equal(0.55f, cosine.At(50), 1e-6f); // cos(pi/2) = 0: halfway between 1 and 0.1
        Assert.Equal(0.1f + (0.9f * (1f + MathF.Cos(MathF.PI / 4f)) / 2f), cosine.At(25), 1e-6f);
        Assert.Equal(0.1f, cosine.At(100), 1e-6f);
        Assert.Equal(0.1f, cosine.At(1000), 1e-6f);

        var warm = LearningRateSchedule.Warmup(4, LearningRateSchedule.Constant(0.2f), startFactor: 0f);
        Assert.Equal([0f, 0.05f, 0.1f, 0.15f, 0.2f, 0.2f], new[] { warm.At(0), warm.At(1), warm.At(2), warm.At(3), warm.At(4), warm.At(5) });

        var warmCosine = LearningRateSchedule.Warmup(10, LearningRateSchedule.Cosine(1f, 20), startFactor: 0.1f);
        Assert.Equal(0.1f, warmCosine.At(0), 1e-6f);
        Assert.Equal(0.55f, warmCosine.At(5), 1e-6f);
        Assert.Equal(1f, warmCosine.At(10), 1e-6f);
        Assert.Equal(0.5f, warmCosine.At(20), 1e-6f);
        Assert.Throws<ArgumentOutOfRangeException>(() => warm.At(-1));
    }

    /// <summary>Runs <see cref="Steps"/> steps of the optimizer and of the scalar reference on the same gradients.</summary>
    private static void Run(Optimizer optimizer, double[] reference, Func<int, double, double, int, double> update)
    {
        float[] p = Array.ConvertAll(reference, x => (float)x);
        var g = new float[Count];
        for (int step = 1; step <= Steps; step++)
        {
            for (int i = 0; i < Count; i++)
            {
                // The gradient depends on the current parameter, as a real loss's would.
                g[i] = Gradient(step, i) + (0.5f * p[i]);
                reference[i] = update(step, reference[i], g[i], i);
            }

            optimizer.Step(p, g);
            for (int i = 0; i < Count; i++)
            {
                Assert.True(
                    Math.Abs(p[i] - reference[i]) <= 1e-5 * Math.Max(1, Math.Abs(reference[i])),
                    $"step {step}, parameter {i}: {p[i]} vs reference {reference[i]}");
            }
        }
    }

    private static double[] Initial()
    {
        var random = new DeterministicRandom(42);
        var p = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            p[i] = random.NextSingle(-1f, 1f);
        }

        return p;
    }

    private static float Gradient(int step, int i) => MathF.Sin((step * 1.7f) + (i * 0.61f)) * (1f + (i % 5));
}

using System;

namespace StaticCnn.Reference;

/// <summary>Central finite differences in double precision, for checking analytic gradients.</summary>
public static class FiniteDifferences
{
    /// <summary>The gradient of <paramref name="f"/> at <paramref name="x"/> by central differences:
    /// (f(x + h e_i) - f(x - h e_i)) / 2h for every i. <paramref name="x"/> is not changed (f gets a copy).</summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        if (!(h > 0) || !double.IsFinite(h))
        {
            throw new ArgumentException("The step h must be a positive finite number.", nameof(h));
        }

        double[] point = (double[])x.Clone();
        double[] gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double original = point[i];
            point[i] = original + h;
            double plus = f(point);
            point[i] = original - h;
            double minus = f(point);
            point[i] = original;
            // Divide by the steps actually taken, which rounding can make differ slightly from 2h.
            gradient[i] = (plus - minus) / ((original + h) - (original - h));
        }
        return gradient;
    }

    /// <summary>dL/dInput by central differences, where L = sum_k outputGradient[k] * output[k] of
    /// <paramref name="network"/>; so it should equal <c>Backward(outputGradient).Input</c>. Overwrites the
    /// activations the network keeps from its last Forward.</summary>
    public static double[] InputGradient(
        ReferenceNetwork network, double[] parameters, double[] input, double[] outputGradient, double h = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        return Gradient(x => Loss(network, parameters, x, outputGradient), input, h);
    }

    /// <summary>dL/dParameters by central differences, where L = sum_k outputGradient[k] * output[k] of
    /// <paramref name="network"/>; so it should equal <c>Backward(outputGradient).Parameters</c>. Overwrites the
    /// activations the network keeps from its last Forward.</summary>
    public static double[] ParameterGradient(
        ReferenceNetwork network, double[] parameters, double[] input, double[] outputGradient, double h = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(input);
        return Gradient(p => Loss(network, p, input, outputGradient), parameters, h);
    }

    /// <summary>L = sum_k outputGradient[k] * output[k]: the scalar whose gradient Backward(outputGradient) gives.</summary>
    public static double Loss(ReferenceNetwork network, double[] parameters, double[] input, double[] outputGradient)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        double[] output = network.Forward(parameters, input);
        if (outputGradient.Length != output.Length)
        {
            throw new ArgumentException(
                $"Expected an output gradient of {output.Length} values, got {outputGradient.Length}.",
                nameof(outputGradient));
        }
        double loss = 0;
        for (int k = 0; k < output.Length; k++)
        {
            loss += outputGradient[k] * output[k];
        }
        return loss;
    }
}

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

    /// <summary>L = sum over the samples s and outputs k of outputGradients[s][k] * outputs[s][k] of
    /// <see cref="ReferenceNetwork.ForwardBatch"/>: the scalar whose gradient
    /// <see cref="ReferenceNetwork.BackwardBatch"/>(outputGradients) gives. The forward pass runs on a copy of
    /// <paramref name="buffers"/>, so that training mode's running-statistics update changes neither them nor later
    /// evaluations. Overwrites the activations the network keeps from its last forward pass.</summary>
    public static double BatchLoss(
        ReferenceNetwork network, double[] parameters, double[] buffers, double[][] inputs, double[][] outputGradients,
        bool training, Func<int, int, int, bool>? dropoutMask = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentNullException.ThrowIfNull(outputGradients);
        double[][] outputs = network.ForwardBatch(parameters, (double[])buffers.Clone(), inputs, training, dropoutMask);
        if (outputGradients.Length != outputs.Length)
        {
            throw new ArgumentException(
                $"Expected output gradients for {outputs.Length} samples, got {outputGradients.Length}.",
                nameof(outputGradients));
        }
        double loss = 0;
        for (int s = 0; s < outputs.Length; s++)
        {
            double[] gradient = outputGradients[s]
                ?? throw new ArgumentException($"Output gradient {s} is null.", nameof(outputGradients));
            if (gradient.Length != outputs[s].Length)
            {
                throw new ArgumentException(
                    $"Sample {s}: expected an output gradient of {outputs[s].Length} values, got {gradient.Length}.",
                    nameof(outputGradients));
            }
            for (int k = 0; k < gradient.Length; k++)
            {
                loss += gradient[k] * outputs[s][k];
            }
        }
        return loss;
    }

    /// <summary>dL/dParameters by central differences, where L is <see cref="BatchLoss"/>; so it should equal
    /// <c>BackwardBatch(outputGradients).Parameters</c> after <c>ForwardBatch</c> with the same arguments (and a copy
    /// of the same buffers). <paramref name="buffers"/> are not changed. Overwrites the activations the network keeps
    /// from its last forward pass.</summary>
    public static double[] BatchParameterGradient(
        ReferenceNetwork network, double[] parameters, double[] buffers, double[][] inputs, double[][] outputGradients,
        bool training, Func<int, int, int, bool>? dropoutMask = null, double h = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        return Gradient(
            p => BatchLoss(network, p, buffers, inputs, outputGradients, training, dropoutMask), parameters, h);
    }

    /// <summary>dL/dInput of every sample by central differences (each sample's input perturbed with the others
    /// held), where L is <see cref="BatchLoss"/>; so it should equal <c>BackwardBatch(outputGradients).Inputs</c>
    /// after <c>ForwardBatch</c> with the same arguments (and a copy of the same buffers). In training mode batch
    /// normalisation couples the samples, so this sees every sample's effect on every output. Neither
    /// <paramref name="inputs"/> nor <paramref name="buffers"/> change. Overwrites the activations the network keeps
    /// from its last forward pass.</summary>
    public static double[][] BatchInputGradients(
        ReferenceNetwork network, double[] parameters, double[] buffers, double[][] inputs, double[][] outputGradients,
        bool training, Func<int, int, int, bool>? dropoutMask = null, double h = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        double[][] gradients = new double[inputs.Length][];
        for (int s = 0; s < inputs.Length; s++)
        {
            int sample = s;
            double[] input = inputs[s] ?? throw new ArgumentException($"Sample {s} is null.", nameof(inputs));
            gradients[s] = Gradient(
                x =>
                {
                    double[][] batch = (double[][])inputs.Clone();
                    batch[sample] = x;
                    return BatchLoss(network, parameters, buffers, batch, outputGradients, training, dropoutMask);
                },
                input, h);
        }
        return gradients;
    }
}

using System;
using System.Collections.Generic;

namespace StaticCnn.Reference;

/// <summary>
/// A deliberately naive reference implementation of a sequential CNN, written from the definitions: plain nested
/// loops, everything in double precision. It means exactly what PyTorch's <c>nn.Sequential</c> of the same layers
/// means for one sample (a <see cref="RefDense"/> after spatial data flattening it first).
/// </summary>
/// <remarks>
/// Data are one sample, C,H,W row-major. Each spatial dimension maps N to (N + 2P - F) / S + 1, which must divide
/// exactly and be at least 1. Parameters are stored layer by layer in declaration order, each layer its weight and
/// then its bias, in PyTorch's layout. An instance keeps the activations of its last <see cref="Forward(ReadOnlySpan{double}, ReadOnlySpan{double})"/>
/// for <see cref="Backward"/>, so it is not thread-safe.
/// </remarks>
public sealed class ReferenceNetwork
{
    private readonly RefLayer[] _layers;
    private readonly (int Channels, int Height, int Width)[] _inShapes;
    private readonly (int Channels, int Height, int Width)[] _outShapes;
    private readonly int[] _parameterOffsets;
    private readonly int[] _parameterCounts;

    // State of the last Forward: the parameters, and the input of every layer plus the final output.
    private double[]? _parameters;
    private double[][]? _activations;

    public ReferenceNetwork(int channels, int height, int width, params RefLayer[] layers)
    {
        if (channels < 1 || height < 1 || width < 1)
        {
            throw new ArgumentException(
                $"The input shape must be positive, but it is {channels}x{height}x{width} (C x H x W).");
        }
        ArgumentNullException.ThrowIfNull(layers);

        InputLength = CheckedLength(channels, height, width, "the input");
        InputShape = (channels, height, width);
        _layers = (RefLayer[])layers.Clone();
        _inShapes = new (int, int, int)[_layers.Length];
        _outShapes = new (int, int, int)[_layers.Length];
        _parameterOffsets = new int[_layers.Length];
        _parameterCounts = new int[_layers.Length];

        (int C, int H, int W) shape = (channels, height, width);
        bool flat = false;
        long parameterCount = 0;
        for (int i = 0; i < _layers.Length; i++)
        {
            RefLayer layer = _layers[i] ?? throw new ArgumentException($"Layer {i} is null.", nameof(layers));
            string what = $"Layer {i} ({layer})";
            _inShapes[i] = shape;
            long count = 0;
            switch (layer)
            {
                case RefConv2D conv:
                    RequireSpatial(flat, what);
                    Require(conv.Filters >= 1, what, "Filters must be at least 1.");
                    Require(conv.KernelSize >= 1, what, "KernelSize must be at least 1.");
                    Require(conv.Stride >= 1, what, "Stride must be at least 1.");
                    Require(conv.Padding >= 0, what, "Padding must not be negative.");
                    shape = (conv.Filters,
                             OutputSize(shape.H, conv.KernelSize, conv.Stride, conv.Padding, conv.Rounding, what, "height"),
                             OutputSize(shape.W, conv.KernelSize, conv.Stride, conv.Padding, conv.Rounding, what, "width"));
                    count = (long)conv.Filters * _inShapes[i].Channels * conv.KernelSize * conv.KernelSize
                            + conv.Filters;
                    break;
                case RefMaxPool2D max:
                    RequireSpatial(flat, what);
                    shape = PoolShape(shape, max.Size, max.Stride, max.Padding, max.Rounding, what);
                    break;
                case RefAvgPool2D avg:
                    RequireSpatial(flat, what);
                    shape = PoolShape(shape, avg.Size, avg.Stride, avg.Padding, avg.Rounding, what);
                    break;
                case RefReLU:
                case RefSigmoid:
                case RefTanh:
                    break;
                case RefLeakyReLU leaky:
                    Require(double.IsFinite(leaky.Slope), what, "Slope must be a finite number.");
                    break;
                case RefFlatten:
                    shape = (CheckedLength(shape.C, shape.H, shape.W, what), 1, 1);
                    flat = true;
                    break;
                case RefDense dense:
                    Require(dense.Units >= 1, what, "Units must be at least 1.");
                    int inputs = CheckedLength(shape.C, shape.H, shape.W, what);
                    count = (long)dense.Units * inputs + dense.Units;
                    shape = (dense.Units, 1, 1);
                    flat = true;
                    break;
                default:
                    throw new ArgumentException($"{what}: unknown layer type {layer.GetType().Name}.", nameof(layers));
            }
            CheckedLength(shape.C, shape.H, shape.W, what);
            _outShapes[i] = shape;
            _parameterOffsets[i] = (int)parameterCount;
            _parameterCounts[i] = (int)count;
            parameterCount += count;
            if (parameterCount > int.MaxValue)
            {
                throw new ArgumentException($"{what}: the network has more than {int.MaxValue} parameters.");
            }
        }

        OutputLength = shape.C * shape.H * shape.W;
        ParameterCount = (int)parameterCount;
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<RefLayer> Layers => _layers;

    /// <summary>The input shape (C, H, W).</summary>
    public (int Channels, int Height, int Width) InputShape { get; }

    /// <summary>C * H * W of the input.</summary>
    public int InputLength { get; }

    /// <summary>Length of the output of the last layer (the input length if there are no layers).</summary>
    public int OutputLength { get; }

    /// <summary>Total number of parameters (weights and biases of every layer).</summary>
    public int ParameterCount { get; }

    /// <summary>The output shape of each layer; flat data (after Flatten or Dense) is (n, 1, 1).</summary>
    public IReadOnlyList<(int Channels, int Height, int Width)> OutputShapes => _outShapes;

    /// <summary>Where the parameters of each layer start in the parameter vector (weight first, then bias).</summary>
    public IReadOnlyList<int> ParameterOffsets => _parameterOffsets;

    /// <summary>How many parameters each layer has (0 for layers without parameters).</summary>
    public IReadOnlyList<int> ParameterCounts => _parameterCounts;

    /// <summary>Runs the network in double precision on float parameters and input (widened exactly).</summary>
    public double[] Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input)
    {
        double[] p = new double[parameters.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = parameters[i];
        }
        double[] x = new double[input.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = input[i];
        }
        return Forward(p, x);
    }

    /// <summary>Runs the network in double precision, keeps every activation for <see cref="Backward"/> and returns
    /// a copy of the output.</summary>
    public double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"Expected {ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        }
        if (input.Length != InputLength)
        {
            throw new ArgumentException($"Expected an input of {InputLength} values, got {input.Length}.", nameof(input));
        }

        double[] p = parameters.ToArray();
        double[][] activations = new double[_layers.Length + 1][];
        activations[0] = input.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            activations[i + 1] = LayerForward(i, p, activations[i]);
        }
        _parameters = p;
        _activations = activations;
        return (double[])activations[_layers.Length].Clone();
    }

    /// <summary>A copy of the output of layer <paramref name="layer"/> in the last Forward (-1: the input).</summary>
    public double[] GetActivation(int layer)
    {
        double[][] activations = _activations ?? throw new InvalidOperationException("Call Forward first.");
        if (layer < -1 || layer >= _layers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(layer));
        }
        return (double[])activations[layer + 1].Clone();
    }

    /// <summary>Back-propagates dLoss/dOutput through the network as it was in the last Forward.</summary>
    public ReferenceGradients Backward(ReadOnlySpan<double> outputGradient)
    {
        double[][] activations = _activations ?? throw new InvalidOperationException("Call Forward before Backward.");
        double[] p = _parameters!;
        if (outputGradient.Length != OutputLength)
        {
            throw new ArgumentException(
                $"Expected an output gradient of {OutputLength} values, got {outputGradient.Length}.",
                nameof(outputGradient));
        }

        double[] parameterGradient = new double[ParameterCount];
        double[] gradient = outputGradient.ToArray();
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            gradient = LayerBackward(i, p, activations[i], gradient, parameterGradient);
        }
        return new ReferenceGradients(parameterGradient, gradient);
    }

    // ---------------------------------------------------------------- forward

    private double[] LayerForward(int i, double[] p, double[] x)
    {
        (int C, int H, int W) = _inShapes[i];
        (int OC, int OH, int OW) = _outShapes[i];
        double[] y = new double[OC * OH * OW];
        int offset = _parameterOffsets[i];
        switch (_layers[i])
        {
            case RefConv2D conv:
            {
                int k = conv.KernelSize, s = conv.Stride, pad = conv.Padding;
                int biasOffset = offset + OC * C * k * k;
                for (int oc = 0; oc < OC; oc++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double sum = p[biasOffset + oc];
                            for (int ic = 0; ic < C; ic++)
                            {
                                for (int ky = 0; ky < k; ky++)
                                {
                                    int iy = oy * s - pad + ky;
                                    if (iy < 0 || iy >= H)
                                    {
                                        continue;
                                    }
                                    for (int kx = 0; kx < k; kx++)
                                    {
                                        int ix = ox * s - pad + kx;
                                        if (ix < 0 || ix >= W)
                                        {
                                            continue;
                                        }
                                        double w = p[offset + ((oc * C + ic) * k + ky) * k + kx];
                                        sum += w * x[(ic * H + iy) * W + ix];
                                    }
                                }
                            }
                            y[(oc * OH + oy) * OW + ox] = sum;
                        }
                    }
                }
                break;
            }
            case RefMaxPool2D max:
            {
                int s = max.Stride == 0 ? max.Size : max.Stride;
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            int winner = MaxPoolWinner(x, c, H, W, oy, ox, max.Size, s, max.Padding);
                            y[(c * OH + oy) * OW + ox] = x[winner];
                        }
                    }
                }
                break;
            }
            case RefAvgPool2D avg:
            {
                int f = avg.Size, s = avg.Stride == 0 ? avg.Size : avg.Stride, pad = avg.Padding;
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double sum = 0;
                            for (int ky = 0; ky < f; ky++)
                            {
                                int iy = oy * s - pad + ky;
                                if (iy < 0 || iy >= H)
                                {
                                    continue; // a padded cell: counts as zero
                                }
                                for (int kx = 0; kx < f; kx++)
                                {
                                    int ix = ox * s - pad + kx;
                                    if (ix < 0 || ix >= W)
                                    {
                                        continue;
                                    }
                                    sum += x[(c * H + iy) * W + ix];
                                }
                            }
                            y[(c * OH + oy) * OW + ox] = sum / AvgDivisor(H, W, oy, ox, f, s, pad); // count_include_pad
                        }
                    }
                }
                break;
            }
            case RefReLU:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = x[j] > 0 ? x[j] : 0.0;
                }
                break;
            case RefLeakyReLU leaky:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = x[j] > 0 ? x[j] : leaky.Slope * x[j];
                }
                break;
            case RefSigmoid:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = Sigmoid(x[j]);
                }
                break;
            case RefTanh:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = Math.Tanh(x[j]);
                }
                break;
            case RefFlatten:
                Array.Copy(x, y, x.Length);
                break;
            case RefDense:
            {
                int inputs = x.Length;
                int biasOffset = offset + OC * inputs;
                for (int u = 0; u < OC; u++)
                {
                    double sum = p[biasOffset + u];
                    for (int j = 0; j < inputs; j++)
                    {
                        sum += p[offset + u * inputs + j] * x[j];
                    }
                    y[u] = sum;
                }
                break;
            }
            default:
                throw new InvalidOperationException("Unreachable: the constructor validated the layers.");
        }
        return y;
    }

    /// <summary>PyTorch's avg_pool2d divisor with count_include_pad=True: hstart = oy*S - P, hend = min(hstart + F,
    /// H + P), likewise for the width, and the divisor is (hend - hstart) * (wend - wstart). That is F*F unless a
    /// ceil-mode window hangs over the bottom or right edge of the padded input.</summary>
    private static double AvgDivisor(int H, int W, int oy, int ox, int f, int s, int pad)
    {
        int hstart = oy * s - pad, wstart = ox * s - pad;
        int hend = Math.Min(hstart + f, H + pad), wend = Math.Min(wstart + f, W + pad);
        return (double)(hend - hstart) * (wend - wstart);
    }

    /// <summary>Index into x of the cell that wins window (oy, ox) of channel c, exactly as PyTorch chooses it: the
    /// running maximum starts at -infinity on the first real cell, and a cell replaces it only if it is strictly
    /// greater (or NaN), scanning the window row by row. Padded cells are skipped, so they never win.</summary>
    private static int MaxPoolWinner(double[] x, int c, int H, int W, int oy, int ox, int f, int s, int pad)
    {
        int winner = -1;
        double best = double.NegativeInfinity;
        for (int ky = 0; ky < f; ky++)
        {
            int iy = oy * s - pad + ky;
            if (iy < 0 || iy >= H)
            {
                continue;
            }
            for (int kx = 0; kx < f; kx++)
            {
                int ix = ox * s - pad + kx;
                if (ix < 0 || ix >= W)
                {
                    continue;
                }
                int index = (c * H + iy) * W + ix;
                if (winner < 0)
                {
                    winner = index; // PyTorch's initial index: the first real cell (its value may be -inf)
                }
                double v = x[index];
                if (v > best || double.IsNaN(v))
                {
                    best = v;
                    winner = index;
                }
            }
        }
        if (winner < 0)
        {
            throw new InvalidOperationException("Unreachable: the constructor ensures every window has a real cell.");
        }
        return winner;
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    // ---------------------------------------------------------------- backward

    /// <summary>Given dLoss/dy of layer i, adds dLoss/dParameters of the layer into pg and returns dLoss/dx.</summary>
    private double[] LayerBackward(int i, double[] p, double[] x, double[] dy, double[] pg)
    {
        (int C, int H, int W) = _inShapes[i];
        (int OC, int OH, int OW) = _outShapes[i];
        double[] dx = new double[x.Length];
        int offset = _parameterOffsets[i];
        switch (_layers[i])
        {
            case RefConv2D conv:
            {
                // y[oc,oy,ox] = b[oc] + sum_{ic,ky,kx} w[oc,ic,ky,kx] * x[ic, oy*S-P+ky, ox*S-P+kx]
                int k = conv.KernelSize, s = conv.Stride, pad = conv.Padding;
                int biasOffset = offset + OC * C * k * k;
                for (int oc = 0; oc < OC; oc++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double g = dy[(oc * OH + oy) * OW + ox];
                            pg[biasOffset + oc] += g;
                            for (int ic = 0; ic < C; ic++)
                            {
                                for (int ky = 0; ky < k; ky++)
                                {
                                    int iy = oy * s - pad + ky;
                                    if (iy < 0 || iy >= H)
                                    {
                                        continue;
                                    }
                                    for (int kx = 0; kx < k; kx++)
                                    {
                                        int ix = ox * s - pad + kx;
                                        if (ix < 0 || ix >= W)
                                        {
                                            continue;
                                        }
                                        int wi = offset + ((oc * C + ic) * k + ky) * k + kx;
                                        int xi = (ic * H + iy) * W + ix;
                                        pg[wi] += g * x[xi];
                                        dx[xi] += g * p[wi];
                                    }
                                }
                            }
                        }
                    }
                }
                break;
            }
            case RefMaxPool2D max:
            {
                int s = max.Stride == 0 ? max.Size : max.Stride;
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            int winner = MaxPoolWinner(x, c, H, W, oy, ox, max.Size, s, max.Padding);
                            dx[winner] += dy[(c * OH + oy) * OW + ox]; // only the winner; windows may overlap
                        }
                    }
                }
                break;
            }
            case RefAvgPool2D avg:
            {
                int f = avg.Size, s = avg.Stride == 0 ? avg.Size : avg.Stride, pad = avg.Padding;
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double g = dy[(c * OH + oy) * OW + ox] / AvgDivisor(H, W, oy, ox, f, s, pad);
                            for (int ky = 0; ky < f; ky++)
                            {
                                int iy = oy * s - pad + ky;
                                if (iy < 0 || iy >= H)
                                {
                                    continue;
                                }
                                for (int kx = 0; kx < f; kx++)
                                {
                                    int ix = ox * s - pad + kx;
                                    if (ix < 0 || ix >= W)
                                    {
                                        continue;
                                    }
                                    dx[(c * H + iy) * W + ix] += g;
                                }
                            }
                        }
                    }
                }
                break;
            }
            case RefReLU:
                for (int j = 0; j < dx.Length; j++)
                {
                    dx[j] = x[j] > 0 ? dy[j] : 0.0;
                }
                break;
            case RefLeakyReLU leaky:
                for (int j = 0; j < dx.Length; j++)
                {
                    dx[j] = x[j] > 0 ? dy[j] : leaky.Slope * dy[j];
                }
                break;
            case RefSigmoid:
                for (int j = 0; j < dx.Length; j++)
                {
                    double sig = Sigmoid(x[j]);
                    dx[j] = dy[j] * sig * (1.0 - sig);
                }
                break;
            case RefTanh:
                for (int j = 0; j < dx.Length; j++)
                {
                    double t = Math.Tanh(x[j]);
                    dx[j] = dy[j] * (1.0 - t * t);
                }
                break;
            case RefFlatten:
                Array.Copy(dy, dx, dy.Length);
                break;
            case RefDense:
            {
                // y[u] = b[u] + sum_j w[u,j] * x[j]
                int inputs = x.Length;
                int biasOffset = offset + OC * inputs;
                for (int u = 0; u < OC; u++)
                {
                    double g = dy[u];
                    pg[biasOffset + u] += g;
                    for (int j = 0; j < inputs; j++)
                    {
                        pg[offset + u * inputs + j] += g * x[j];
                        dx[j] += g * p[offset + u * inputs + j];
                    }
                }
                break;
            }
            default:
                throw new InvalidOperationException("Unreachable: the constructor validated the layers.");
        }
        return dx;
    }

    // ---------------------------------------------------------------- validation

    private static (int, int, int) PoolShape((int C, int H, int W) shape, int size, int stride, int padding, RefRounding rounding, string what)
    {
        Require(size >= 1, what, "Size must be at least 1.");
        Require(stride >= 0, what, "Stride must not be negative (0 means a stride equal to Size).");
        Require(padding >= 0, what, "Padding must not be negative.");
        Require(padding <= size / 2, what, $"Padding {padding} is more than Size / 2 = {size / 2}.");
        int s = stride == 0 ? size : stride;
        return (shape.C, OutputSize(shape.H, size, s, padding, rounding, what, "height"),
                OutputSize(shape.W, size, s, padding, rounding, what, "width"));
    }

    private static int OutputSize(int n, int f, int s, int p, RefRounding rounding, string what, string dimension)
    {
        long span = (long)n + 2L * p - f;
        if (span < 0)
        {
            throw new ArgumentException(
                $"{what}: the window {f} is larger than the padded {dimension} {n} + 2*{p}.");
        }
        if (span % s != 0 && rounding == RefRounding.Exact)
        {
            throw new ArgumentException(
                $"{what}: the {dimension} does not divide exactly: ({n} + 2*{p} - {f}) / {s} leaves remainder {span % s}.");
        }
        long outSize = span / s + 1;
        if (rounding == RefRounding.Ceil && span % s != 0)
        {
            // PyTorch's pooling_output_shape: round up, but the last window must start inside the input or the
            // left padding.
            outSize = (span + s - 1) / s + 1;
            if ((outSize - 1) * s >= n + p)
            {
                outSize--;
            }
        }
        if (outSize > int.MaxValue)
        {
            throw new ArgumentException($"{what}: the output {dimension} is too large.");
        }
        return (int)outSize;
    }

    private static int CheckedLength(int c, int h, int w, string what)
    {
        long length = (long)c * h * w;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"{what}: {c}x{h}x{w} has too many elements.");
        }
        return (int)length;
    }

    private static void RequireSpatial(bool flat, string what)
    {
        if (flat)
        {
            throw new ArgumentException($"{what}: a spatial layer cannot follow Flatten or Dense.");
        }
    }

    private static void Require(bool condition, string what, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"{what}: {message}");
        }
    }
}

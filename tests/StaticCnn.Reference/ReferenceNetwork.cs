using System;
using System.Collections.Generic;

namespace StaticCnn.Reference;

/// <summary>
/// A deliberately naive reference implementation of a sequential CNN, written from the definitions: plain nested
/// loops, everything in double precision. It means exactly what PyTorch's <c>nn.Sequential</c> of the same layers
/// means (a <see cref="RefDense"/> after spatial data flattening it first), for one sample or for a batch. The layers
/// may include residual blocks (<see cref="RefResidual"/>) and concatenations (<see cref="RefConcat"/>), nested to
/// any depth; below, both are called blocks.
/// </summary>
/// <remarks>
/// <para>Data are C,H,W row-major per sample. Each spatial dimension of a convolution or pooling maps N to
/// (N + padBefore + padAfter - effective kernel) / S + 1 under the layer's rounding (Exact: it must divide) or, with
/// 'same' padding, to ceil(N / S); it must be at least 1. Parameters are stored layer by layer in declaration order,
/// each layer its weight and then its bias, in PyTorch's layout. Buffers (the running statistics of
/// <see cref="RefBatchNorm"/>) are a separate vector, laid out the same way: see <see cref="BufferCount"/>. A block's
/// parameters and buffers are those of its nested layers in PyTorch's state_dict order: a residual block's body, then
/// its shortcut; a concatenation's branches in order.</para>
/// <para>A block runs each of its paths as a nested network on the whole batch (so that batch normalisation inside
/// it sees the whole batch in training mode) and back-propagates the sum of the paths' input gradients.</para>
/// <para>Only <see cref="RefBatchNorm"/> and <see cref="RefDropout"/> behave differently in training and evaluation
/// mode. <see cref="ForwardBatch"/> runs either mode on a batch. The single-sample
/// <see cref="Forward(ReadOnlySpan{double}, ReadOnlySpan{double})"/> always runs evaluation mode (PyTorch's
/// <c>model.eval()</c>), batch normalisation using <see cref="Buffers"/>; for networks without those two layers the
/// modes coincide and it is the plain forward pass.</para>
/// <para>An instance keeps the activations of its last forward pass (single or batch) for <see cref="Backward"/> and
/// <see cref="BackwardBatch"/>, so it is not thread-safe.</para>
/// </remarks>
public sealed class ReferenceNetwork
{
    private readonly RefLayer[] _layers;
    private readonly (int Channels, int Height, int Width)[] _inShapes;
    private readonly (int Channels, int Height, int Width)[] _outShapes;
    private readonly int[] _parameterOffsets;
    private readonly int[] _parameterCounts;
    private readonly int[] _bufferOffsets;
    private readonly int[] _bufferCounts;
    private readonly Window[] _windows;
    private readonly (int Top, int Bottom, int Left, int Right)[] _paddings;
    private readonly Block?[] _blocks;
    private readonly int[] _flatOffsets;
    private readonly (int Channels, int Height, int Width) _outputShape;
    private readonly bool _outputFlat;
    private readonly bool _hasDropout;
    private double[] _buffers;

    // State of the last forward pass: the parameters, the input of every layer plus the final output for every sample
    // ([layer + 1][sample]), the mode, the statistics each batch normalisation used and each dropout's mask.
    private double[]? _parameters;
    private double[][][]? _activations;
    private Normalisation?[]? _normalisations;
    private bool[][]?[]? _dropoutKeep;

    /// <summary>Builds the network for inputs of <paramref name="channels"/> x <paramref name="height"/> x
    /// <paramref name="width"/>, checking every layer's shape arithmetic; an invalid network throws an
    /// <see cref="ArgumentException"/> naming the layer.</summary>
    public ReferenceNetwork(int channels, int height, int width, params RefLayer[] layers)
        : this(channels, height, width, inputFlat: false, context: "", layers)
    {
    }

    /// <summary>Builds a network, or a path of a block (<paramref name="context"/> then names the block, and
    /// <paramref name="inputFlat"/> says whether the block's input is flat data).</summary>
    private ReferenceNetwork(int channels, int height, int width, bool inputFlat, string context, RefLayer[] layers)
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
        _bufferOffsets = new int[_layers.Length];
        _bufferCounts = new int[_layers.Length];
        _windows = new Window[_layers.Length];
        _paddings = new (int, int, int, int)[_layers.Length];
        _blocks = new Block?[_layers.Length];
        _flatOffsets = new int[_layers.Length];

        (int C, int H, int W) shape = (channels, height, width);
        bool flat = inputFlat;
        long parameterCount = 0;
        long bufferCount = 0;
        long flatCount = 0;
        for (int i = 0; i < _layers.Length; i++)
        {
            RefLayer layer = _layers[i] ?? throw new ArgumentException($"{context}Layer {i} is null.", nameof(layers));
            string what = $"{context}Layer {i} ({layer})";
            _flatOffsets[i] = (int)flatCount;
            long flatEntries = 1;
            _inShapes[i] = shape;
            long count = 0;
            long buffers = 0;
            switch (layer)
            {
                case RefConv2D conv:
                {
                    RequireSpatial(flat, what);
                    Require(conv.Filters >= 1, what, "Filters must be at least 1.");
                    Window window = ConvWindow(conv, what);
                    Require(conv.Groups >= 1, what, "Groups must be at least 1.");
                    Require(shape.C % conv.Groups == 0, what,
                        $"the {shape.C} input channels are not divisible by Groups = {conv.Groups}.");
                    Require(conv.Filters % conv.Groups == 0, what,
                        $"Filters = {conv.Filters} is not divisible by Groups = {conv.Groups}.");
                    (window, int outHeight, int outWidth) = Place(window, shape, conv.Same, conv.Rounding, what);
                    _windows[i] = window;
                    count = (long)conv.Filters * (shape.C / conv.Groups) * window.KernelHeight * window.KernelWidth
                            + (conv.Bias ? conv.Filters : 0);
                    shape = (conv.Filters, outHeight, outWidth);
                    break;
                }
                case RefMaxPool2D max:
                {
                    RequireSpatial(flat, what);
                    Window window = PoolWindow(max.Size, max.Stride, max.Padding, max.KernelHeight, max.KernelWidth,
                        max.StrideHeight, max.StrideWidth, max.PadTop, max.PadBottom, max.PadLeft, max.PadRight,
                        max.Same, what);
                    (window, int outHeight, int outWidth) = Place(window, shape, max.Same, max.Rounding, what);
                    _windows[i] = window;
                    shape = (shape.C, outHeight, outWidth);
                    break;
                }
                case RefAvgPool2D avg:
                {
                    RequireSpatial(flat, what);
                    Window window = PoolWindow(avg.Size, avg.Stride, avg.Padding, avg.KernelHeight, avg.KernelWidth,
                        avg.StrideHeight, avg.StrideWidth, avg.PadTop, avg.PadBottom, avg.PadLeft, avg.PadRight,
                        avg.Same, what);
                    (window, int outHeight, int outWidth) = Place(window, shape, avg.Same, avg.Rounding, what);
                    _windows[i] = window;
                    shape = (shape.C, outHeight, outWidth);
                    break;
                }
                case RefGlobalAvgPool2D:
                case RefGlobalMaxPool2D:
                    RequireSpatial(flat, what);
                    shape = (shape.C, 1, 1);
                    break;
                case RefBatchNorm norm:
                    Require(double.IsFinite(norm.Epsilon) && norm.Epsilon > 0, what,
                        "Epsilon must be a positive finite number.");
                    Require(norm.Momentum >= 0 && norm.Momentum <= 1, what, "Momentum must be in [0, 1].");
                    count = 2L * shape.C;
                    buffers = 2L * shape.C + 1;
                    break;
                case RefDropout dropout:
                    Require(dropout.P >= 0 && dropout.P < 1, what, $"P must be in [0, 1), but it is {dropout.P}.");
                    _hasDropout = true;
                    break;
                case RefReLU:
                case RefSigmoid:
                case RefTanh:
                case RefReLU6:
                case RefHardSigmoid:
                case RefHardSwish:
                case RefSiLU:
                case RefGELU:
                case RefSoftmax:
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
                case RefResidual residual:
                {
                    Block block = ResidualBlock(residual, shape, flat, what);
                    _blocks[i] = block;
                    (shape, flat) = (block.OutputShape, block.OutputFlat);
                    (count, buffers, flatEntries) = (block.ParameterCount, block.BufferCount, block.FlatLayerCount);
                    _hasDropout |= block.HasDropout;
                    break;
                }
                case RefConcat concat:
                {
                    Block block = ConcatBlock(concat, shape, flat, what);
                    _blocks[i] = block;
                    (shape, flat) = (block.OutputShape, block.OutputFlat);
                    (count, buffers, flatEntries) = (block.ParameterCount, block.BufferCount, block.FlatLayerCount);
                    _hasDropout |= block.HasDropout;
                    break;
                }
                default:
                    throw new ArgumentException($"{what}: unknown layer type {layer.GetType().Name}.", nameof(layers));
            }
            CheckedLength(shape.C, shape.H, shape.W, what);
            _outShapes[i] = shape;
            _paddings[i] = (_windows[i].Top, _windows[i].Bottom, _windows[i].Left, _windows[i].Right);
            _parameterOffsets[i] = (int)parameterCount;
            _parameterCounts[i] = (int)count;
            parameterCount += count;
            if (parameterCount > int.MaxValue)
            {
                throw new ArgumentException($"{what}: the network has more than {int.MaxValue} parameters.");
            }
            _bufferOffsets[i] = (int)bufferCount;
            _bufferCounts[i] = (int)buffers;
            bufferCount += buffers;
            if (bufferCount > Array.MaxLength)
            {
                throw new ArgumentException($"{what}: the network has more than {Array.MaxLength} buffer values.");
            }
            flatCount += flatEntries;
            if (flatCount > int.MaxValue)
            {
                throw new ArgumentException($"{what}: the network has more than {int.MaxValue} layers.");
            }
        }

        OutputLength = shape.C * shape.H * shape.W;
        ParameterCount = (int)parameterCount;
        BufferCount = (int)bufferCount;
        FlatLayerCount = (int)flatCount;
        _outputShape = shape;
        _outputFlat = flat;
        _buffers = CreateDefaultBuffers();
    }

    /// <summary>The layers, in order (a block is one layer).</summary>
    public IReadOnlyList<RefLayer> Layers => _layers;

    /// <summary>The number of layers in execution order with every block flattened: a plain layer counts 1; a
    /// <see cref="RefResidual"/> its body's layers, then its shortcut's (each counted this way, recursively), then 1
    /// for the addition; a <see cref="RefConcat"/> its branches' layers in order, then 1 for the concatenation. The
    /// dropout mask of <see cref="ForwardBatch"/> receives a layer's 0-based position in this order. Without blocks it
    /// is the number of layers and a layer's position its index in <see cref="Layers"/>.</summary>
    public int FlatLayerCount { get; }

    /// <summary>The input shape (C, H, W).</summary>
    public (int Channels, int Height, int Width) InputShape { get; }

    /// <summary>C * H * W of the input.</summary>
    public int InputLength { get; }

    /// <summary>Length of the output of the last layer (the input length if there are no layers).</summary>
    public int OutputLength { get; }

    /// <summary>Total number of parameters (weights and biases of every layer).</summary>
    public int ParameterCount { get; }

    /// <summary>The output shape of each layer (of a block: its output); flat data (after Flatten or Dense) is
    /// (n, 1, 1).</summary>
    public IReadOnlyList<(int Channels, int Height, int Width)> OutputShapes => _outShapes;

    /// <summary>Where the parameters of each layer start in the parameter vector (weight first, then bias; a block's
    /// nested parameters are contiguous from here).</summary>
    public IReadOnlyList<int> ParameterOffsets => _parameterOffsets;

    /// <summary>How many parameters each layer has (0 for layers without parameters; a block: all its nested
    /// layers').</summary>
    public IReadOnlyList<int> ParameterCounts => _parameterCounts;

    /// <summary>The padding each layer applies (top, bottom, left, right), as resolved from its explicit paddings or
    /// its 'same' padding; zeros for layers other than convolutions and (non-global) poolings.</summary>
    public IReadOnlyList<(int Top, int Bottom, int Left, int Right)> Paddings => _paddings;

    /// <summary>Total number of buffer values: for every <see cref="RefBatchNorm"/> over C channels, layer after layer
    /// (blocks' nested ones included, in their parameter order), running_mean [C], running_var [C] and
    /// num_batches_tracked [1], in that order. 0 without batch normalisation.</summary>
    public int BufferCount { get; }

    /// <summary>Where the buffers of each layer start in the buffer vector.</summary>
    public IReadOnlyList<int> BufferOffsets => _bufferOffsets;

    /// <summary>How many buffer values each layer has (2C + 1 for a batch normalisation over C channels, a block's
    /// nested layers' together, else 0).</summary>
    public IReadOnlyList<int> BufferCounts => _bufferCounts;

    /// <summary>The buffers the single-sample <see cref="Forward(ReadOnlySpan{double}, ReadOnlySpan{double})"/> uses
    /// (initially <see cref="CreateDefaultBuffers"/>). This is the array itself, not a copy: passing it to
    /// <see cref="ForwardBatch"/> in training mode trains the running statistics that Forward then uses. Setting it
    /// checks the length (<see cref="BufferCount"/>) and keeps the given array.</summary>
    public double[] Buffers
    {
        get => _buffers;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != BufferCount)
            {
                throw new ArgumentException($"Expected {BufferCount} buffer values, got {value.Length}.", nameof(value));
            }
            _buffers = value;
        }
    }

    /// <summary>A new buffer vector as PyTorch initialises it: running_mean 0, running_var 1 and num_batches_tracked 0
    /// for every batch normalisation.</summary>
    public double[] CreateDefaultBuffers()
    {
        double[] buffers = new double[BufferCount];
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is RefBatchNorm)
            {
                int channels = _inShapes[i].Channels;
                Array.Fill(buffers, 1.0, _bufferOffsets[i] + channels, channels);
            }
            else if (_blocks[i] is Block block)
            {
                for (int k = 0; k < block.Paths.Length; k++)
                {
                    double[] nested = block.Paths[k].CreateDefaultBuffers();
                    Array.Copy(nested, 0, buffers, _bufferOffsets[i] + block.BufferOffsets[k], nested.Length);
                }
            }
        }
        return buffers;
    }

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

    /// <summary>Runs the network on one sample in double precision, keeps every activation for <see cref="Backward"/>
    /// and returns a copy of the output. This is evaluation mode: batch normalisation uses the running statistics in
    /// <see cref="Buffers"/> (which it does not change) and dropout is the identity; use <see cref="ForwardBatch"/>
    /// for training mode.</summary>
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

        double[][] outputs = Run(parameters.ToArray(), _buffers, [input.ToArray()], training: false, dropoutMask: null);
        return (double[])outputs[0].Clone();
    }

    /// <summary>Runs the network on a batch of samples, keeps every activation for <see cref="BackwardBatch"/> and
    /// returns a copy of each sample's output.</summary>
    /// <param name="parameters">The <see cref="ParameterCount"/> parameters.</param>
    /// <param name="buffers">The <see cref="BufferCount"/> buffer values (running statistics). Evaluation mode reads
    /// them; training mode updates them in place, once per batch normalisation layer per call.</param>
    /// <param name="inputs">One input of <see cref="InputLength"/> values per sample; at least one sample.</param>
    /// <param name="training">Training mode (PyTorch's <c>model.train()</c>): batch normalisation normalises with
    /// the batch statistics (it needs more than one value per channel) and dropout applies the mask. Otherwise
    /// evaluation mode.</param>
    /// <param name="dropoutMask">(layer index, sample, element) to whether the element is kept, where the layer index
    /// is the dropout's position in the flattened execution order of <see cref="FlatLayerCount"/> (its index in
    /// <see cref="Layers"/> for a network without blocks). Required in training mode when the network has a
    /// <see cref="RefDropout"/>, also inside a block; it must be a pure function (finite differences call the forward
    /// pass many times).</param>
    public double[][] ForwardBatch(
        ReadOnlySpan<double> parameters, double[] buffers, double[][] inputs, bool training,
        Func<int, int, int, bool>? dropoutMask = null)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentNullException.ThrowIfNull(inputs);
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"Expected {ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        }
        if (buffers.Length != BufferCount)
        {
            throw new ArgumentException($"Expected {BufferCount} buffer values, got {buffers.Length}.", nameof(buffers));
        }
        if (inputs.Length < 1)
        {
            throw new ArgumentException("The batch must hold at least one sample.", nameof(inputs));
        }
        double[][] batch = new double[inputs.Length][];
        for (int s = 0; s < inputs.Length; s++)
        {
            double[] input = inputs[s] ?? throw new ArgumentException($"Sample {s} is null.", nameof(inputs));
            if (input.Length != InputLength)
            {
                throw new ArgumentException(
                    $"Sample {s}: expected an input of {InputLength} values, got {input.Length}.", nameof(inputs));
            }
            batch[s] = (double[])input.Clone();
        }
        if (training && _hasDropout && dropoutMask is null)
        {
            throw new ArgumentException(
                "The network has a Dropout layer: training mode needs a dropout mask, a function (layer index, "
                + "sample, element) -> keep.", nameof(dropoutMask));
        }
        if (training)
        {
            // Checked before anything runs, so that a rejected batch leaves the buffers as they were.
            CheckTrainingBatch(inputs.Length, "", nameof(inputs));
        }

        double[][] outputs = Run(parameters.ToArray(), buffers, batch, training, dropoutMask);
        double[][] copies = new double[outputs.Length][];
        for (int s = 0; s < outputs.Length; s++)
        {
            copies[s] = (double[])outputs[s].Clone();
        }
        return copies;
    }

    /// <summary>A copy of the output of layer <paramref name="layer"/> (-1: the input) in the last forward pass, of its
    /// first sample (the only one after <see cref="Forward(ReadOnlySpan{double}, ReadOnlySpan{double})"/>).</summary>
    public double[] GetActivation(int layer) => GetActivation(layer, 0);

    /// <summary>A copy of the output of layer <paramref name="layer"/> (-1: the input) for sample
    /// <paramref name="sample"/> of the last forward pass.</summary>
    public double[] GetActivation(int layer, int sample)
    {
        double[][][] activations = _activations ?? throw new InvalidOperationException("Call Forward first.");
        if (layer < -1 || layer >= _layers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(layer));
        }
        if (sample < 0 || sample >= activations[0].Length)
        {
            throw new ArgumentOutOfRangeException(nameof(sample));
        }
        return (double[])activations[layer + 1][sample].Clone();
    }

    /// <summary>Back-propagates dLoss/dOutput through the network as it was in the last forward pass, which must have
    /// had one sample (use <see cref="BackwardBatch"/> after a batch).</summary>
    public ReferenceGradients Backward(ReadOnlySpan<double> outputGradient)
    {
        double[][][] activations = _activations ?? throw new InvalidOperationException("Call Forward before Backward.");
        if (activations[0].Length != 1)
        {
            throw new InvalidOperationException(
                $"The last forward pass ran a batch of {activations[0].Length} samples: use BackwardBatch.");
        }
        if (outputGradient.Length != OutputLength)
        {
            throw new ArgumentException(
                $"Expected an output gradient of {OutputLength} values, got {outputGradient.Length}.",
                nameof(outputGradient));
        }

        ReferenceBatchGradients gradients = BackwardCore([outputGradient.ToArray()]);
        return new ReferenceGradients(gradients.Parameters, gradients.Inputs[0]);
    }

    /// <summary>Back-propagates dLoss/dOutput of every sample through the network as it was in the last forward pass
    /// (in its mode: in training mode the gradient flows through the batch statistics of batch normalisation, which
    /// couple the samples). Returns dLoss/dParameters summed over the samples and dLoss/dInput of every
    /// sample.</summary>
    public ReferenceBatchGradients BackwardBatch(double[][] outputGradients)
    {
        ArgumentNullException.ThrowIfNull(outputGradients);
        double[][][] activations = _activations
            ?? throw new InvalidOperationException("Call Forward or ForwardBatch before BackwardBatch.");
        int samples = activations[0].Length;
        if (outputGradients.Length != samples)
        {
            throw new ArgumentException(
                $"The last forward pass ran {samples} sample(s), but there are {outputGradients.Length} output "
                + "gradients.", nameof(outputGradients));
        }
        double[][] gradients = new double[samples][];
        for (int s = 0; s < samples; s++)
        {
            double[] gradient = outputGradients[s]
                ?? throw new ArgumentException($"Output gradient {s} is null.", nameof(outputGradients));
            if (gradient.Length != OutputLength)
            {
                throw new ArgumentException(
                    $"Sample {s}: expected an output gradient of {OutputLength} values, got {gradient.Length}.",
                    nameof(outputGradients));
            }
            gradients[s] = (double[])gradient.Clone();
        }
        return BackwardCore(gradients);
    }

    /// <summary>Throws if a batch normalisation, here or in a block, would see a single value per channel in training
    /// mode.</summary>
    private void CheckTrainingBatch(int samples, string context, string parameterName)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            long values = (long)samples * _inShapes[i].Height * _inShapes[i].Width;
            if (_layers[i] is RefBatchNorm && values < 2)
            {
                throw new ArgumentException(
                    $"{context}Layer {i} ({_layers[i]}): batch normalisation in training mode needs more than one "
                    + $"value per channel, but a batch of {samples} sample(s) of {_inShapes[i].Height}x"
                    + $"{_inShapes[i].Width} gives {values}.", parameterName);
            }
            if (_blocks[i] is Block block)
            {
                for (int k = 0; k < block.Paths.Length; k++)
                {
                    block.Paths[k].CheckTrainingBatch(
                        samples, $"{context}Layer {i} ({_layers[i]}), {block.PathNames[k]}: ", parameterName);
                }
            }
        }
    }

    // ---------------------------------------------------------------- batch passes

    /// <summary>Runs every layer on the whole batch (batch normalisation needs it whole), keeps the state for backward
    /// and returns the final activations (not copies). The arguments are validated and owned.</summary>
    private double[][] Run(
        double[] p, double[] buffers, double[][] inputs, bool training, Func<int, int, int, bool>? dropoutMask)
    {
        int samples = inputs.Length;
        double[][][] activations = new double[_layers.Length + 1][][];
        Normalisation?[] normalisations = new Normalisation?[_layers.Length];
        bool[][]?[] dropoutKeep = new bool[][]?[_layers.Length];
        activations[0] = inputs;
        for (int i = 0; i < _layers.Length; i++)
        {
            double[][] x = activations[i];
            double[][] y = new double[samples][];
            switch (_layers[i])
            {
                case RefBatchNorm norm:
                    normalisations[i] = BatchNormForward(i, norm, p, buffers, x, y, training);
                    break;
                case RefDropout dropout when training && dropout.P > 0:
                    dropoutKeep[i] = DropoutForward(_flatOffsets[i], dropout, x, y, dropoutMask!);
                    break;
                case RefResidual or RefConcat:
                    BlockForward(i, p, buffers, x, y, training, dropoutMask);
                    break;
                default:
                    for (int s = 0; s < samples; s++)
                    {
                        y[s] = LayerForward(i, p, x[s]);
                    }
                    break;
            }
            activations[i + 1] = y;
        }
        _parameters = p;
        _activations = activations;
        _normalisations = normalisations;
        _dropoutKeep = dropoutKeep;
        return activations[_layers.Length];
    }

    /// <summary>Back-propagates the output gradients (owned) of every sample through the last forward pass.</summary>
    private ReferenceBatchGradients BackwardCore(double[][] gradients)
    {
        double[][][] activations = _activations!;
        double[] p = _parameters!;
        double[] parameterGradient = new double[ParameterCount];
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            double[][] x = activations[i];
            switch (_layers[i])
            {
                case RefBatchNorm:
                    gradients = BatchNormBackward(i, p, x, gradients, parameterGradient, _normalisations![i]!);
                    break;
                case RefDropout dropout when _dropoutKeep![i] is bool[][] keep:
                    gradients = DropoutBackward(dropout, keep, gradients);
                    break;
                case RefResidual or RefConcat:
                    gradients = BlockBackward(i, gradients, parameterGradient);
                    break;
                default:
                    for (int s = 0; s < gradients.Length; s++)
                    {
                        gradients[s] = LayerBackward(i, p, x[s], gradients[s], parameterGradient);
                    }
                    break;
            }
        }
        return new ReferenceBatchGradients(parameterGradient, gradients);
    }

    /// <summary>The mean and sqrt(variance + eps) a batch normalisation used per channel, and whether they were the
    /// batch's own statistics (training mode) or the running ones (evaluation mode).</summary>
    private sealed record Normalisation(double[] Mean, double[] Deviation, bool Training);

    /// <summary>Batch normalisation of the whole batch into <paramref name="y"/>: per channel over the samples and the
    /// plane. In training mode it normalises with the batch mean and biased variance and updates the running
    /// statistics in <paramref name="buffers"/>; in evaluation mode it uses them.</summary>
    private Normalisation BatchNormForward(
        int i, RefBatchNorm norm, double[] p, double[] buffers, double[][] x, double[][] y, bool training)
    {
        (int C, int H, int W) = _inShapes[i];
        int plane = H * W;
        long count = (long)x.Length * plane;
        int offset = _parameterOffsets[i];
        int bufferOffset = _bufferOffsets[i];
        double[] mean = new double[C];
        double[] deviation = new double[C];
        for (int c = 0; c < C; c++)
        {
            if (training)
            {
                double sum = 0;
                foreach (double[] sample in x)
                {
                    for (int j = 0; j < plane; j++)
                    {
                        sum += sample[c * plane + j];
                    }
                }
                double m = sum / count;
                double squares = 0;
                foreach (double[] sample in x)
                {
                    for (int j = 0; j < plane; j++)
                    {
                        double d = sample[c * plane + j] - m;
                        squares += d * d;
                    }
                }
                double variance = squares / count; // biased: used to normalise
                double unbiased = variance * count / (count - 1); // used for the running variance
                mean[c] = m;
                deviation[c] = Math.Sqrt(variance + norm.Epsilon);
                buffers[bufferOffset + c] = (1 - norm.Momentum) * buffers[bufferOffset + c] + norm.Momentum * m;
                buffers[bufferOffset + C + c] =
                    (1 - norm.Momentum) * buffers[bufferOffset + C + c] + norm.Momentum * unbiased;
            }
            else
            {
                mean[c] = buffers[bufferOffset + c];
                deviation[c] = Math.Sqrt(buffers[bufferOffset + C + c] + norm.Epsilon);
            }
        }
        if (training)
        {
            buffers[bufferOffset + 2 * C] += 1; // num_batches_tracked
        }

        for (int s = 0; s < x.Length; s++)
        {
            y[s] = new double[x[s].Length];
            for (int c = 0; c < C; c++)
            {
                double weight = p[offset + c], bias = p[offset + C + c];
                for (int j = 0; j < plane; j++)
                {
                    int index = c * plane + j;
                    y[s][index] = (x[s][index] - mean[c]) / deviation[c] * weight + bias;
                }
            }
        }
        return new Normalisation(mean, deviation, training);
    }

    /// <summary>Back-propagates through a batch normalisation; adds its weight and bias gradients into pg.</summary>
    private double[][] BatchNormBackward(
        int i, double[] p, double[][] x, double[][] dy, double[] pg, Normalisation normalisation)
    {
        (int C, int H, int W) = _inShapes[i];
        int plane = H * W;
        long count = (long)x.Length * plane;
        int offset = _parameterOffsets[i];
        double[][] dx = new double[x.Length][];
        for (int s = 0; s < x.Length; s++)
        {
            dx[s] = new double[x[s].Length];
        }
        for (int c = 0; c < C; c++)
        {
            double mean = normalisation.Mean[c], deviation = normalisation.Deviation[c], weight = p[offset + c];
            // y = xhat * weight + bias with xhat = (x - mean) / deviation: dWeight = sum dy * xhat, dBias = sum dy.
            double sumDy = 0, sumDyXhat = 0;
            for (int s = 0; s < x.Length; s++)
            {
                for (int j = 0; j < plane; j++)
                {
                    int index = c * plane + j;
                    sumDy += dy[s][index];
                    sumDyXhat += dy[s][index] * ((x[s][index] - mean) / deviation);
                }
            }
            pg[offset + c] += sumDyXhat;
            pg[offset + C + c] += sumDy;
            for (int s = 0; s < x.Length; s++)
            {
                for (int j = 0; j < plane; j++)
                {
                    int index = c * plane + j;
                    if (normalisation.Training)
                    {
                        // The mean and variance depend on every x of the channel: with m values,
                        // dx = weight / deviation * (dy - mean(dy) - xhat * mean(dy * xhat)).
                        double xhat = (x[s][index] - mean) / deviation;
                        dx[s][index] = weight / deviation * (dy[s][index] - sumDy / count - xhat * sumDyXhat / count);
                    }
                    else
                    {
                        dx[s][index] = dy[s][index] * weight / deviation; // the running statistics are constants
                    }
                }
            }
        }
        return dx;
    }

    /// <summary>Training-mode dropout: y = x * keep / (1 - P) with keep from the mask function, asked with the layer's
    /// flat index <paramref name="i"/>; returns the mask.</summary>
    private static bool[][] DropoutForward(
        int i, RefDropout dropout, double[][] x, double[][] y, Func<int, int, int, bool> dropoutMask)
    {
        double scale = 1.0 / (1.0 - dropout.P);
        bool[][] keep = new bool[x.Length][];
        for (int s = 0; s < x.Length; s++)
        {
            keep[s] = new bool[x[s].Length];
            y[s] = new double[x[s].Length];
            for (int j = 0; j < x[s].Length; j++)
            {
                keep[s][j] = dropoutMask(i, s, j);
                y[s][j] = x[s][j] * (keep[s][j] ? scale : 0.0); // as PyTorch: input * (mask / (1 - p))
            }
        }
        return keep;
    }

    private static double[][] DropoutBackward(RefDropout dropout, bool[][] keep, double[][] dy)
    {
        double scale = 1.0 / (1.0 - dropout.P);
        double[][] dx = new double[dy.Length][];
        for (int s = 0; s < dy.Length; s++)
        {
            dx[s] = new double[dy[s].Length];
            for (int j = 0; j < dy[s].Length; j++)
            {
                dx[s][j] = dy[s][j] * (keep[s][j] ? scale : 0.0);
            }
        }
        return dx;
    }

    // ---------------------------------------------------------------- blocks

    /// <summary>A residual block or a concatenation: its paths as nested networks on the block's input (a residual
    /// block's body then its shortcut, if it has one; a concatenation's branches in order) and where each path's
    /// parameters, buffers and flat layer numbers start relative to the block's.</summary>
    private sealed class Block
    {
        public Block(
            bool concatenate, bool usesInput, ReferenceNetwork[] paths, string[] pathNames,
            (int Channels, int Height, int Width) outputShape, bool outputFlat, string what)
        {
            Concatenate = concatenate;
            UsesInput = usesInput;
            Paths = paths;
            PathNames = pathNames;
            OutputShape = outputShape;
            OutputFlat = outputFlat;
            ParameterOffsets = new int[paths.Length];
            BufferOffsets = new int[paths.Length];
            FlatOffsets = new int[paths.Length];
            long parameters = 0, buffers = 0, flat = 0;
            for (int k = 0; k < paths.Length; k++)
            {
                ParameterOffsets[k] = (int)parameters;
                BufferOffsets[k] = (int)buffers;
                FlatOffsets[k] = (int)flat;
                parameters += paths[k].ParameterCount;
                buffers += paths[k].BufferCount;
                flat += paths[k].FlatLayerCount;
                if (parameters > int.MaxValue || buffers > Array.MaxLength || flat >= int.MaxValue)
                {
                    throw new ArgumentException($"{what}: the block has too many parameters, buffer values or layers.");
                }
                HasDropout |= paths[k]._hasDropout;
            }
            ParameterCount = parameters;
            BufferCount = buffers;
            FlatLayerCount = flat + 1; // the addition or concatenation itself
        }

        /// <summary>True: a concatenation over channels; false: a residual sum.</summary>
        public bool Concatenate { get; }

        /// <summary>Whether the block's input is an operand: the identity shortcut of a residual block (the second
        /// addend), or the first part of a concatenation with IncludeInput.</summary>
        public bool UsesInput { get; }

        public ReferenceNetwork[] Paths { get; }

        /// <summary>"body", "shortcut", "branch 0", ...: for error messages.</summary>
        public string[] PathNames { get; }

        public (int Channels, int Height, int Width) OutputShape { get; }

        public bool OutputFlat { get; }

        public int[] ParameterOffsets { get; }

        public int[] BufferOffsets { get; }

        public int[] FlatOffsets { get; }

        public long ParameterCount { get; }

        public long BufferCount { get; }

        public long FlatLayerCount { get; }

        public bool HasDropout { get; }
    }

    private static Block ResidualBlock(RefResidual residual, (int C, int H, int W) shape, bool flat, string what)
    {
        Require(residual.Body is not null, what, "Body is null.");
        Require(residual.Body!.Length > 0, what, "the body has no layers; it must have at least one.");
        var body = new ReferenceNetwork(shape.C, shape.H, shape.W, flat, $"{what}, body: ", residual.Body);
        ReferenceNetwork? shortcut = residual.Shortcut is null
            ? null
            : new ReferenceNetwork(shape.C, shape.H, shape.W, flat, $"{what}, shortcut: ", residual.Shortcut);
        ((int, int, int) otherShape, bool otherFlat, string otherName) = shortcut is null
            ? (shape, flat, "the input (identity shortcut)")
            : (shortcut._outputShape, shortcut._outputFlat, "the shortcut's output");
        if (body._outputShape != otherShape || body._outputFlat != otherFlat)
        {
            throw new ArgumentException(
                $"{what}: the body's output {Describe(body._outputShape, body._outputFlat)} does not match "
                + $"{otherName} {Describe(otherShape, otherFlat)}; a residual block adds them, so they must have the "
                + "same shape.");
        }
        return shortcut is null
            ? new Block(false, true, [body], ["body"], body._outputShape, body._outputFlat, what)
            : new Block(false, false, [body, shortcut], ["body", "shortcut"], body._outputShape, body._outputFlat,
                what);
    }

    private static Block ConcatBlock(RefConcat concat, (int C, int H, int W) shape, bool flat, string what)
    {
        Require(concat.Branches is not null, what, "Branches is null.");
        int branches = concat.Branches!.Length;
        int operands = branches + (concat.IncludeInput ? 1 : 0);
        Require(operands >= 2, what,
            $"a concatenation needs at least two operands, but it has {operands} ({branches} branch(es)"
            + $"{(concat.IncludeInput ? " and the input" : "")}).");
        long channels = 0;
        string? firstName = null;
        (int C, int H, int W) firstShape = default;
        if (concat.IncludeInput)
        {
            Require(!flat, what,
                $"the input {Describe(shape, true)} is flat; a concatenation over channels needs spatial operands.");
            (firstName, firstShape, channels) = ("the input", shape, shape.C);
        }
        var paths = new ReferenceNetwork[branches];
        string[] names = new string[branches];
        for (int b = 0; b < branches; b++)
        {
            RefLayer[] layers = concat.Branches[b] ?? throw new ArgumentException($"{what}: branch {b} is null.");
            names[b] = $"branch {b}";
            paths[b] = new ReferenceNetwork(shape.C, shape.H, shape.W, flat, $"{what}, branch {b}: ", layers);
            (int C, int H, int W) output = paths[b]._outputShape;
            Require(!paths[b]._outputFlat, what,
                $"branch {b}'s output {Describe(output, true)} is flat; a concatenation over channels needs spatial "
                + "operands.");
            if (firstName is null)
            {
                (firstName, firstShape) = ($"branch {b}'s output", output);
            }
            else if (output.H != firstShape.H || output.W != firstShape.W)
            {
                throw new ArgumentException(
                    $"{what}: branch {b}'s output {Describe(output, false)} and {firstName} "
                    + $"{Describe(firstShape, false)} differ in height or width; a concatenation over channels needs "
                    + "the same height and width.");
            }
            channels += output.C;
        }
        Require(channels * firstShape.H * firstShape.W <= Array.MaxLength, what,
            $"the concatenation of {channels}x{firstShape.H}x{firstShape.W} has too many elements.");
        return new Block(true, concat.IncludeInput, paths, names, ((int)channels, firstShape.H, firstShape.W), false,
            what);
    }

    /// <summary>C x H x W, or n (flat).</summary>
    private static string Describe((int C, int H, int W) shape, bool flat) =>
        flat ? $"{(long)shape.C * shape.H * shape.W} (flat)" : $"{shape.C}x{shape.H}x{shape.W}";

    /// <summary>The forward pass of block i on the whole batch into <paramref name="y"/>: every path runs as a nested
    /// network on its slices of the parameters and buffers (training mode's running-statistics updates are copied
    /// back into <paramref name="buffers"/>) with the dropout mask shifted to the path's flat layer numbers; then the
    /// operands are added or concatenated.</summary>
    private void BlockForward(
        int i, double[] p, double[] buffers, double[][] x, double[][] y, bool training,
        Func<int, int, int, bool>? dropoutMask)
    {
        Block block = _blocks[i]!;
        double[][][] outputs = new double[block.Paths.Length][][];
        for (int k = 0; k < block.Paths.Length; k++)
        {
            ReferenceNetwork path = block.Paths[k];
            double[] pathParameters = new double[path.ParameterCount];
            Array.Copy(p, _parameterOffsets[i] + block.ParameterOffsets[k], pathParameters, 0, pathParameters.Length);
            int bufferOffset = _bufferOffsets[i] + block.BufferOffsets[k];
            double[] pathBuffers = new double[path.BufferCount];
            Array.Copy(buffers, bufferOffset, pathBuffers, 0, pathBuffers.Length);
            int flatOffset = _flatOffsets[i] + block.FlatOffsets[k];
            Func<int, int, int, bool>? pathMask = dropoutMask is null
                ? null
                : (layer, sample, element) => dropoutMask(flatOffset + layer, sample, element);
            outputs[k] = path.Run(pathParameters, pathBuffers, (double[][])x.Clone(), training, pathMask);
            Array.Copy(pathBuffers, 0, buffers, bufferOffset, pathBuffers.Length);
        }

        for (int s = 0; s < x.Length; s++)
        {
            if (!block.Concatenate)
            {
                // body(x) + shortcut(x), or body(x) + x
                double[] body = outputs[0][s];
                double[] other = block.UsesInput ? x[s] : outputs[1][s];
                y[s] = new double[body.Length];
                for (int j = 0; j < body.Length; j++)
                {
                    y[s][j] = body[j] + other[j];
                }
            }
            else
            {
                // C,H,W data: concatenating over channels is concatenating the samples' vectors.
                (int OC, int OH, int OW) = _outShapes[i];
                y[s] = new double[OC * OH * OW];
                int at = 0;
                if (block.UsesInput)
                {
                    Array.Copy(x[s], 0, y[s], at, x[s].Length);
                    at += x[s].Length;
                }
                for (int k = 0; k < outputs.Length; k++)
                {
                    Array.Copy(outputs[k][s], 0, y[s], at, outputs[k][s].Length);
                    at += outputs[k][s].Length;
                }
            }
        }
    }

    /// <summary>Back-propagates through block i: each path gets its part of dy (a residual block: all of it; a
    /// concatenation: its channels), adds its parameter gradients into pg, and dx is the sum of the paths' input
    /// gradients and, if the input is an operand, its part of dy.</summary>
    private double[][] BlockBackward(int i, double[][] dy, double[] pg)
    {
        Block block = _blocks[i]!;
        (int C, int H, int W) = _inShapes[i];
        int inputLength = C * H * W;
        double[][] dx = new double[dy.Length][];
        for (int s = 0; s < dy.Length; s++)
        {
            dx[s] = new double[inputLength];
        }
        int at = 0; // where the next operand's gradient starts in dy (always 0 for a residual sum)
        if (block.UsesInput)
        {
            for (int s = 0; s < dy.Length; s++)
            {
                for (int j = 0; j < inputLength; j++)
                {
                    dx[s][j] += dy[s][at + j];
                }
            }
            at += block.Concatenate ? inputLength : 0;
        }
        for (int k = 0; k < block.Paths.Length; k++)
        {
            ReferenceNetwork path = block.Paths[k];
            double[][] pathGradients = new double[dy.Length][];
            for (int s = 0; s < dy.Length; s++)
            {
                pathGradients[s] = new double[path.OutputLength];
                Array.Copy(dy[s], at, pathGradients[s], 0, path.OutputLength);
            }
            ReferenceBatchGradients gradients = path.BackwardCore(pathGradients);
            int offset = _parameterOffsets[i] + block.ParameterOffsets[k];
            for (int j = 0; j < gradients.Parameters.Length; j++)
            {
                pg[offset + j] += gradients.Parameters[j];
            }
            for (int s = 0; s < dy.Length; s++)
            {
                for (int j = 0; j < inputLength; j++)
                {
                    dx[s][j] += gradients.Inputs[s][j];
                }
            }
            at += block.Concatenate ? path.OutputLength : 0;
        }
        return dx;
    }

    // ---------------------------------------------------------------- forward

    /// <summary>The forward pass of layer i on one sample (every layer but batch normalisation, and dropout only as
    /// the identity).</summary>
    private double[] LayerForward(int i, double[] p, double[] x)
    {
        (int C, int H, int W) = _inShapes[i];
        (int OC, int OH, int OW) = _outShapes[i];
        double[] y = new double[OC * OH * OW];
        int offset = _parameterOffsets[i];
        Window win = _windows[i];
        switch (_layers[i])
        {
            case RefConv2D conv:
            {
                // y[oc,oy,ox] = b[oc] + sum_{gc,ky,kx} w[oc,gc,ky,kx] * x[g*C/G + gc, oy*Sh + ky*Dh - top, ox*Sw + kx*Dw - left]
                int kh = win.KernelHeight, kw = win.KernelWidth;
                int groupChannels = C / conv.Groups, groupFilters = OC / conv.Groups;
                int biasOffset = offset + OC * groupChannels * kh * kw;
                for (int oc = 0; oc < OC; oc++)
                {
                    int firstChannel = oc / groupFilters * groupChannels;
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double sum = conv.Bias ? p[biasOffset + oc] : 0.0;
                            for (int gc = 0; gc < groupChannels; gc++)
                            {
                                int ic = firstChannel + gc;
                                for (int ky = 0; ky < kh; ky++)
                                {
                                    int iy = oy * win.StrideHeight + ky * win.DilationHeight - win.Top;
                                    if (iy < 0 || iy >= H)
                                    {
                                        continue;
                                    }
                                    for (int kx = 0; kx < kw; kx++)
                                    {
                                        int ix = ox * win.StrideWidth + kx * win.DilationWidth - win.Left;
                                        if (ix < 0 || ix >= W)
                                        {
                                            continue;
                                        }
                                        double w = p[offset + ((oc * groupChannels + gc) * kh + ky) * kw + kx];
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
            case RefMaxPool2D:
            {
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            int winner = MaxPoolWinner(x, c, H, W, oy, ox, win);
                            y[(c * OH + oy) * OW + ox] = x[winner];
                        }
                    }
                }
                break;
            }
            case RefAvgPool2D avg:
            {
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double sum = 0;
                            for (int ky = 0; ky < win.KernelHeight; ky++)
                            {
                                int iy = oy * win.StrideHeight - win.Top + ky;
                                if (iy < 0 || iy >= H)
                                {
                                    continue; // a padded cell: counts as zero
                                }
                                for (int kx = 0; kx < win.KernelWidth; kx++)
                                {
                                    int ix = ox * win.StrideWidth - win.Left + kx;
                                    if (ix < 0 || ix >= W)
                                    {
                                        continue;
                                    }
                                    sum += x[(c * H + iy) * W + ix];
                                }
                            }
                            y[(c * OH + oy) * OW + ox] = sum / AvgDivisor(H, W, oy, ox, win, avg.CountIncludePadding);
                        }
                    }
                }
                break;
            }
            case RefGlobalAvgPool2D:
            {
                int plane = H * W;
                for (int c = 0; c < C; c++)
                {
                    double sum = 0;
                    for (int j = 0; j < plane; j++)
                    {
                        sum += x[c * plane + j];
                    }
                    y[c] = sum / plane;
                }
                break;
            }
            case RefGlobalMaxPool2D:
                for (int c = 0; c < C; c++)
                {
                    y[c] = x[GlobalMaxWinner(x, c, H * W)];
                }
                break;
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
            case RefReLU6:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = Relu6(x[j]);
                }
                break;
            case RefHardSigmoid:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = Relu6(x[j] + 3.0) / 6.0;
                }
                break;
            case RefHardSwish:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = x[j] * Relu6(x[j] + 3.0) / 6.0;
                }
                break;
            case RefSiLU:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = x[j] / (1.0 + Math.Exp(-x[j]));
                }
                break;
            case RefGELU gelu:
                for (int j = 0; j < y.Length; j++)
                {
                    y[j] = gelu.TanhApproximation ? GeluTanh(x[j]).Value : x[j] * RefMath.NormalCdf(x[j]);
                }
                break;
            case RefSoftmax:
                Softmax(x, y, C, H * W);
                break;
            case RefFlatten:
            case RefDropout: // evaluation mode (or P = 0): the identity
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

    /// <summary>PyTorch's avg_pool2d divisor. With count_include_pad=True: hstart = oy*S - padTop, hend =
    /// min(hstart + kh, H + padBottom), likewise for the width, and the divisor is (hend - hstart) * (wend - wstart):
    /// the window area unless a ceil-mode window hangs over the bottom or right edge of the padded input. With
    /// count_include_pad=False: the number of real cells, the window clipped to the input.</summary>
    private static double AvgDivisor(int H, int W, int oy, int ox, Window win, bool countIncludePadding)
    {
        int hstart = oy * win.StrideHeight - win.Top, wstart = ox * win.StrideWidth - win.Left;
        if (countIncludePadding)
        {
            int hend = Math.Min(hstart + win.KernelHeight, H + win.Bottom);
            int wend = Math.Min(wstart + win.KernelWidth, W + win.Right);
            return (double)(hend - hstart) * (wend - wstart);
        }
        int rows = Math.Min(hstart + win.KernelHeight, H) - Math.Max(hstart, 0);
        int columns = Math.Min(wstart + win.KernelWidth, W) - Math.Max(wstart, 0);
        return (double)rows * columns;
    }

    /// <summary>Index into x of the cell that wins window (oy, ox) of channel c, exactly as PyTorch chooses it: the
    /// running maximum starts at -infinity on the first real cell, and a cell replaces it only if it is strictly
    /// greater (or NaN), scanning the window row by row. Padded cells are skipped, so they never win.</summary>
    private static int MaxPoolWinner(double[] x, int c, int H, int W, int oy, int ox, Window win)
    {
        int winner = -1;
        double best = double.NegativeInfinity;
        for (int ky = 0; ky < win.KernelHeight; ky++)
        {
            int iy = oy * win.StrideHeight - win.Top + ky;
            if (iy < 0 || iy >= H)
            {
                continue;
            }
            for (int kx = 0; kx < win.KernelWidth; kx++)
            {
                int ix = ox * win.StrideWidth - win.Left + kx;
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

    /// <summary>Index into x of the cell that wins channel c's whole plane, as PyTorch's adaptive max pooling: the
    /// first strictly greater cell in row-major order (a NaN always replaces the running maximum).</summary>
    private static int GlobalMaxWinner(double[] x, int c, int plane)
    {
        int winner = c * plane;
        double best = double.NegativeInfinity;
        for (int j = 0; j < plane; j++)
        {
            double v = x[c * plane + j];
            if (v > best || double.IsNaN(v))
            {
                best = v;
                winner = c * plane + j;
            }
        }
        return winner;
    }

    /// <summary>Softmax over the C channels at each of the <paramref name="plane"/> pixels, after subtracting the
    /// channels' maximum.</summary>
    private static void Softmax(double[] x, double[] y, int C, int plane)
    {
        for (int j = 0; j < plane; j++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < C; c++)
            {
                max = Math.Max(max, x[c * plane + j]);
            }
            double sum = 0;
            for (int c = 0; c < C; c++)
            {
                double e = Math.Exp(x[c * plane + j] - max);
                y[c * plane + j] = e;
                sum += e;
            }
            for (int c = 0; c < C; c++)
            {
                y[c * plane + j] /= sum;
            }
        }
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>min(max(x, 0), 6), NaN propagating.</summary>
    private static double Relu6(double x) => Math.Min(Math.Max(x, 0.0), 6.0);

    /// <summary>PyTorch's tanh-approximated GELU and its derivative: with u = sqrt(2/pi) * (x + 0.044715 x^3),
    /// y = 0.5 x (1 + tanh u) and dy/dx = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2).</summary>
    private static (double Value, double Derivative) GeluTanh(double x)
    {
        const double Beta = 0.79788456080286535587989211986876; // sqrt(2 / pi)
        const double Kappa = 0.044715;
        double inner = Beta * (x + Kappa * x * x * x);
        double t = Math.Tanh(inner);
        double value = 0.5 * x * (1.0 + t);
        double derivative = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * Beta * (1.0 + 3.0 * Kappa * x * x);
        return (value, derivative);
    }

    // ---------------------------------------------------------------- backward

    /// <summary>Given dLoss/dy of layer i for one sample, adds dLoss/dParameters of the layer into pg and returns
    /// dLoss/dx (every layer but batch normalisation, and dropout only as the identity).</summary>
    private double[] LayerBackward(int i, double[] p, double[] x, double[] dy, double[] pg)
    {
        (int C, int H, int W) = _inShapes[i];
        (int OC, int OH, int OW) = _outShapes[i];
        double[] dx = new double[x.Length];
        int offset = _parameterOffsets[i];
        Window win = _windows[i];
        switch (_layers[i])
        {
            case RefConv2D conv:
            {
                // y[oc,oy,ox] = b[oc] + sum_{gc,ky,kx} w[oc,gc,ky,kx] * x[g*C/G + gc, oy*Sh + ky*Dh - top, ox*Sw + kx*Dw - left]
                int kh = win.KernelHeight, kw = win.KernelWidth;
                int groupChannels = C / conv.Groups, groupFilters = OC / conv.Groups;
                int biasOffset = offset + OC * groupChannels * kh * kw;
                for (int oc = 0; oc < OC; oc++)
                {
                    int firstChannel = oc / groupFilters * groupChannels;
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double g = dy[(oc * OH + oy) * OW + ox];
                            if (conv.Bias)
                            {
                                pg[biasOffset + oc] += g;
                            }
                            for (int gc = 0; gc < groupChannels; gc++)
                            {
                                int ic = firstChannel + gc;
                                for (int ky = 0; ky < kh; ky++)
                                {
                                    int iy = oy * win.StrideHeight + ky * win.DilationHeight - win.Top;
                                    if (iy < 0 || iy >= H)
                                    {
                                        continue;
                                    }
                                    for (int kx = 0; kx < kw; kx++)
                                    {
                                        int ix = ox * win.StrideWidth + kx * win.DilationWidth - win.Left;
                                        if (ix < 0 || ix >= W)
                                        {
                                            continue;
                                        }
                                        int wi = offset + ((oc * groupChannels + gc) * kh + ky) * kw + kx;
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
            case RefMaxPool2D:
            {
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            int winner = MaxPoolWinner(x, c, H, W, oy, ox, win);
                            dx[winner] += dy[(c * OH + oy) * OW + ox]; // only the winner; windows may overlap
                        }
                    }
                }
                break;
            }
            case RefAvgPool2D avg:
            {
                for (int c = 0; c < C; c++)
                {
                    for (int oy = 0; oy < OH; oy++)
                    {
                        for (int ox = 0; ox < OW; ox++)
                        {
                            double g = dy[(c * OH + oy) * OW + ox]
                                       / AvgDivisor(H, W, oy, ox, win, avg.CountIncludePadding);
                            for (int ky = 0; ky < win.KernelHeight; ky++)
                            {
                                int iy = oy * win.StrideHeight - win.Top + ky;
                                if (iy < 0 || iy >= H)
                                {
                                    continue;
                                }
                                for (int kx = 0; kx < win.KernelWidth; kx++)
                                {
                                    int ix = ox * win.StrideWidth - win.Left + kx;
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
            case RefGlobalAvgPool2D:
            {
                int plane = H * W;
                for (int c = 0; c < C; c++)
                {
                    for (int j = 0; j < plane; j++)
                    {
                        dx[c * plane + j] = dy[c] / plane;
                    }
                }
                break;
            }
            case RefGlobalMaxPool2D:
                for (int c = 0; c < C; c++)
                {
                    dx[GlobalMaxWinner(x, c, H * W)] = dy[c];
                }
                break;
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
            case RefReLU6:
                for (int j = 0; j < dx.Length; j++)
                {
                    dx[j] = x[j] <= 0 || x[j] >= 6 ? 0.0 : dy[j]; // PyTorch's hardtanh_backward
                }
                break;
            case RefHardSigmoid:
                for (int j = 0; j < dx.Length; j++)
                {
                    dx[j] = x[j] > -3 && x[j] < 3 ? dy[j] / 6.0 : 0.0;
                }
                break;
            case RefHardSwish:
                for (int j = 0; j < dx.Length; j++)
                {
                    // PyTorch's hardswish_backward: x < -3: 0; x <= 3: x / 3 + 1/2 (= (2x + 3) / 6); else 1.
                    dx[j] = x[j] < -3 ? 0.0 : x[j] <= 3 ? dy[j] * (x[j] / 3.0 + 0.5) : dy[j];
                }
                break;
            case RefSiLU:
                for (int j = 0; j < dx.Length; j++)
                {
                    double sig = Sigmoid(x[j]);
                    dx[j] = dy[j] * sig * (1.0 + x[j] * (1.0 - sig));
                }
                break;
            case RefGELU gelu:
                for (int j = 0; j < dx.Length; j++)
                {
                    double derivative = gelu.TanhApproximation
                        ? GeluTanh(x[j]).Derivative
                        : RefMath.NormalCdf(x[j]) + x[j] * RefMath.NormalPdf(x[j]);
                    dx[j] = dy[j] * derivative;
                }
                break;
            case RefSoftmax:
            {
                int plane = H * W;
                double[] y = new double[x.Length];
                Softmax(x, y, C, plane);
                for (int j = 0; j < plane; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < C; c++)
                    {
                        dot += dy[c * plane + j] * y[c * plane + j];
                    }
                    for (int c = 0; c < C; c++)
                    {
                        dx[c * plane + j] = y[c * plane + j] * (dy[c * plane + j] - dot);
                    }
                }
                break;
            }
            case RefFlatten:
            case RefDropout: // evaluation mode (or P = 0): the identity
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

    /// <summary>The resolved geometry of a convolution or pooling window: kernel, stride and dilation per dimension
    /// and the padding on each side.</summary>
    private readonly record struct Window(
        int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth,
        int Top, int Bottom, int Left, int Right);

    private static Window ConvWindow(RefConv2D conv, string what)
    {
        int kh = Dimension(conv.KernelHeight, "KernelHeight", conv.KernelSize, "KernelSize", what);
        int kw = Dimension(conv.KernelWidth, "KernelWidth", conv.KernelSize, "KernelSize", what);
        int sh = Dimension(conv.StrideHeight, "StrideHeight", conv.Stride, "Stride", what);
        int sw = Dimension(conv.StrideWidth, "StrideWidth", conv.Stride, "Stride", what);
        Require(conv.Padding >= 0, what, "Padding must not be negative.");
        Require(conv.DilationHeight >= 1, what, "DilationHeight must be at least 1.");
        Require(conv.DilationWidth >= 1, what, "DilationWidth must be at least 1.");
        if (conv.Same)
        {
            return new Window(kh, kw, sh, sw, conv.DilationHeight, conv.DilationWidth, 0, 0, 0, 0);
        }
        return new Window(kh, kw, sh, sw, conv.DilationHeight, conv.DilationWidth,
            Pad(conv.PadTop, "PadTop", conv.Padding, what), Pad(conv.PadBottom, "PadBottom", conv.Padding, what),
            Pad(conv.PadLeft, "PadLeft", conv.Padding, what), Pad(conv.PadRight, "PadRight", conv.Padding, what));
    }

    private static Window PoolWindow(
        int size, int stride, int padding, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int? padTop, int? padBottom, int? padLeft, int? padRight, bool same, string what)
    {
        int kh = Dimension(kernelHeight, "KernelHeight", size, "Size", what);
        int kw = Dimension(kernelWidth, "KernelWidth", size, "Size", what);
        Require(stride >= 0, what, "Stride must not be negative (0 means a stride equal to Size).");
        Require(strideHeight >= 0, what, "StrideHeight must not be negative (0 means Stride).");
        Require(strideWidth >= 0, what, "StrideWidth must not be negative (0 means Stride).");
        int sh = strideHeight != 0 ? strideHeight : stride != 0 ? stride : kh;
        int sw = strideWidth != 0 ? strideWidth : stride != 0 ? stride : kw;
        Require(padding >= 0, what, "Padding must not be negative.");
        if (same)
        {
            return new Window(kh, kw, sh, sw, 1, 1, 0, 0, 0, 0);
        }
        // PyTorch's rule, pad <= kernel / 2, which also guarantees every window a real cell.
        string heightName = kernelHeight == 0 ? "Size" : "KernelHeight";
        string widthName = kernelWidth == 0 ? "Size" : "KernelWidth";
        return new Window(kh, kw, sh, sw, 1, 1,
            PoolPad(padTop, "PadTop", padding, kh, heightName, what),
            PoolPad(padBottom, "PadBottom", padding, kh, heightName, what),
            PoolPad(padLeft, "PadLeft", padding, kw, widthName, what),
            PoolPad(padRight, "PadRight", padding, kw, widthName, what));
    }

    /// <summary>A kernel or stride that 0 defers to <paramref name="fallback"/>; the result must be at least 1.</summary>
    private static int Dimension(int value, string name, int fallback, string fallbackName, string what)
    {
        Require(value >= 0, what, $"{name} must not be negative (0 means {fallbackName}).");
        if (value != 0)
        {
            return value;
        }
        Require(fallback >= 1, what, $"{fallbackName} must be at least 1.");
        return fallback;
    }

    private static int Pad(int? explicitPad, string name, int padding, string what)
    {
        if (explicitPad is int pad)
        {
            Require(pad >= 0, what, $"{name} must not be negative.");
            return pad;
        }
        return padding;
    }

    private static int PoolPad(int? explicitPad, string name, int padding, int kernel, string kernelName, string what)
    {
        int pad = Pad(explicitPad, name, padding, what);
        Require(pad <= kernel / 2, what,
            $"{(explicitPad is null ? "Padding" : name)} {pad} is more than {kernelName} / 2 = {kernel / 2}.");
        return pad;
    }

    /// <summary>The output size of a window in both dimensions and, for 'same' padding, the window with its
    /// padding.</summary>
    private static (Window, int, int) Place(
        Window window, (int C, int H, int W) shape, bool same, RefRounding rounding, string what)
    {
        long effectiveHeight = (long)(window.KernelHeight - 1) * window.DilationHeight + 1;
        long effectiveWidth = (long)(window.KernelWidth - 1) * window.DilationWidth + 1;
        if (same)
        {
            (int top, int bottom, int outHeight) = SamePadding(shape.H, effectiveHeight, window.StrideHeight, what);
            (int left, int right, int outWidth) = SamePadding(shape.W, effectiveWidth, window.StrideWidth, what);
            return (window with { Top = top, Bottom = bottom, Left = left, Right = right }, outHeight, outWidth);
        }
        return (window,
                OutputSize(shape.H, effectiveHeight, window.StrideHeight, window.Top, window.Bottom, rounding, what, "height"),
                OutputSize(shape.W, effectiveWidth, window.StrideWidth, window.Left, window.Right, rounding, what, "width"));
    }

    /// <summary>TensorFlow's 'same' padding of one dimension: out = ceil(N / S), total padding
    /// max((out - 1) * S + effective kernel - N, 0), total / 2 before and the rest after.</summary>
    private static (int Before, int After, int Out) SamePadding(int n, long effectiveKernel, int s, string what)
    {
        long outSize = ((long)n + s - 1) / s;
        long total = Math.Max((outSize - 1) * s + effectiveKernel - n, 0);
        if (total > int.MaxValue)
        {
            throw new ArgumentException($"{what}: the 'same' padding {total} is too large.");
        }
        long before = total / 2;
        return ((int)before, (int)(total - before), (int)outSize);
    }

    private static int OutputSize(
        int n, long f, int s, int before, int after, RefRounding rounding, string what, string dimension)
    {
        long span = (long)n + before + after - f;
        string padded = before == after ? $"{n} + 2*{before}" : $"{n} + {before} + {after}";
        if (span < 0)
        {
            throw new ArgumentException($"{what}: the window {f} is larger than the padded {dimension} {padded}.");
        }
        if (span % s != 0 && rounding == RefRounding.Exact)
        {
            throw new ArgumentException(
                $"{what}: the {dimension} does not divide exactly: ({padded} - {f}) / {s} leaves remainder {span % s}.");
        }
        long outSize = span / s + 1;
        if (rounding == RefRounding.Ceil && span % s != 0)
        {
            // PyTorch's pooling_output_shape: round up, but the last window must start inside the input or the
            // padding before it.
            outSize = (span + s - 1) / s + 1;
            if ((outSize - 1) * s >= (long)n + before)
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

using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Reference;
using Xunit;

namespace StaticCnn.Tests.Reference;

/// <summary>
/// Residual blocks (<see cref="RefResidual"/>) and concatenations (<see cref="RefConcat"/>) in the reference: their
/// outputs against the same computation done by hand with plain sequential reference networks on the matching slices
/// of the parameters and buffers, their parameter and buffer layout (PyTorch's state_dict order), the flat layer
/// numbering the dropout mask sees, central finite differences through them (single samples, and batches in training
/// mode, where batch normalisation inside a block couples the samples) and their shape errors.
/// </summary>
public sealed class ReferenceGraphTests
{
    // Central differences with h = 1e-6 in double: truncation ~ h^2 |f'''| and rounding ~ eps |L| / h ~ 1e-10 |L|,
    // so 1e-6 relative (to max(1, |g|)) leaves a wide margin, as in ReferenceModernLayersTests.
    private const double FiniteDifferenceTolerance = 1e-6;

    // ================================================================ forward against hand-made compositions

    [Fact]
    public void Residual_with_identity_shortcut_is_body_plus_input()
    {
        RefLayer[] body = [new RefConv2D(2, 3, Padding: 1), new RefTanh(), new RefConv2D(2, 3, Padding: 1)];
        var net = new ReferenceNetwork(2, 5, 5, new RefResidual(body));
        var bodyNet = new ReferenceNetwork(2, 5, 5, body);
        var random = new Random(1);
        double[] p = Uniform(random, net.ParameterCount, 0.5);
        double[] x = Uniform(random, net.InputLength, 1.0);

        Assert.Equal(bodyNet.ParameterCount, net.ParameterCount);
        Assert.Equal([(2, 5, 5)], net.OutputShapes);
        Assert.Equal(Add(bodyNet.Forward(p, x), x), net.Forward(p, x));
    }

    [Fact]
    public void Residual_with_projection_is_body_plus_shortcut_with_the_body_first()
    {
        // 3x7x7 -> conv 1x1 -> 2x7x7 -> residual: body 4x4x4 (stride 2), shortcut 4x4x4 (1x1 stride 2) -> head.
        RefLayer[] head = [new RefConv2D(2, 1)];
        RefLayer[] body =
        [
            new RefConv2D(4, 3, Stride: 2, Padding: 1), new RefBatchNorm(), new RefSiLU(),
            new RefConv2D(4, 3, Padding: 1),
        ];
        RefLayer[] shortcut = [new RefConv2D(4, 1, Stride: 2) { Bias = false }, new RefBatchNorm(1e-3, 0.2)];
        RefLayer[] tail = [new RefGlobalAvgPool2D(), new RefFlatten(), new RefDense(3)];
        var net = new ReferenceNetwork(3, 7, 7, [.. head, new RefResidual(body, shortcut), .. tail]);
        var headNet = new ReferenceNetwork(3, 7, 7, head);
        var bodyNet = new ReferenceNetwork(2, 7, 7, body);
        var shortcutNet = new ReferenceNetwork(2, 7, 7, shortcut);
        var tailNet = new ReferenceNetwork(4, 4, 4, tail);
        var random = new Random(2);
        double[] p = Uniform(random, net.ParameterCount, 0.5);
        double[] x = Uniform(random, net.InputLength, 1.0);
        // Evaluation mode with running statistics away from the defaults, laid out body first, then shortcut.
        bodyNet.Buffers = RandomBuffers(bodyNet, random);
        shortcutNet.Buffers = RandomBuffers(shortcutNet, random);
        net.Buffers = [.. bodyNet.Buffers, .. shortcutNet.Buffers];

        int h = headNet.ParameterCount, b = bodyNet.ParameterCount, s = shortcutNet.ParameterCount;
        Assert.Equal(h + b + s + tailNet.ParameterCount, net.ParameterCount);
        Assert.Equal([0, h, h + b + s, h + b + s, h + b + s], net.ParameterOffsets);
        Assert.Equal([h, b + s, 0, 0, tailNet.ParameterCount], net.ParameterCounts);
        Assert.Equal([0, 0, 18, 18, 18], net.BufferOffsets);
        Assert.Equal([0, 18, 0, 0, 0], net.BufferCounts);
        Assert.Equal([(2, 7, 7), (4, 4, 4), (4, 1, 1), (4, 1, 1), (3, 1, 1)], net.OutputShapes);

        double[] a = headNet.Forward(p.AsSpan(0, h), x);
        double[] block = Add(bodyNet.Forward(p.AsSpan(h, b), a), shortcutNet.Forward(p.AsSpan(h + b, s), a));
        double[] expected = tailNet.Forward(p.AsSpan(h + b + s), block);
        Assert.Equal(expected, net.Forward(p, x));
        Assert.Equal(block, net.GetActivation(1)); // a block's activation is its output
        Assert.Equal(a, net.GetActivation(0));

        // The batch pass in evaluation mode gives every sample the single-sample result.
        double[] x2 = Uniform(random, net.InputLength, 1.0);
        double[][] batch = net.ForwardBatch(p, net.Buffers, [x, x2], training: false);
        Assert.Equal(expected, batch[0]);
        Assert.Equal(net.Forward(p, x2), batch[1]);
    }

    [Fact]
    public void Concat_is_the_input_then_the_branches_over_channels()
    {
        // 3x4x4: input (3 channels), conv (2), max pool + conv 1x1 (5), empty branch = identity (3): 13 channels.
        RefLayer[] first = [new RefConv2D(2, 3, Padding: 1), new RefTanh()];
        RefLayer[] second = [new RefMaxPool2D(3, 1, 1), new RefConv2D(5, 1)];
        var net = new ReferenceNetwork(3, 4, 4, new RefConcat([first, second, []], IncludeInput: true));
        var firstNet = new ReferenceNetwork(3, 4, 4, first);
        var secondNet = new ReferenceNetwork(3, 4, 4, second);
        var random = new Random(3);
        double[] p = Uniform(random, net.ParameterCount, 0.5);
        double[] x = Uniform(random, net.InputLength, 1.0);

        int f = firstNet.ParameterCount;
        Assert.Equal(f + secondNet.ParameterCount, net.ParameterCount);
        Assert.Equal([(13, 4, 4)], net.OutputShapes);
        double[] expected =
        [
            .. x, .. firstNet.Forward(p.AsSpan(0, f), x), .. secondNet.Forward(p.AsSpan(f), x), .. x,
        ];
        Assert.Equal(expected, net.Forward(p, x));

        // Without the input: only the branches, in order.
        var branchesOnly = new ReferenceNetwork(3, 4, 4, new RefConcat([second, first]));
        Assert.Equal([(7, 4, 4)], branchesOnly.OutputShapes);
        double[] swapped = [.. p.AsSpan(f), .. p.AsSpan(0, f)];
        Assert.Equal(
            [.. secondNet.Forward(p.AsSpan(f), x), .. firstNet.Forward(p.AsSpan(0, f), x)],
            branchesOnly.Forward(swapped, x));
    }

    [Fact]
    public void Nested_blocks_equal_the_hand_made_composition()
    {
        // 3x6x6 -> conv (4 channels) -> residual whose body is a concatenation of [conv 1x1 to 2] and
        // [residual(conv, tanh), conv to 2], then ReLU (4 channels again) -> global pool, flatten, dense.
        RefLayer[] head = [new RefConv2D(4, 3, Padding: 1)];
        RefLayer[] branch0 = [new RefConv2D(2, 1)];
        RefLayer[] innerBody = [new RefConv2D(4, 3, Padding: 1), new RefTanh()];
        RefLayer[] branch1Tail = [new RefConv2D(2, 3, Padding: 1)];
        RefLayer[] tail = [new RefGlobalAvgPool2D(), new RefFlatten(), new RefDense(3)];
        var net = new ReferenceNetwork(3, 6, 6,
        [
            .. head,
            new RefResidual(
            [
                new RefConcat([branch0, [new RefResidual(innerBody), .. branch1Tail]]),
                new RefReLU(),
            ]),
            .. tail,
        ]);
        var headNet = new ReferenceNetwork(3, 6, 6, head);
        var branch0Net = new ReferenceNetwork(4, 6, 6, branch0);
        var innerBodyNet = new ReferenceNetwork(4, 6, 6, innerBody);
        var branch1TailNet = new ReferenceNetwork(4, 6, 6, branch1Tail);
        var reluNet = new ReferenceNetwork(4, 6, 6, new RefReLU());
        var tailNet = new ReferenceNetwork(4, 6, 6, tail);
        var random = new Random(4);
        double[] p = Uniform(random, net.ParameterCount, 0.5);
        double[] x = Uniform(random, net.InputLength, 1.0);

        // Parameters in state_dict order: head, branch 0, inner body, branch 1's conv, tail.
        int at = 0;
        ReadOnlySpan<double> Next(ReferenceNetwork plain)
        {
            ReadOnlySpan<double> slice = p.AsSpan(at, plain.ParameterCount);
            at += plain.ParameterCount;
            return slice;
        }
        double[] a = headNet.Forward(Next(headNet), x);
        double[] b0 = branch0Net.Forward(Next(branch0Net), a);
        double[] inner = Add(innerBodyNet.Forward(Next(innerBodyNet), a), a);
        double[] b1 = branch1TailNet.Forward(Next(branch1TailNet), inner);
        double[] block = Add(reluNet.Forward([], [.. b0, .. b1]), a);
        double[] expected = tailNet.Forward(Next(tailNet), block);
        Assert.Equal(net.ParameterCount, at);

        Assert.Equal(expected, net.Forward(p, x));
        Assert.Equal(block, net.GetActivation(1));
        Assert.Equal([(4, 6, 6), (4, 6, 6), (4, 1, 1), (4, 1, 1), (3, 1, 1)], net.OutputShapes);
    }

    // ================================================================ layout

    [Fact]
    public void Counts_offsets_and_default_buffers_cover_nested_layers_in_state_dict_order()
    {
        var net = new ReferenceNetwork(2, 6, 6,
            new RefConv2D(4, 3, Padding: 1), // 4*2*9 + 4 = 76 parameters
            new RefBatchNorm(), // 8 parameters, 9 buffers
            new RefResidual(
                [new RefConv2D(4, 3, Padding: 1), new RefBatchNorm(), new RefReLU()], // 4*4*9 + 4 + 8 = 156; 9
                [new RefConv2D(4, 1) { Bias = false }, new RefBatchNorm()]), // 16 + 8 = 24; 9
            new RefConcat(
                [
                    [new RefConv2D(3, 1)], // 4*3 + 3 = 15
                    [new RefBatchNorm(), new RefConv2D(2, 1)], // 8 + 4*2 + 2 = 18; 9
                    [], // identity
                ],
                IncludeInput: true), // 4 + 3 + 2 + 4 = 13 channels
            new RefBatchNorm()); // 26 parameters, 27 buffers
        Assert.Equal([76, 8, 156 + 24, 15 + 18, 26], net.ParameterCounts);
        Assert.Equal([0, 76, 84, 264, 297], net.ParameterOffsets);
        Assert.Equal(323, net.ParameterCount);
        Assert.Equal([0, 9, 18, 9, 27], net.BufferCounts);
        Assert.Equal([0, 0, 9, 27, 36], net.BufferOffsets);
        Assert.Equal(63, net.BufferCount);
        Assert.Equal([(4, 6, 6), (4, 6, 6), (4, 6, 6), (13, 6, 6), (13, 6, 6)], net.OutputShapes);
        Assert.Equal(13 * 36, net.OutputLength);
        // conv, norm, residual (3 body + 2 shortcut + add), concat (1 + 2 + 0 + cat), norm.
        Assert.Equal(1 + 1 + 6 + 4 + 1, net.FlatLayerCount);

        // running_mean 0, running_var 1, num_batches_tracked 0 for each of the five batch normalisations in order.
        static double[] Norm(int channels) => [.. new double[channels], .. Enumerable.Repeat(1.0, channels), 0];
        Assert.Equal([.. Norm(4), .. Norm(4), .. Norm(4), .. Norm(4), .. Norm(13)], net.CreateDefaultBuffers());
        Assert.Equal(net.CreateDefaultBuffers(), net.Buffers);
    }

    [Fact]
    public void Sequential_networks_number_their_layers_as_before()
    {
        var net = new ReferenceNetwork(1, 4, 4, new RefConv2D(2, 3), new RefDropout(0.5), new RefFlatten());
        Assert.Equal(3, net.FlatLayerCount);
        Assert.Equal(0, new ReferenceNetwork(1, 1, 1).FlatLayerCount);
    }

    [Fact]
    public void Training_mode_updates_nested_running_statistics_in_the_outer_buffers()
    {
        RefLayer[] head = [new RefConv2D(3, 1), new RefBatchNorm(1e-5, 0.5)];
        RefLayer[] body = [new RefConv2D(3, 3, Padding: 1), new RefBatchNorm(1e-3, 0.3), new RefTanh()];
        RefLayer[] shortcut = [new RefBatchNorm(1e-5, 0.2)];
        RefLayer[] branch = [new RefConv2D(2, 1), new RefBatchNorm()];
        var net = new ReferenceNetwork(2, 3, 3,
            [.. head, new RefResidual(body, shortcut), new RefConcat([branch], IncludeInput: true)]);
        var headNet = new ReferenceNetwork(2, 3, 3, head);
        var bodyNet = new ReferenceNetwork(3, 3, 3, body);
        var shortcutNet = new ReferenceNetwork(3, 3, 3, shortcut);
        var branchNet = new ReferenceNetwork(3, 3, 3, branch);
        var random = new Random(6);
        double[] p = Uniform(random, net.ParameterCount, 0.5);
        double[][] x = [.. Enumerable.Range(0, 3).Select(_ => Uniform(random, net.InputLength, 1.0))];
        double[] headBuffers = RandomBuffers(headNet, random);
        double[] bodyBuffers = RandomBuffers(bodyNet, random);
        double[] shortcutBuffers = RandomBuffers(shortcutNet, random);
        double[] branchBuffers = RandomBuffers(branchNet, random);
        double[] buffers = [.. headBuffers, .. bodyBuffers, .. shortcutBuffers, .. branchBuffers];
        Assert.Equal(buffers.Length, net.BufferCount);

        double[][] y = net.ForwardBatch(p, buffers, x, training: true);

        int at = 0;
        ReadOnlySpan<double> Next(ReferenceNetwork plain)
        {
            ReadOnlySpan<double> slice = p.AsSpan(at, plain.ParameterCount);
            at += plain.ParameterCount;
            return slice;
        }
        double[][] a = headNet.ForwardBatch(Next(headNet), headBuffers, x, training: true);
        double[][] bodyOut = bodyNet.ForwardBatch(Next(bodyNet), bodyBuffers, a, training: true);
        double[][] shortcutOut = shortcutNet.ForwardBatch(Next(shortcutNet), shortcutBuffers, a, training: true);
        double[][] r = [.. bodyOut.Zip(shortcutOut, Add)];
        double[][] branchOut = branchNet.ForwardBatch(Next(branchNet), branchBuffers, r, training: true);
        for (int s = 0; s < x.Length; s++)
        {
            Assert.Equal([.. r[s], .. branchOut[s]], y[s]);
        }
        Assert.Equal([.. headBuffers, .. bodyBuffers, .. shortcutBuffers, .. branchBuffers], buffers);
        Assert.Equal(3 + 1, buffers[^1]); // num_batches_tracked of the branch's norm, counted once
    }

    // ================================================================ dropout numbering

    [Fact]
    public void Dropout_mask_sees_flat_layer_indices()
    {
        // Flat order: dropout 0; residual body conv 1, dropout 2, shortcut dropout 3, add 4; concat branch 0 dropout 5,
        // branch 1 conv 6, cat 7; dropout 8.
        RefLayer[] body = [new RefConv2D(2, 1), new RefDropout(0.5)];
        RefLayer[] shortcut = [new RefDropout(0.25)];
        RefLayer[] branch0 = [new RefDropout(0.5)];
        RefLayer[] branch1 = [new RefConv2D(1, 1)];
        var net = new ReferenceNetwork(2, 2, 2,
            new RefDropout(0.5), new RefResidual(body, shortcut), new RefConcat([branch0, branch1], IncludeInput: true),
            new RefDropout(0.2));
        Assert.Equal(9, net.FlatLayerCount);
        var calls = new HashSet<int>();
        bool Mask(int layer, int sample, int element)
        {
            calls.Add(layer);
            return ((layer * 31 + sample) * 17 + element * 5) % 7 < 4;
        }

        var random = new Random(7);
        double[] p = Uniform(random, net.ParameterCount, 0.5);
        double[][] x = [Uniform(random, 8, 1.0), Uniform(random, 8, 1.0)];
        double[][] y = net.ForwardBatch(p, [], x, training: true, Mask);
        Assert.Equal([0, 2, 3, 5, 8], calls.Order());

        // The same by hand: each plain network's dropout asks the mask with its flat index.
        static Func<int, int, int, bool> Shifted(Func<int, int, int, bool> mask, int offset) =>
            (layer, sample, element) => mask(offset + layer, sample, element);
        var first = new ReferenceNetwork(2, 2, 2, new RefDropout(0.5));
        var bodyNet = new ReferenceNetwork(2, 2, 2, body);
        var shortcutNet = new ReferenceNetwork(2, 2, 2, shortcut);
        var branch0Net = new ReferenceNetwork(2, 2, 2, branch0);
        var branch1Net = new ReferenceNetwork(2, 2, 2, branch1);
        var last = new ReferenceNetwork(5, 2, 2, new RefDropout(0.2));
        int b = bodyNet.ParameterCount;
        double[][] a = first.ForwardBatch([], [], x, training: true, Mask);
        double[][] bodyOut = bodyNet.ForwardBatch(p.AsSpan(0, b), [], a, training: true, Shifted(Mask, 1));
        double[][] shortcutOut = shortcutNet.ForwardBatch([], [], a, training: true, Shifted(Mask, 3));
        double[][] r = [.. bodyOut.Zip(shortcutOut, Add)];
        double[][] c0 = branch0Net.ForwardBatch([], [], r, training: true, Shifted(Mask, 5));
        double[][] c1 = branch1Net.ForwardBatch(p.AsSpan(b), [], r, training: true, Shifted(Mask, 6));
        double[][] cat = [.. Enumerable.Range(0, 2).Select(s => r[s].Concat(c0[s]).Concat(c1[s]).ToArray())];
        double[][] expected = last.ForwardBatch([], [], cat, training: true, Shifted(Mask, 8));
        Assert.Equal(expected[0], y[0]);
        Assert.Equal(expected[1], y[1]);

        // A dropout only inside a block still needs a mask in training mode.
        var nested = new ReferenceNetwork(2, 2, 2, new RefResidual([new RefDropout(0.5)]));
        ArgumentException e = Assert.Throws<ArgumentException>(() => nested.ForwardBatch([], [], x, training: true));
        Assert.Equal("dropoutMask", e.ParamName);
    }

    // ================================================================ finite differences

    private static readonly Dictionary<string, Func<ReferenceNetwork>> SingleCases = new()
    {
        ["residual, identity shortcut"] = () => new ReferenceNetwork(2, 5, 5,
            new RefConv2D(3, 3, Padding: 1),
            new RefResidual([new RefConv2D(3, 3, Padding: 1), new RefTanh(), new RefConv2D(3, 3, Padding: 1)]),
            new RefSigmoid(), new RefDense(3)),
        ["residual, projection shortcut"] = () => new ReferenceNetwork(2, 7, 7,
            new RefResidual(
                [new RefConv2D(4, 3, Stride: 2, Padding: 1), new RefSiLU(), new RefConv2D(4, 3, Padding: 1)],
                [new RefConv2D(4, 1, Stride: 2)]),
            new RefGlobalAvgPool2D(), new RefFlatten(), new RefDense(2)),
        ["residual on flat data"] = () => new ReferenceNetwork(2, 3, 3,
            new RefFlatten(), new RefDense(6), new RefResidual([new RefDense(6), new RefTanh(), new RefDense(6)]),
            new RefDense(2)),
        ["concat including the input"] = () => new ReferenceNetwork(2, 5, 5,
            new RefConcat(
                [[new RefConv2D(3, 3, Padding: 1), new RefTanh()], [new RefAvgPool2D(3, 1, 1), new RefConv2D(2, 1)]],
                IncludeInput: true),
            new RefConv2D(3, 1), new RefDense(2)),
        ["nested blocks"] = () => new ReferenceNetwork(3, 4, 4,
            new RefConv2D(4, 3, Padding: 1),
            new RefResidual(
            [
                new RefConcat(
                [
                    [new RefConv2D(2, 1)],
                    [
                        new RefResidual([new RefConv2D(4, 3, Padding: 1), new RefTanh()]),
                        new RefConv2D(2, 3, Padding: 1),
                    ],
                ]),
                new RefSiLU(),
            ]),
            new RefBatchNorm(), new RefGlobalAvgPool2D(), new RefFlatten(), new RefDense(3)),
    };

    public static TheoryData<string> SingleCaseNames => new(SingleCases.Keys);

    [Theory]
    [MemberData(nameof(SingleCaseNames))]
    public void Backward_matches_finite_differences(string name)
    {
        ReferenceNetwork net = SingleCases[name]();
        var random = new Random(StableSeed(name));
        double[] parameters = Uniform(random, net.ParameterCount, 0.5);
        double[] input = Uniform(random, net.InputLength, 1.0);
        double[] outputGradient = Uniform(random, net.OutputLength, 1.0);

        net.Forward(parameters, input);
        ReferenceGradients analytic = net.Backward(outputGradient);
        double[] numericInput = FiniteDifferences.InputGradient(net, parameters, input, outputGradient);
        double[] numericParameters = FiniteDifferences.ParameterGradient(net, parameters, input, outputGradient);

        AssertNumeric(numericInput, analytic.Input, "input");
        AssertNumeric(numericParameters, analytic.Parameters, "parameters");
        Assert.Contains(analytic.Input, g => Math.Abs(g) > 1e-3);
        Assert.Contains(analytic.Parameters, g => Math.Abs(g) > 1e-3);
    }

    private static readonly Dictionary<string, (Func<ReferenceNetwork> Create, bool Training)> BatchCases = new()
    {
        ["batch norm in a residual body and shortcut, training"] = (() => new ReferenceNetwork(2, 4, 4,
            new RefConv2D(3, 3, Padding: 1),
            new RefResidual(
                [new RefConv2D(3, 3, Padding: 1), new RefBatchNorm(), new RefTanh(), new RefConv2D(3, 1)],
                [new RefConv2D(3, 1), new RefBatchNorm(1e-3, 0.3)]),
            new RefFlatten(), new RefDense(2)), true),
        ["batch norm and dropout in a concat with a nested residual, training"] = (() => new ReferenceNetwork(2, 4, 4,
            new RefConcat(
                [
                    [new RefBatchNorm(), new RefConv2D(2, 1)],
                    [
                        new RefConv2D(3, 3, Padding: 1),
                        new RefResidual(
                        [
                            new RefBatchNorm(1e-2, 1), new RefSiLU(), new RefDropout(0.3),
                            new RefConv2D(3, 3, Padding: 1),
                        ]),
                        new RefTanh(),
                    ],
                ],
                IncludeInput: true),
            new RefBatchNorm(), new RefGlobalAvgPool2D(), new RefFlatten(), new RefDense(3)), true),
        ["batch norm in a residual body, evaluation"] = (() => new ReferenceNetwork(2, 3, 3,
            new RefResidual([new RefConv2D(2, 3, Padding: 1), new RefBatchNorm(), new RefTanh()]),
            new RefDense(2)), false),
    };

    public static TheoryData<string> BatchCaseNames => new(BatchCases.Keys);

    [Theory]
    [MemberData(nameof(BatchCaseNames))]
    public void BackwardBatch_matches_finite_differences(string name)
    {
        (Func<ReferenceNetwork> create, bool training) = BatchCases[name];
        ReferenceNetwork net = create();
        var random = new Random(StableSeed(name));
        double[] parameters = Uniform(random, net.ParameterCount, 0.5);
        double[][] inputs = [.. Enumerable.Range(0, 3).Select(_ => Uniform(random, net.InputLength, 1.0))];
        double[][] outputGradients = [.. Enumerable.Range(0, 3).Select(_ => Uniform(random, net.OutputLength, 1.0))];
        // Running statistics away from the defaults: two training passes on other data.
        double[] buffers = net.CreateDefaultBuffers();
        for (int pass = 0; pass < 2; pass++)
        {
            double[][] other = [.. Enumerable.Range(0, 3).Select(_ => Uniform(random, net.InputLength, 1.0))];
            net.ForwardBatch(parameters, buffers, other, training: true, Mask);
        }
        static bool Mask(int layer, int sample, int element) => ((layer * 31 + sample) * 17 + element * 5) % 7 < 5;

        double[] trained = (double[])buffers.Clone();
        net.ForwardBatch(parameters, trained, inputs, training, Mask);
        ReferenceBatchGradients analytic = net.BackwardBatch(outputGradients);
        double[] numericParameters = FiniteDifferences.BatchParameterGradient(
            net, parameters, buffers, inputs, outputGradients, training, Mask);
        double[][] numericInputs = FiniteDifferences.BatchInputGradients(
            net, parameters, buffers, inputs, outputGradients, training, Mask);

        AssertNumeric(numericParameters, analytic.Parameters, "parameters");
        for (int s = 0; s < inputs.Length; s++)
        {
            AssertNumeric(numericInputs[s], analytic.Inputs[s], $"input of sample {s}");
            Assert.Contains(analytic.Inputs[s], g => Math.Abs(g) > 1e-3);
        }
        Assert.Contains(analytic.Parameters, g => Math.Abs(g) > 1e-3);
        Assert.Equal(training, !trained.SequenceEqual(buffers)); // only training moves the running statistics
    }

    [Fact]
    public void Batch_norm_inside_a_block_couples_the_samples_in_training_mode()
    {
        var net = new ReferenceNetwork(2, 2, 2, new RefResidual([new RefBatchNorm()]));
        double[] p = [1.5, -0.5, 0.1, 0.2];
        double[] x0 = [1, 2, 3, 4, -1, 0, 1, 5];
        double[][] a = net.ForwardBatch(p, net.CreateDefaultBuffers(), [x0, [0, 0, 0, 1, 2, 2, 2, 2]], training: true);
        double[][] b = net.ForwardBatch(p, net.CreateDefaultBuffers(), [x0, [9, 9, 9, 1, 2, 2, 2, 7]], training: true);
        Assert.NotEqual(a[0], b[0]);
        double[][] c = net.ForwardBatch(p, net.CreateDefaultBuffers(), [x0, [0, 0, 0, 1, 2, 2, 2, 2]], training: false);
        double[][] d = net.ForwardBatch(p, net.CreateDefaultBuffers(), [x0, [9, 9, 9, 1, 2, 2, 2, 7]], training: false);
        Assert.Equal(c[0], d[0]);
    }

    // ================================================================ errors

    public static TheoryData<string, string[]> ShapeErrorNames => new()
    {
        { "identity shortcut, body changes the channels", ["Layer 0 (RefResidual", "3x4x4", "2x4x4"] },
        { "projection shortcut of another size", ["Layer 0 (RefResidual", "4x4x4", "4x7x7"] },
        { "flat body, spatial identity", ["Layer 0 (RefResidual", "4 (flat)", "4x1x1"] },
        { "concat branches of different sizes", ["Layer 0 (RefConcat", "2x3x3", "2x5x5"] },
        { "concat input and branch of different sizes", ["Layer 0 (RefConcat", "2x2x2", "2x5x5"] },
        {
            "nested residual inside a concat",
            ["Layer 1 (RefConcat", "branch 1: Layer 0 (RefResidual", "5x3x3", "2x3x3"]
        },
        { "residual around a concat of another width", ["Layer 0 (RefResidual", "4x3x3", "2x3x3"] },
    };

    private static readonly Dictionary<string, Func<ReferenceNetwork>> ShapeErrors = new()
    {
        ["identity shortcut, body changes the channels"] =
            () => new ReferenceNetwork(2, 4, 4, new RefResidual([new RefConv2D(3, 1)])),
        ["projection shortcut of another size"] = () => new ReferenceNetwork(2, 7, 7,
            new RefResidual([new RefConv2D(4, 3, Stride: 2, Padding: 1)], [new RefConv2D(4, 1)])),
        ["flat body, spatial identity"] = () => new ReferenceNetwork(4, 1, 1, new RefResidual([new RefFlatten()])),
        ["concat branches of different sizes"] = () => new ReferenceNetwork(2, 5, 5,
            new RefConcat([[new RefConv2D(2, 1)], [new RefConv2D(2, 3)]])),
        ["concat input and branch of different sizes"] = () => new ReferenceNetwork(2, 5, 5,
            new RefConcat([[new RefMaxPool2D(2, Rounding: RefRounding.Floor)]], IncludeInput: true)),
        ["nested residual inside a concat"] = () => new ReferenceNetwork(2, 3, 3,
            new RefReLU(), new RefConcat([[new RefConv2D(1, 1)], [new RefResidual([new RefConv2D(5, 1)])]])),
        ["residual around a concat of another width"] = () => new ReferenceNetwork(2, 3, 3,
            new RefResidual([new RefConcat([[new RefConv2D(2, 1)], [new RefConv2D(2, 1)]])])),
    };

    [Theory]
    [MemberData(nameof(ShapeErrorNames))]
    public void Shape_mismatches_throw_naming_the_layer_and_both_shapes(string name, string[] fragments)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => ShapeErrors[name]());
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Invalid_blocks_throw()
    {
        ArgumentException empty = Assert.Throws<ArgumentException>(
            () => new ReferenceNetwork(2, 3, 3, new RefResidual([])));
        Assert.Contains("Layer 0 (RefResidual", empty.Message, StringComparison.Ordinal);
        Assert.Contains("body has no layers", empty.Message, StringComparison.Ordinal);

        ArgumentException oneBranch = Assert.Throws<ArgumentException>(
            () => new ReferenceNetwork(2, 3, 3, new RefConcat([[new RefConv2D(2, 1)]])));
        Assert.Contains("at least two operands", oneBranch.Message, StringComparison.Ordinal);
        ArgumentException inputOnly = Assert.Throws<ArgumentException>(
            () => new ReferenceNetwork(2, 3, 3, new RefConcat([], IncludeInput: true)));
        Assert.Contains("at least two operands", inputOnly.Message, StringComparison.Ordinal);

        ArgumentException flatBranch = Assert.Throws<ArgumentException>(
            () => new ReferenceNetwork(2, 2, 2, new RefConcat([[new RefConv2D(2, 1)], [new RefFlatten()]])));
        Assert.Contains("branch 1's output 8 (flat)", flatBranch.Message, StringComparison.Ordinal);
        ArgumentException flatInput = Assert.Throws<ArgumentException>(() => new ReferenceNetwork(2, 2, 2,
            new RefFlatten(), new RefConcat([[new RefDense(3)], [new RefDense(2)]])));
        Assert.Contains("Layer 1 (RefConcat", flatInput.Message, StringComparison.Ordinal);
        Assert.Contains("(flat)", flatInput.Message, StringComparison.Ordinal);

        // An invalid nested layer names the path to it.
        ArgumentException nested = Assert.Throws<ArgumentException>(() => new ReferenceNetwork(2, 2, 2,
            new RefConv2D(2, 1), new RefResidual([new RefConv2D(2, 1), new RefConcat([[new RefConv2D(2, 3)], []])])));
        Assert.Contains("Layer 1 (RefResidual", nested.Message, StringComparison.Ordinal);
        Assert.Contains("body: Layer 1 (RefConcat", nested.Message, StringComparison.Ordinal);
        Assert.Contains("branch 0: Layer 0 (RefConv2D", nested.Message, StringComparison.Ordinal);
        Assert.Contains("window 3 is larger", nested.Message, StringComparison.Ordinal);
        // A spatial layer after flat data inside a block.
        Assert.Throws<ArgumentException>(() => new ReferenceNetwork(2, 2, 2,
            new RefFlatten(), new RefResidual([new RefConv2D(8, 1)])));
    }

    [Fact]
    public void Training_a_nested_batch_norm_on_one_value_per_channel_is_rejected_before_anything_changes()
    {
        var net = new ReferenceNetwork(2, 1, 1, new RefBatchNorm(), new RefResidual([new RefBatchNorm()]));
        double[] buffers = net.CreateDefaultBuffers();
        double[] p = [1, 1, 0, 0, 1, 1, 0, 0];
        // A batch of 2 is fine for both; a batch of 1 fails at the first, so nest it alone to reach the block.
        net.ForwardBatch(p, (double[])buffers.Clone(), [[1, 2], [3, 5]], training: true);
        var alone = new ReferenceNetwork(2, 1, 1, new RefReLU(), new RefResidual([new RefBatchNorm()]));
        double[] aloneBuffers = alone.CreateDefaultBuffers();
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => alone.ForwardBatch([1, 1, 0, 0], aloneBuffers, [[1, 2]], training: true));
        Assert.Contains("Layer 1 (RefResidual", e.Message, StringComparison.Ordinal);
        Assert.Contains("body: Layer 0 (RefBatchNorm", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than one value per channel", e.Message, StringComparison.Ordinal);
        Assert.Equal([0.0, 0, 1, 1, 0], aloneBuffers);
    }

    [Fact]
    public void Blocks_print_readably()
    {
        Assert.Equal(
            "RefResidual { Body = [RefConv2D, RefReLU], Shortcut = identity }",
            new RefResidual([new RefConv2D(2, 3), new RefReLU()]).ToString());
        Assert.Equal(
            "RefConcat { Branches = [[RefConv2D], [RefResidual { Body = [RefTanh], Shortcut = [RefConv2D] }], []], "
            + "IncludeInput = True }",
            new RefConcat(
                [[new RefConv2D(2, 1)], [new RefResidual([new RefTanh()], [new RefConv2D(2, 1)])], []],
                IncludeInput: true).ToString());
    }

    // ================================================================ helpers

    /// <summary>Values uniform in ±scale, kept at least 0.05 * scale away from zero.</summary>
    private static double[] Uniform(Random random, int count, double scale)
    {
        double[] values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double magnitude = 0.05 + 0.95 * random.NextDouble();
            values[i] = (random.Next(2) == 0 ? -1 : 1) * magnitude * scale;
        }
        return values;
    }

    /// <summary>Valid buffers away from the defaults for a plain network: running means in ±0.5, running variances
    /// in [0.5, 1.5], num_batches_tracked 3.</summary>
    private static double[] RandomBuffers(ReferenceNetwork net, Random random)
    {
        double[] buffers = net.CreateDefaultBuffers();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            Assert.False(net.Layers[i] is RefResidual or RefConcat, "RandomBuffers is for plain networks.");
            if (net.Layers[i] is RefBatchNorm)
            {
                int channels = (net.BufferCounts[i] - 1) / 2, offset = net.BufferOffsets[i];
                for (int c = 0; c < channels; c++)
                {
                    buffers[offset + c] = random.NextDouble() - 0.5;
                    buffers[offset + channels + c] = 0.5 + random.NextDouble();
                }
                buffers[offset + 2 * channels] = 3;
            }
        }
        return buffers;
    }

    private static double[] Add(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double[] sum = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }

    private static int StableSeed(string name)
    {
        int seed = 29;
        foreach (char c in name)
        {
            seed = unchecked(seed * 31 + c);
        }
        return seed & int.MaxValue;
    }

    private static void AssertNumeric(double[] numeric, double[] analytic, string what)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        for (int i = 0; i < numeric.Length; i++)
        {
            double error = Math.Abs(numeric[i] - analytic[i]);
            Assert.True(error <= FiniteDifferenceTolerance * Math.Max(1, Math.Abs(numeric[i])),
                $"{what}[{i}]: finite differences {numeric[i]:R}, backward {analytic[i]:R}, error {error:E2}");
        }
    }
}

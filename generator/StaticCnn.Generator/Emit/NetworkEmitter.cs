using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// Writes one network's file: the public members of the contract on the partial class, and a file-local class
/// holding its kernels, every shape and offset a constant.
/// </summary>
internal static class NetworkEmitter
{
    internal const string Storage = "global::StaticCnn.Kernels.NetworkStorage";
    internal const string Span = "global::System.Span<float>";
    internal const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    internal static readonly (string Width, string Simd, string Vector)[] Paths =
    {
        ("Vector512", "global::StaticCnn.Kernels.Simd512", "global::System.Runtime.Intrinsics.Vector512<float>"),
        ("Vector256", "global::StaticCnn.Kernels.Simd256", "global::System.Runtime.Intrinsics.Vector256<float>"),
        ("Vector128", "global::StaticCnn.Kernels.Simd128", "global::System.Runtime.Intrinsics.Vector128<float>"),
        ("Scalar", "global::StaticCnn.Kernels.SimdScalar", "float"),
    };

    public static string Emit(NetworkPlan plan, EquatableArray<float>? baked = null)
    {
        NetworkSpec spec = plan.Spec;
        NetworkShapes shapes = plan.Shapes;
        TypeSpec type = spec.Type;
        string kernels = FileShell.KernelsClass(type);
        var w = new IndentedWriter();
        using (FileShell.OpenFile(w, type))
        {
            IndentedWriter.Scope[] containers = FileShell.OpenContainers(w, type);
            EmitRemarks(w, shapes, type.DisplayName);
            w.Line(FileShell.GeneratedCode);
            using (w.Block(FileShell.ClassHeader(type)))
            {
                EmitClassMembers(w, plan, kernels, baked is not null);
            }

            FileShell.CloseContainers(containers);
            w.Line();
            EmitKernelsClass(w, plan, kernels, baked);
            w.Line();
            EmitBatchClass(w, plan, kernels);
        }

        return w.ToString();
    }

    private static void EmitRemarks(IndentedWriter w, NetworkShapes shapes, string name)
    {
        w.Line("/// <remarks>");
        w.Line("/// <para>A convolutional network compiled by StaticCnn from its layer attributes: every shape below was checked");
        w.Line("/// at compile time, and Forward and Backward are specialised for exactly these shapes.</para>");
        w.Line("/// <code>");
        foreach (string line in LayerText.SummaryTable(shapes, name))
        {
            w.Line($"/// {Text.Xml(line)}");
        }

        w.Line("/// </code>");
        w.Line("/// </remarks>");
    }

    private static void EmitClassMembers(IndentedWriter w, NetworkPlan plan, string kernels, bool baked)
    {
        NetworkShapes shapes = plan.Shapes;
        string name = plan.Spec.Type.DisplayName;
        Shape input = shapes.Input;
        Shape output = shapes.Output;

        w.Line($"/// <summary>C*H*W of one input sample: {input} = {Format.Count(input.Length)}.</summary>");
        w.Line($"public const int InputLength = {Format.Int(input.Length)};");
        w.Line();
        w.Line($"/// <summary>Length of the last layer's output (the logits): {Format.Count(output.Length)}.</summary>");
        w.Line($"public const int OutputLength = {Format.Int(output.Length)};");
        w.Line();
        w.Line($"/// <summary>Number of learnable floats: {Format.Count(shapes.ParameterCount)}.</summary>");
        w.Line($"public const int ParameterCount = {Format.Int(shapes.ParameterCount)};");
        w.Line();
        w.Line($"/// <summary>Floats of state saved with the weights but not learned (BatchNorm running statistics): {Format.Count(shapes.BufferCount)}.</summary>");
        w.Line($"public const int BufferCount = {Format.Int(shapes.BufferCount)};");
        w.Line();
        w.Line($"private readonly {Storage} _storage;");
        w.Line("private long[]? _profile; // ForwardProfiled's readings, made on its first call");
        w.Line();
        w.Line("/// <summary>");
        if (baked)
        {
            w.Line("/// Allocates every buffer the network needs, once, and sets the parameters to the weights baked in at");
            w.Line("/// compile time (<see cref=\"BakedParameters\"/>, and the buffers to <see cref=\"BakedBuffers\"/>). Forward and Backward allocate nothing after this.");
        }
        else
        {
            w.Line("/// Allocates every buffer the network needs, once, and initialises the parameters as");
            w.Line("/// <c>InitializeParameters(0)</c> does. Forward and Backward allocate nothing after this.");
        }

        w.Line("/// </summary>");
        using (w.Block($"public {plan.Spec.Type.Name}()"))
        {
            string transformed = plan.TransformedLength > 0 ? $"{kernels}.TransformedLength" : "0";
            string buffers = shapes.BufferCount > 0 ? "BufferCount, " : "";
            w.Line($"_storage = new {Storage}(ParameterCount, {buffers}{kernels}.WorkspaceLength, {transformed}, new {kernels}Batch(),");
            string inference = plan.Inference is { } inferencePlan ? $", {inferencePlan.Last.Output.Offset}" : "";
            w.Line($"    new global::StaticCnn.Kernels.BatchLayout({plan.Input.Offset}, InputLength, {plan.Last.Output.Offset}, OutputLength, {plan.Last.OutputGradient.Offset}, {plan.InputGradient.Offset}{inference}));");
            w.Line(baked ? "RestoreBakedParameters();" : "InitializeParameters(0);");
        }

        if (baked)
        {
            w.Line();
            BakedWeightsEmitter.EmitMembers(w, kernels, plan.Spec.WeightsFile!);
        }

        w.Line();
        w.Line("/// <summary>The model summary: one row per layer with its output shape and parameter count, and the totals.</summary>");
        w.Line($"public static string Summary => {kernels}.SummaryText;");
        w.Line();
        w.Line($"/// <summary>The input shape, {input} (C,H,W).</summary>");
        w.Line($"public static global::StaticCnn.TensorShape InputShape => new global::StaticCnn.TensorShape({input.C}, {input.H}, {input.W});");
        w.Line();
        w.Line("/// <summary>The layers top to bottom, with their shapes and where their parameters live.</summary>");
        w.Line($"public static global::System.Collections.Generic.IReadOnlyList<global::StaticCnn.LayerInfo> Layers => {kernels}.Layers;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// All learnable floats, layer by layer, each layer its weight then its bias, in PyTorch's layout (Conv2D");
        w.Line("/// <c>[filters, inChannels, k, k]</c>, Dense <c>[units, inputs]</c>). Writes are seen by the next Forward.");
        w.Line("/// Throws <see cref=\"global::System.InvalidOperationException\"/> while <see cref=\"ParametersFrozen\"/>.");
        w.Line("/// </summary>");
        w.Line($"public {Span} Parameters => _storage.Frozen ? throw global::StaticCnn.NetworkErrors.Frozen(\"{plan.Spec.Type.Name}\", nameof(Parameters)) : _storage.Parameters;");
        w.Line();
        w.Line("/// <summary>The same floats as <see cref=\"Parameters\"/>, read-only; readable while frozen.</summary>");
        w.Line($"public {ReadOnlySpan} ParameterValues => _storage.Parameters;");
        w.Line();
        w.Line("/// <summary>dLoss/dParameters accumulated by Backward; same length and layout as <see cref=\"Parameters\"/>.</summary>");
        w.Line($"public {Span} Gradients => _storage.Gradients;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The buffers: per BatchNorm its running mean, running variance and number of batches tracked (PyTorch's");
        w.Line("/// <c>state_dict</c> buffers); training-mode passes update them. Writes are seen by the next Forward.");
        w.Line("/// Throws <see cref=\"global::System.InvalidOperationException\"/> while <see cref=\"ParametersFrozen\"/>.");
        w.Line("/// </summary>");
        w.Line($"public {Span} Buffers => _storage.Frozen ? throw global::StaticCnn.NetworkErrors.Frozen(\"{plan.Spec.Type.Name}\", nameof(Buffers)) : _storage.Buffers;");
        w.Line();
        w.Line("/// <summary>The same floats as <see cref=\"Buffers\"/>, read-only; readable while frozen.</summary>");
        w.Line($"public {ReadOnlySpan} BufferValues => _storage.Buffers;");
        w.Line();
        w.Line("/// <summary>Whether the parameters and buffers are frozen for inference (<see cref=\"FreezeParameters\"/>).</summary>");
        w.Line("public bool ParametersFrozen => _storage.Frozen;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Freezes the parameters and buffers for inference: until <see cref=\"UnfreezeParameters\"/>, Parameters, Buffers,");
        w.Line("/// Training = true and InitializeParameters throw, and inference makes its derived weights once instead of");
        w.Line("/// comparing them with the parameters on every call. Throws in training mode.");
        w.Line("/// </summary>");
        w.Line($"public void FreezeParameters() => _storage.Freeze(\"{plan.Spec.Type.Name}\");");
        w.Line();
        w.Line("/// <summary>Ends <see cref=\"FreezeParameters\"/>: the parameters are writable again and every Forward checks its derived weights.</summary>");
        w.Line("public void UnfreezeParameters() => _storage.Unfreeze();");
        w.Line();
        w.Line("/// <summary>");
        w.Line(plan.ModeDependent
            ? "/// Training or evaluation mode (false, evaluation, on a new network): in training mode BatchNorm normalises with the"
            : "/// Training or evaluation mode (false, evaluation, on a new network); this network's layers compute the same in both.");
        if (plan.ModeDependent)
        {
            w.Line("/// statistics of the batch being run and updates its running statistics, and Dropout drops values. The batched");
            w.Line("/// inference <c>Forward(inputs, outputs, count)</c> always evaluates.");
        }

        w.Line("/// </summary>");
        w.Line("public bool Training");
        w.Line("{");
        w.Line("    get => _storage.Training;");
        w.Line($"    set => _storage.Training = value && _storage.Frozen ? throw global::StaticCnn.NetworkErrors.Frozen(\"{plan.Spec.Type.Name}\", \"Training = true\") : value;");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>The seed of Dropout's masks (they depend on it, the training step, the layer and the sample's place in its batch).</summary>");
        w.Line("public int TrainingSeed");
        w.Line("{");
        w.Line("    get => _storage.TrainingSeed;");
        w.Line("    set => _storage.TrainingSeed = value;");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>The SIMD width the kernels run with; setting one this machine cannot run throws <see cref=\"global::System.NotSupportedException\"/>.</summary>");
        w.Line("public global::StaticCnn.Kernels.SimdWidth VectorWidth");
        w.Line("{");
        w.Line("    get => _storage.Width;");
        w.Line("    set");
        w.Line("    {");
        w.Line("        global::StaticCnn.Kernels.SimdSupport.EnsureSupported(value);");
        w.Line("        _storage.Width = value;");
        w.Line("    }");
        w.Line("}");
        w.Line();
        w.Line("int global::StaticCnn.INetwork.InputLength => InputLength;");
        w.Line();
        w.Line("int global::StaticCnn.INetwork.OutputLength => OutputLength;");
        w.Line();
        w.Line("int global::StaticCnn.INetwork.ParameterCount => ParameterCount;");
        w.Line();
        w.Line("int global::StaticCnn.INetwork.BufferCount => BufferCount;");
        w.Line();
        w.Line("global::StaticCnn.TensorShape global::StaticCnn.INetwork.InputShape => InputShape;");
        w.Line();
        w.Line("global::System.Collections.Generic.IReadOnlyList<global::StaticCnn.LayerInfo> global::StaticCnn.INetwork.Layers => Layers;");
        w.Line();
        w.Line("string global::StaticCnn.INetwork.Summary => Summary;");
        w.Line();
        EmitInitialize(w, plan);
        w.Line();
        w.Line("/// <summary>Runs one sample (C,H,W floats) through the network and writes the last layer's raw outputs.</summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not have the documented length.</exception>");
        using (w.Block($"public void Forward({ReadOnlySpan} input, {Span} output)"))
        {
            LengthCheck(w, "input", name, $"InputLength ({input})", "InputLength");
            LengthCheck(w, "output", name, "OutputLength", "OutputLength");
            if (plan.ModeDependent)
            {
                using (w.Block("if (_storage.Training)"))
                {
                    w.Line("// A batch of one in slot 0, in training mode, keeping its activations for Backward.");
                    w.Line("_storage.ForwardSample(input, output);");
                }

                using (w.Block("else"))
                {
                    w.Line("// The inference plan (BatchNorm folded, Dropout left out); a Backward after it recomputes the activations.");
                    Dispatch(w, kernels, "Forward", "_storage, input, output");
                    w.Line("_storage.MarkInferenceForward();");
                }
            }
            else
            {
                Dispatch(w, kernels, "Forward", "_storage, input, output");
                w.Line("_storage.MarkForward();");
            }
        }

        w.Line();
        EmitForwardProfiled(w, plan, kernels, name, input);
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Back-propagates dLoss/dOutput through the activations of the most recent Forward on this instance, adds");
        w.Line("/// the parameter gradients into <see cref=\"Gradients\"/> and writes dLoss/dInput into");
        w.Line("/// <paramref name=\"inputGradient\"/> unless it is empty.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not have the documented length.</exception>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No Forward has run on this instance.</exception>");
        using (w.Block($"public void Backward({ReadOnlySpan} outputGradient, {Span} inputGradient)"))
        {
            LengthCheck(w, "outputGradient", name, "OutputLength", "OutputLength");
            using (w.Block("if (!inputGradient.IsEmpty && inputGradient.Length != InputLength)"))
            {
                w.Line($"global::StaticCnn.NetworkErrors.ThrowLength(nameof(inputGradient), {Text.Literal(name)}, {Text.Literal($"InputLength ({input}) or 0")}, InputLength, inputGradient.Length);");
            }

            using (w.Block("if (!_storage.HasForward)"))
            {
                w.Line($"global::StaticCnn.NetworkErrors.ThrowBackwardBeforeForward({Text.Literal(name)});");
            }

            if (plan.ModeDependent)
            {
                using (w.Block("if (_storage.NeedsRecompute)"))
                {
                    w.Line("_storage.RecomputeForward();");
                }

                w.Line("_storage.BackwardBatch(outputGradient, inputGradient, 1);");
            }
            else
            {
                Dispatch(w, kernels, "Backward", "_storage, outputGradient, inputGradient");
            }
        }

        w.Line();
        w.Line("/// <summary>Sets every gradient to zero.</summary>");
        w.Line("public void ZeroGradients() => global::System.Array.Clear(_storage.Gradients);");
        w.Line();
        EmitBatchMembers(w, name);
    }

    private static void EmitBatchClass(IndentedWriter w, NetworkPlan plan, string kernels)
    {
        w.Line($"/// <summary>The batched entry points of {Text.Xml(plan.Spec.Type.DisplayName)}'s kernels, for <see cref=\"{Storage}\"/>.</summary>");
        w.Line(FileShell.GeneratedCode);
        using (w.Block($"file sealed class {kernels}Batch : global::StaticCnn.Kernels.BatchKernels"))
        {
            w.Line("/// <inheritdoc/>");
            using (w.Block($"public override void Forward({Storage} storage, int first, int count)"))
            {
                WidthSwitch(w, "storage.Width", (simd, vector) => $"{kernels}.ForwardSlots<{simd}, {vector}>(storage, first, count);");
            }

            w.Line();
            w.Line("/// <inheritdoc/>");
            using (w.Block($"public override void Backward({Storage} storage, float[] gradients, int first, int count, bool inputGradients)"))
            {
                WidthSwitch(w, "storage.Width", (simd, vector) => plan.ModeDependent
                    ? $"{kernels}.TrainingBackwardSlots<{simd}, {vector}>(storage, gradients, first, count, inputGradients, 0, false);"
                    : $"{kernels}.BackwardSlots<{simd}, {vector}>(storage, gradients, first, count, inputGradients);");
            }

            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public override void Prepare(float[] workspace) => {kernels}.Prepare(workspace);");
            if (BatchesInference(plan))
            {
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line($"public override bool BatchesInference => true; // layer by layer, Dense layers six samples per pass over their weights, the units in the lanes");
            }

            if (plan.ModeDependent)
            {
                ModeEmitter.EmitBatchOverrides(w, plan, kernels);
            }
            foreach (string prepare in PrepareMethods(plan))
            {
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line($"public override void {prepare}({Storage} storage) => {kernels}.{prepare}(storage);");
            }

            if (plan.Inference is { TransformsForwardWeights: false })
            {
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line($"public override void PrepareInferenceWeights({Storage} storage) {{ }} // the inference plan multiplies with no transformed weights");
            }
        }
    }

    internal static void WidthSwitch(IndentedWriter w, string width, System.Func<string, string, string> call)
    {
        using (w.Block($"switch ({width})"))
        {
            foreach ((string name, string simd, string vector) in Paths)
            {
                w.Line(name == "Scalar" ? "default:" : $"case global::StaticCnn.Kernels.SimdWidth.{name}:");
                w.Indent();
                w.Line(call(simd, vector));
                w.Line("break;");
                w.Unindent();
            }
        }
    }

    private static void EmitBatchMembers(IndentedWriter w, string name)
    {
        string network = Text.Literal(name);
        w.Line("/// <summary>");
        w.Line("/// Samples one batched call holds at once (default 1): ForwardBatch takes at most this many, batched inference");
        w.Line("/// on several workers runs in chunks of it (on one, sample by sample). Setting it allocates one workspace per sample, once.");
        w.Line("/// </summary>");
        w.Line("public int BatchCapacity");
        w.Line("{");
        w.Line("    get => _storage.BatchCapacity;");
        w.Line("    set => _storage.BatchCapacity = value;");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Threads the batched calls split their samples over, the caller's included (default 1); backward adds the");
        w.Line("/// workers' gradients in worker order, so results are deterministic for a given worker count.");
        w.Line("/// </summary>");
        w.Line("public int BatchWorkers");
        w.Line("{");
        w.Line("    get => _storage.Workers;");
        w.Line("    set => _storage.Workers = value;");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>Inference on <paramref name=\"count\"/> samples stored one after another; keeps no activations for backward.</summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not hold count samples.</exception>");
        using (w.Block($"public void Forward({ReadOnlySpan} inputs, {Span} outputs, int count)"))
        {
            CountCheck(w, network, "int.MaxValue / global::System.Math.Max(InputLength, OutputLength)", "\"the largest batch the spans can index\"");
            BatchLengthCheck(w, "inputs", network, "InputLength");
            BatchLengthCheck(w, "outputs", network, "OutputLength");
            w.Line("_storage.Forward(inputs, outputs, count);");
        }

        w.Line();
        w.Line("/// <summary>Training forward on <paramref name=\"count\"/> samples (at most <see cref=\"BatchCapacity\"/>), layer by layer, keeping their activations for <see cref=\"BackwardBatch\"/>.</summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not hold count samples, or count exceeds BatchCapacity.</exception>");
        using (w.Block($"public void ForwardBatch({ReadOnlySpan} inputs, {Span} outputs, int count)"))
        {
            CountCheck(w, network, "_storage.BatchCapacity", "\"BatchCapacity\"");
            BatchLengthCheck(w, "inputs", network, "InputLength");
            BatchLengthCheck(w, "outputs", network, "OutputLength");
            w.Line("_storage.ForwardBatch(inputs, outputs, count);");
        }

        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Back-propagates one output gradient per sample of the last ForwardBatch (same count): adds the sum of the");
        w.Line("/// samples' parameter gradients into <see cref=\"Gradients\"/> and writes each sample's dLoss/dInput unless");
        w.Line("/// <paramref name=\"inputGradients\"/> is empty.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not hold count samples.</exception>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The last ForwardBatch did not keep count samples.</exception>");
        using (w.Block($"public void BackwardBatch({ReadOnlySpan} outputGradients, {Span} inputGradients, int count)"))
        {
            CountCheck(w, network, "_storage.BatchCapacity", "\"BatchCapacity\"");
            BatchLengthCheck(w, "outputGradients", network, "OutputLength");
            using (w.Block("if (!inputGradients.IsEmpty && inputGradients.Length != count * InputLength)"))
            {
                w.Line($"global::StaticCnn.NetworkErrors.ThrowLength(nameof(inputGradients), {network}, \"count * InputLength or 0\", count * InputLength, inputGradients.Length);");
            }

            using (w.Block("if (count == 0 || _storage.BatchCount != count)"))
            {
                w.Line($"global::StaticCnn.NetworkErrors.ThrowBackwardBatchWithoutForward({network}, count, _storage.BatchCount);");
            }

            w.Line("_storage.BackwardBatch(outputGradients, inputGradients, count);");
        }
    }

    private static void CountCheck(IndentedWriter w, string network, string limit, string limitName)
    {
        using (w.Block($"if ((uint)count > (uint)({limit}))"))
        {
            w.Line($"global::StaticCnn.NetworkErrors.ThrowCount({network}, count, {limit}, {limitName});");
        }
    }

    private static void BatchLengthCheck(IndentedWriter w, string parameter, string network, string constant)
    {
        using (w.Block($"if ({parameter}.Length != count * {constant})"))
        {
            w.Line($"global::StaticCnn.NetworkErrors.ThrowLength(nameof({parameter}), {network}, \"count * {constant}\", count * {constant}, {parameter}.Length);");
        }
    }

    private static void EmitForwardProfiled(IndentedWriter w, NetworkPlan plan, string kernels, string name, Shapes.Shape input)
    {
        int stamps = plan.Shapes.Layers.Count + 1;
        w.Line("/// <summary>");
        w.Line("/// Forward in evaluation mode, writing the Stopwatch timestamp before the first layer (element 0) and after each");
        w.Line($"/// layer k (element k) into <paramref name=\"layerTimestamps\"/>: {Format.Int(stamps)} values. Allocates nothing after its first call.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not have the documented length.</exception>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Training is true.</exception>");
        using (w.Block($"public void ForwardProfiled({ReadOnlySpan} input, {Span} output, global::System.Span<long> layerTimestamps)"))
        {
            LengthCheck(w, "input", name, $"InputLength ({input})", "InputLength");
            LengthCheck(w, "output", name, "OutputLength", "OutputLength");
            LengthCheck(w, "layerTimestamps", name, "Layers.Count + 1", Format.Int(stamps));
            if (plan.ModeDependent)
            {
                using (w.Block("if (_storage.Training)"))
                {
                    w.Line($"throw new global::System.InvalidOperationException({Text.Literal(name + ".ForwardProfiled times the inference pass; set Training = false first.")});");
                }
            }

            w.Line($"_storage.LayerTimestamps = _profile ??= new long[{Format.Int(stamps)}];");
            using (w.Block("try"))
            {
                Dispatch(w, kernels, "Forward", "_storage, input, output");
            }

            using (w.Block("finally"))
            {
                w.Line("_storage.LayerTimestamps = null;");
            }

            w.Line(plan.ModeDependent ? "_storage.MarkInferenceForward();" : "_storage.MarkForward();");
            w.Line("new global::System.Span<long>(_profile).CopyTo(layerTimestamps);");
        }
    }

    private static void LengthCheck(IndentedWriter w, string parameter, string network, string expected, string constant)
    {
        using (w.Block($"if ({parameter}.Length != {constant})"))
        {
            w.Line($"global::StaticCnn.NetworkErrors.ThrowLength(nameof({parameter}), {Text.Literal(network)}, {Text.Literal(expected)}, {constant}, {parameter}.Length);");
        }
    }

    private static void Dispatch(IndentedWriter w, string kernels, string method, string arguments)
    {
        using (w.Block("switch (_storage.Width)"))
        {
            foreach ((string width, string simd, string vector) in Paths)
            {
                w.Line(width == "Scalar" ? "default:" : $"case global::StaticCnn.Kernels.SimdWidth.{width}:");
                w.Indent();
                w.Line($"{kernels}.{method}<{simd}, {vector}>({arguments});");
                w.Line("break;");
                w.Unindent();
            }
        }
    }

    private static void EmitInitialize(IndentedWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>");
        w.Line("/// Deterministically initialises every parameter for <paramref name=\"seed\"/>: each weight from Kaiming/He");
        w.Line("/// uniform U(-b, b), b = gain * sqrt(3 / fanIn), with the gain of the activation that follows the layer");
        w.Line("/// (torch.nn.init.calculate_gain: ReLU sqrt(2), Tanh 5/3, otherwise 1); every bias zero. Each layer draws");
        w.Line("/// from its own stream of the seed.");
        if (plan.Shapes.BufferCount > 0)
        {
            w.Line("/// BatchNorm: weight 1, bias 0, and its buffers reset (running mean 0, running variance 1, no batches tracked).");
        }

        w.Line("/// </summary>");
        using (w.Block("public void InitializeParameters(int seed)"))
        {
            w.Line("if (_storage.Frozen)");
            w.Line("{");
            w.Line($"    throw global::StaticCnn.NetworkErrors.Frozen(\"{plan.Spec.Type.Name}\", nameof(InitializeParameters));");
            w.Line("}");
            w.Line();
            var layers = plan.Shapes.Layers;
            if (plan.Shapes.ParameterCount > 0)
            {
                w.Line($"{Span} p = _storage.Parameters;");
            }

            if (plan.Shapes.BufferCount > 0)
            {
                w.Line($"{Span} b = _storage.Buffers;");
            }

            for (int i = 0; i < layers.Count; i++)
            {
                LayerShape layer = layers[i];
                if (layer.Parameters.Count == 0)
                {
                    continue;
                }

                LayerShape? next = layers.Skip(i + 1).FirstOrDefault(l => !l.Definition.PassesGainThrough);
                (string gain, string why) = next?.Definition.Gain(next) ?? ("1f", "1 (no activation follows)");
                ParameterSpec? kaiming = layer.Parameters.FirstOrDefault(t => t.Init == ParameterInit.KaimingUniform);
                w.Line(kaiming is not null
                    ? $"// [{layer.Index}] {LayerText.Describe(layer)}: fan-in {Format.Count(kaiming.FanIn)}, gain {why}."
                    : $"// [{layer.Index}] {LayerText.Describe(layer)}: {string.Join(", ", layer.Parameters.Select(t => $"{t.Name} {(t.Init == ParameterInit.Ones ? 1 : 0)}"))}.");
                if (kaiming is not null)
                {
                    w.Line($"var random{layer.Index} = new global::StaticCnn.DeterministicRandom(seed, {layer.Index});");
                }

                foreach (ParameterSpec tensor in layer.Parameters)
                {
                    string span = tensor.Buffer ? "b" : "p";
                    w.Line(tensor.Init switch
                    {
                        ParameterInit.KaimingUniform => $"global::StaticCnn.ParameterInitializer.KaimingUniform({span}.Slice({Format.Int(tensor.Offset)}, {Format.Int(tensor.Length)}), {Format.Int(tensor.FanIn)}, {gain}, ref random{layer.Index});",
                        ParameterInit.Ones => $"{span}.Slice({Format.Int(tensor.Offset)}, {Format.Int(tensor.Length)}).Fill(1f);",
                        _ => $"{span}.Slice({Format.Int(tensor.Offset)}, {Format.Int(tensor.Length)}).Clear();",
                    });
                }
            }
        }
    }

    private static void EmitKernelsClass(IndentedWriter w, NetworkPlan plan, string kernels, EquatableArray<float>? baked)
    {
        NetworkShapes shapes = plan.Shapes;
        w.Line($"/// <summary>The kernels of {Text.Xml(plan.Spec.Type.DisplayName)}, specialised for its shapes; every offset is into one workspace array.</summary>");
        w.Line(FileShell.GeneratedCode);
        using (w.Block($"file static class {kernels}"))
        {
            w.Line($"/// <summary>Floats in the workspace: every buffer below, each followed by {plan.Slack} zeros.</summary>");
            w.Line($"public const int WorkspaceLength = {Format.Int(plan.WorkspaceLength)};");
            w.Line();
            if (plan.TransformedLength > 0)
            {
                w.Line("/// <summary>Floats in the transformed-weights array that every batch slot shares (Winograd filters, filters in lanes).</summary>");
                w.Line($"public const int TransformedLength = {Format.Int(plan.TransformedLength)};");
                w.Line();
            }

            w.Line("// Workspace layout (float offsets):");
            foreach (BufferPlan buffer in plan.Buffers)
            {
                w.Line($"//   {Format.Int(buffer.Offset).PadLeft(9)}  {buffer.Name,-5} {Format.Int(buffer.Length).PadLeft(9)}  {buffer.Comment}");
            }

            foreach (BufferPlan buffer in plan.TransformedBuffers)
            {
                w.Line($"//   t {Format.Int(buffer.Offset).PadLeft(11)}  {buffer.Name,-5} {Format.Int(buffer.Length).PadLeft(9)}  {buffer.Comment}");
            }

            w.Line();
            w.Line("/// <summary>The text of the model summary.</summary>");
            w.Line($"public const string SummaryText = {Text.Literal(string.Join("\n", LayerText.SummaryTable(shapes, plan.Spec.Type.DisplayName)) + "\n")};");
            w.Line();
            if (baked is { } values)
            {
                BakedWeightsEmitter.EmitData(w, values, plan.Spec.WeightsFile!);
                w.Line();
            }

            EmitLayerTable(w, shapes);
            w.Line();
            w.Line($"/// <summary>Writes the constant parts of the workspace (padding that is not zero, lane mask tables).</summary>");
            using (w.Block("public static void Prepare(float[] workspace)"))
            {
                if (!plan.EveryNegativeInfinityFill.Any() && !plan.EveryConstantTable.Any())
                {
                    w.Line("// Every padded border is zero, as the new array already is.");
                }

                foreach (BufferPlan fill in plan.EveryNegativeInfinityFill)
                {
                    w.Line($"// {fill.Comment}: max pooling never picks padding.");
                    w.Line($"new {Span}(workspace, {fill.Offset}, {fill.Length}).Fill(float.NegativeInfinity);");
                }

                foreach ((BufferPlan table, string statement) in plan.EveryConstantTable)
                {
                    w.Line($"// {table.Comment}.");
                    w.Line(statement);
                }
            }

            EmitPrepareWeights(w, plan, backward: false);
            EmitPrepareWeights(w, plan, backward: true);
            if (plan.Inference is { TransformsForwardWeights: true } transforming)
            {
                EmitPrepareWeights(w, transforming, backward: false);
            }

            if (plan.Inference is { } inference)
            {
                ModeEmitter.EmitKernels(w, plan);
                w.Line();
                EmitForward(w, inference, slots: false);
                w.Line();
                EmitForward(w, inference, slots: true);
            }
            else
            {
                w.Line();
                EmitForward(w, plan, slots: false);
                w.Line();
                EmitBackward(w, plan, slots: false);
                w.Line();
                EmitForward(w, plan, slots: true);
                w.Line();
                EmitBackward(w, plan, slots: true);
            }
            foreach (LayerPlan layer in plan.EveryLayer)
            {
                layer.EmitKernels(w);
            }
        }
    }

    private static void EmitLayerTable(IndentedWriter w, NetworkShapes shapes)
    {
        w.Line("/// <summary>The layers, top to bottom.</summary>");
        w.Line("public static readonly global::System.Collections.Generic.IReadOnlyList<global::StaticCnn.LayerInfo> Layers =");
        w.Line("    new global::System.Collections.ObjectModel.ReadOnlyCollection<global::StaticCnn.LayerInfo>(new global::StaticCnn.LayerInfo[]");
        w.Line("    {");
        foreach (LayerShape layer in shapes.Layers)
        {
            string graph = shapes.IsGraph
                ? $" {{ Inputs = new int[] {{ {string.Join(", ", layer.Inputs.Select(i => Format.Int(i)))} }}, Module = {Text.Literal(layer.Module)} }}"
                : "";
            w.Line($"        {layer.Definition.Info(layer)}{graph},");
        }

        w.Line("    });");
    }

    private static void EmitForward(IndentedWriter w, NetworkPlan plan, bool slots)
    {
        if (plan.IsInference)
        {
            w.Line(slots
                ? "/// <summary>Batched inference over slots [first, first + count) with the inference plan: BatchNorm folded, Dropout left out (PrepareEvaluation ran first).</summary>"
                : "/// <summary>Inference over one sample with the inference plan: BatchNorm folded into the layer before it, Dropout left out.</summary>");
            if (slots)
            {
                w.Line(Names.AggressiveOptimization);
            }
        }
        else if (slots)
        {
            w.Line("/// <summary>Forward over batch slots [first, first + count), layer by layer: each layer runs over every slot before the next.</summary>");
            w.Line(Names.AggressiveOptimization);
        }
        else
        {
            w.Line("/// <summary>Forward pass over one sample, layer by layer; every activation stays in the workspace for Backward.</summary>");
        }

        string signature = slots
            ? $"public static void ForwardSlots{Names.KernelTypeParameters}({Storage} storage, int first, int count) {Names.KernelConstraints}"
            : $"public static void Forward{Names.KernelTypeParameters}({Storage} storage, {ReadOnlySpan} input, {Span} output) {Names.KernelConstraints}";
        using (w.Block(signature))
        {
            References(w, slots, "storage.Gradients");
            if (plan.IsInference && !slots)
            {
                w.Line("storage.PrepareInference(); // derived weights and folded BatchNorms up to date; nothing to do once frozen and prepared");
            }

            TransformedReference(w, plan.TransformsForwardWeights || plan.ReadsEvaluationState, slots || plan.IsInference || !plan.TransformsForwardWeights ? null : PrepareName(plan, backward: false));

            bool perSample = !slots;
            if (!slots)
            {
                w.Line($"input.CopyTo(new {Span}(storage.Workspace, {plan.Input.Offset}, {plan.Input.Length}));");
                w.Line("long[]? stamps = storage.LayerTimestamps; // ForwardProfiled's clock readings, null otherwise");
                w.Line($"if (stamps is not null) {Names.LayerClock}.Stamp(stamps, 0, 0);");
            }
            else if (LayerMajor(plan))
            {
                w.Line($"// Layer by layer: each layer's weights ({Format.Count(plan.Shapes.ParameterCount)} parameters in all) are read once per batch.");
            }

            IndentedWriter.Scope? sampleLoop = SampleLoop(w, plan, slots);
            slots = slots && LayerMajor(plan);
            int stamped = 0;
            foreach (LayerPlan layer in plan.Layers)
            {
                w.Line();
                LayerComment(w, layer.Shape);
                if (perSample && layer.Shape.Index > stamped + 1)
                {
                    // Layers computed inside the previous step (folded, in place) or skipped at inference: about zero.
                    w.Line($"if (stamps is not null) {Names.LayerClock}.Stamp(stamps, {stamped + 1}, {layer.Shape.Index - 1});");
                }

                if (layer.Affine is { } affine)
                {
                    w.Line($"//     with layer {affine.Layer}'s BatchNorm folded in: y = scale * y + shift per channel, scale and shift from the running statistics");
                }

                string zeros = "";
                if (layer.PooledOutput is { } pooled && plan.Pool is { } pool && !plan.ReadsOnlyInside)
                {
                    // Its output shares memory with outputs no longer alive: the zeros around it are put back.
                    zeros = $"\nglobal::StaticCnn.Kernels.Memory.Clear(ref TS.At(ref ws, {pooled.Offset - pool.Slack}), {pool.Slack}); // zeros before {pooled.Name}" +
                        $"\nglobal::StaticCnn.Kernels.Memory.Clear(ref TS.At(ref ws, {pooled.Offset + pooled.Length}), {NetworkPlanner.RoundUp(pooled.Length, Blocking.MaxLanes) - pooled.Length + pool.Slack}); // zeros after it";
                }

                string statement = layer.ForwardStatement + zeros;
                if (slots && layer is DensePlan { UnitsInLanes: not null } inLanes)
                {
                    SlotsThenEach(w, inLanes.SlotsStatement, (inLanes.ForwardEpilogue + zeros).Trim());
                }
                else if (slots && layer is DensePlan dense)
                {
                    FourSamplesAtATime(w, dense.FourSampleStatement, (dense.ForwardEpilogue + zeros).Trim(), statement);
                }
                else if (layer.ForwardPerSlot || layer.PooledOutput is not null)
                {
                    PerSlot(w, slots, false, statement);
                }
                else
                {
                    w.Line(statement);
                }

                if (perSample)
                {
                    w.Line($"if (stamps is not null) {Names.LayerClock}.Stamp(stamps, {layer.Shape.Index}, {layer.Shape.Index});");
                    stamped = layer.Shape.Index;
                }
            }

            sampleLoop?.Dispose();
            if (perSample)
            {
                if (stamped < plan.Shapes.Layers.Count)
                {
                    w.Line($"if (stamps is not null) {Names.LayerClock}.Stamp(stamps, {stamped + 1}, {plan.Shapes.Layers.Count});");
                }

                w.Line();
                w.Line($"new {ReadOnlySpan}(storage.Workspace, {plan.Last.Output.Offset}, {plan.Last.Output.Length}).CopyTo(output);");
            }
        }
    }

    private static void EmitBackward(IndentedWriter w, NetworkPlan plan, bool slots)
    {
        if (slots)
        {
            w.Line("/// <summary>Backward over batch slots [first, first + count), layer by layer, adding every slot's parameter gradients into <paramref name=\"gradients\"/> in slot order.</summary>");
            w.Line(Names.AggressiveOptimization);
        }
        else
        {
            w.Line("/// <summary>Backward pass: from dLoss/dOutput down to dLoss/dInput, adding every parameter's gradient.</summary>");
        }

        string signature = slots
            ? $"public static void BackwardSlots{Names.KernelTypeParameters}({Storage} storage, float[] gradients, int first, int count, bool wantInput) {Names.KernelConstraints}"
            : $"public static void Backward{Names.KernelTypeParameters}({Storage} storage, {ReadOnlySpan} outputGradient, {Span} inputGradient) {Names.KernelConstraints}";
        using (w.Block(signature))
        {
            References(w, slots, slots ? "gradients" : "storage.Gradients");
            TransformedReference(w, plan.TransformsBackwardWeights, slots ? null : "PrepareBackwardWeights");

            bool perSample = !slots;
            if (!slots)
            {
                w.Line("bool wantInput = !inputGradient.IsEmpty;");
                w.Line($"outputGradient.CopyTo(new {Span}(storage.Workspace, {plan.Last.OutputGradient.Offset}, {plan.Last.OutputGradient.Length}));");
            }
            else if (LayerMajor(plan))
            {
                w.Line($"// Layer by layer: each layer's weights ({Format.Count(plan.Shapes.ParameterCount)} parameters in all) are read once per batch.");
            }

            IndentedWriter.Scope? sampleLoop = SampleLoop(w, plan, slots);
            slots = slots && LayerMajor(plan);
            for (int i = plan.Layers.Count - 1; i >= 0; i--)
            {
                LayerPlan layer = plan.Layers[i];
                bool first = layer.ReadsNetworkInput;
                if (plan.GradientSumStatement(layer.Index) is { } sums)
                {
                    w.Line();
                    PerSlot(w, slots, false, sums);
                }

                w.Line();
                w.Line(layer.BackwardComment(first));
                if (layer.BackwardPerSlot)
                {
                    PerSlot(w, slots, first && layer.BackwardOnlyForInputGradient, layer.BackwardStatement(first));
                }
                else
                {
                    w.Line(layer.BackwardStatement(first));
                }
            }

            if (plan.GradientSumStatement(0) is { } inputSums)
            {
                w.Line();
                PerSlot(w, slots, true, inputSums);
            }

            sampleLoop?.Dispose();
            if (perSample)
            {
                w.Line();
                using (w.Block("if (wantInput)"))
                {
                    w.Line($"new {ReadOnlySpan}(storage.Workspace, {plan.InputGradient.Offset}, {plan.InputGradient.Length}).CopyTo(inputGradient);");
                }
            }
        }
    }

    internal static bool LayerMajor(NetworkPlan plan) => BatchOrder.LayerMajor(plan.Shapes);

    private static bool BatchesInference(NetworkPlan plan) => BatchOrder.BatchesInference(plan.Shapes);

    /// <summary>Opens the loop over the slots of a sample-major batched pass (nothing for per-sample or layer-major code).</summary>
    internal static IndentedWriter.Scope? SampleLoop(IndentedWriter w, NetworkPlan plan, bool slots)
    {
        if (!slots || LayerMajor(plan))
        {
            return null;
        }

        w.Line($"// Sample by sample: {Format.Count(plan.Shapes.ParameterCount)} parameters stay in cache; each sample's workspace stays hot through its layers.");
        IndentedWriter.Scope loop = w.Block("for (int i = first; i < first + count; i++)");
        w.Line("ref float ws = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(slots[i]);");
        return loop;
    }

    /// <summary>
    /// A Dense layer of a layer-by-layer batched pass: four slots per pass over the weights (<paramref name="four"/>
    /// on workspaces w0..w3, then <paramref name="after"/> on each), the remaining slots one by one. (Eight samples per
    /// pass, one unit at a time, measured slower on the autoencoder: 9 loads per 8 multiply-adds.)
    /// </summary>
    private static void FourSamplesAtATime(IndentedWriter w, string four, string after, string statement)
    {
        w.Line("// Four samples per pass over the weights, then the rest one by one (the same sums in the same order).");
        using IndentedWriter.Scope scope = w.Block();
        w.Line("int i = first;");
        using (w.Block("for (; i + 4 <= first + count; i += 4)"))
        {
            for (int k = 0; k < 4; k++)
            {
                w.Line($"ref float w{k} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(slots[i + {k}]);");
            }

            w.Line(four);
            if (after.Length > 0)
            {
                using (w.Block("for (int k = i; k < i + 4; k++)"))
                {
                    w.Line("ref float ws = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(slots[k]);");
                    w.Lines(after);
                }
            }
        }

        using (w.Block("for (; i < first + count; i++)"))
        {
            w.Line("ref float ws = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(slots[i]);");
            w.Lines(statement);
        }
    }

    /// <summary>A Dense layer with the units in the lanes in a layer-by-layer batched pass: the product for every slot at once, then <paramref name="after"/> on each.</summary>
    private static void SlotsThenEach(IndentedWriter w, string all, string after)
    {
        w.Line("// Six samples per pass over each pair of weight columns (the same sums in the same order as one sample's).");
        w.Line(all);
        if (after.Length > 0)
        {
            PerSlot(w, true, false, after);
        }
    }

    /// <summary>One layer's statement: on the sample's workspace, or in a loop over the batch slots' workspaces.</summary>
    internal static void PerSlot(IndentedWriter w, bool slots, bool guarded, string statement)
    {
        IndentedWriter.Scope? guard = guarded ? w.Block("if (wantInput)") : null;
        if (slots)
        {
            using (w.Block("for (int i = first; i < first + count; i++)"))
            {
                w.Line("ref float ws = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(slots[i]);");
                w.Lines(statement);
            }
        }
        else
        {
            w.Lines(statement);
        }

        guard?.Dispose();
    }

    internal static void LayerComment(IndentedWriter w, LayerShape layer)
    {
        w.Line($"// {LayerText.Heading(layer)}");
        string arithmetic = LayerText.OutputArithmetic(layer);
        string parameters = LayerText.ParameterArithmetic(layer);
        w.Line($"//     {(arithmetic.Length > 0 ? arithmetic + "; " : "")}{parameters}");
    }

    /// <summary>The generated PrepareWeights / PrepareBackwardWeights / PrepareInferenceWeights methods this network has.</summary>
    private static IEnumerable<string> PrepareMethods(NetworkPlan plan)
    {
        if (plan.TransformsForwardWeights)
        {
            yield return "PrepareWeights";
        }

        if (plan.TransformsBackwardWeights)
        {
            yield return "PrepareBackwardWeights";
        }

        if (plan.Inference is { TransformsForwardWeights: true })
        {
            yield return "PrepareInferenceWeights";
        }
    }

    /// <summary>
    /// The method that brings <paramref name="plan"/>'s transformed weights up to date: the training plan's forward or
    /// backward forms, or the inference plan's (its own copies, with BatchNorm folded in where it is).
    /// </summary>
    private static string PrepareName(NetworkPlan plan, bool backward) =>
        backward ? "PrepareBackwardWeights" : plan.IsInference ? "PrepareInferenceWeights" : "PrepareWeights";

    /// <summary>
    /// PrepareWeights (forward: Winograd's U, filters in lanes' T) or PrepareBackwardWeights (U' for input gradients): each statement
    /// recomputes one layer's transformed weights when its weights changed.
    /// </summary>
    private static void EmitPrepareWeights(IndentedWriter w, NetworkPlan plan, bool backward)
    {
        if (!(backward ? plan.TransformsBackwardWeights : plan.TransformsForwardWeights))
        {
            return;
        }

        w.Line();
        string pass = backward ? "backward" : plan.IsInference ? "inference" : plan.Inference is null ? "forward" : "training plan's forward";
        w.Line($"/// <summary>Brings the transformed weights the {pass} pass uses up to date with the parameters (each layer skips the work when its weights did not change).</summary>");
        using (w.Block($"public static void {PrepareName(plan, backward)}({Storage} storage)"))
        {
            foreach (LayerPlan layer in plan.Layers)
            {
                layer.EmitPrepareWeights(w, backward);
            }
        }
    }

    /// <summary>
    /// The reference to the transformed-weights array, when a pass multiplies with it; a per-sample pass first brings
    /// it up to date (<paramref name="prepare"/>), a batched one finds it prepared before the workers started.
    /// </summary>
    internal static void TransformedReference(IndentedWriter w, bool needed, string? prepare)
    {
        if (!needed)
        {
            return;
        }

        if (prepare is not null)
        {
            w.Line($"{prepare}(storage);");
        }

        w.Line("ref float t = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(storage.Transformed);");
    }

    internal static void References(IndentedWriter w, bool slots, string gradients)
    {
        w.Line("ref float p = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(storage.Parameters);");
        w.Line($"ref float g = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference({gradients});");
        w.Line(slots
            ? "global::System.ReadOnlySpan<float[]> slots = storage.Slots;"
            : "ref float ws = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(storage.Workspace);");
    }
}

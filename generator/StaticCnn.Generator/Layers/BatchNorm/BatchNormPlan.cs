using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// A BatchNorm's statements. Training mode: each sample's per-channel mean and M2 end a phase; the sync combines them in
/// sample order (Chan's formula), updates the running statistics and makes the batch's scale and shift, which the next
/// phase applies (with the ReLU after it, in place). Backward mirrors it: each sample's sum(dy) and sum(dy * xhat) end a
/// phase, the sync adds the weight and bias gradients, the next phase computes dx. Evaluation mode: the running
/// statistics' scale and shift (PrepareEvaluation), one pass.
/// </summary>
internal sealed class BatchNormPlan : LayerPlan
{
    public BatchNormPlan(LayerShape shape, BufferPlan input, BufferPlan output, BufferPlan inputGradient, BufferPlan outputGradient, BufferPlan sums, BufferPlan state)
        : base(shape, input, output, inputGradient, outputGradient)
    {
        Sums = sums;
        State = state;
    }

    /// <summary>Per sample (workspace): the channels' (mean, M2) forward, (sum dy, sum dy * xhat) backward.</summary>
    public BufferPlan Sums { get; }

    /// <summary>Shared (transformed array): ten rows of C floats, see <see cref="Row"/>.</summary>
    public BufferPlan State { get; }

    /// <summary>The ReLU right after it, applied as it stores (the ReLU then does nothing forward).</summary>
    public ActivationPlan? FusedRelu { get; set; }

    private BatchNormSpec Spec => (BatchNormSpec)Shape.Layer;

    private int C => Shape.Input.C;

    private int Plane => Shape.Input.H * Shape.Input.W;

    private string Sizes => $"{C}, {Plane}";

    private ParameterSpec Tensor(ParameterRole role) => System.Linq.Enumerable.First(Shape.Parameters, t => t.Role == role);

    /// <summary>Offset of state row r: 0 batch mean, 1 batch variance, 2 batch 1/std, 3 batch scale, 4 batch shift, 5 sum dy, 6 sum dy*xhat, 7 running 1/std, 8 running scale, 9 running shift.</summary>
    private int Row(int r) => State.Offset + (r * C);

    private string T(int r) => $"ref TS.At(ref t, {Row(r)})";

    private string Ws(BufferPlan buffer) => $"ref TS.At(ref ws, {buffer.Offset})";

    public override bool ModeDependent => true;

    public override bool EndsTrainingPhase => true;

    public override string ForwardStatement => ModeForwardStatement(training: false, part: 1);

    public override string ModeForwardStatement(bool training, int part)
    {
        string relu = FusedRelu is null ? "false" : "true";
        if (training && part == 0)
        {
            return $"global::StaticCnn.Kernels.BatchNormKernels.SampleStatistics<TS, TV>({Ws(Input)}, {Sizes}, {Ws(Sums)});";
        }

        return training
            ? $"global::StaticCnn.Kernels.BatchNormKernels.Normalize<TS, TV>({Ws(Input)}, {Ws(Output)}, {Sizes}, {T(3)}, {T(4)}, {relu});"
            : $"global::StaticCnn.Kernels.BatchNormKernels.Normalize<TS, TV>({Ws(Input)}, {Ws(Output)}, {Sizes}, {T(8)}, {T(9)}, {relu});";
    }

    public override string BackwardComment(bool first) =>
        $"// {Heading}: dweight += sum dY * xhat, dbias += sum dY{(first ? ", and dX if asked" : ", dX")} (training: through the batch's mean and variance).";

    public override bool BackwardOnlyForInputGradient => false;

    public override string BackwardStatement(bool first) => ModeBackwardStatement(first, training: false, part: 1);

    public override string ModeBackwardStatement(bool first, bool training, int part)
    {
        int weight = Tensor(ParameterRole.Scale).Offset, bias = Tensor(ParameterRole.Shift).Offset;
        string Guard(string statement) => first ? $"if (wantInput) {{ {statement} }}" : statement;
        if (training && part == 0)
        {
            return $"global::StaticCnn.Kernels.BatchNormKernels.BackwardSums<TS, TV>({Ws(Input)}, {Ws(OutputGradient)}, {Sizes}, {T(0)}, {T(2)}, {Ws(Sums)});";
        }

        if (training)
        {
            return Guard($"global::StaticCnn.Kernels.BatchNormKernels.BackwardInput<TS, TV>({Ws(Input)}, {Ws(OutputGradient)}, {Ws(InputGradient)}, {Sizes}, {T(0)}, {T(2)}, ref TS.At(ref p, {weight}), {T(5)}, {T(6)}, (float)((long)storage.BatchCount * {Plane}));");
        }

        int runningMean = Tensor(ParameterRole.RunningMean).Offset;
        return $"global::StaticCnn.Kernels.BatchNormKernels.BackwardSums<TS, TV>({Ws(Input)}, {Ws(OutputGradient)}, {Sizes}, ref TS.At(ref b, {runningMean}), {T(7)}, {Ws(Sums)}); " +
            $"for (int c = 0; c < {C}; c++) {{ TS.At(ref g, {weight} + c) += TS.At(ref ws, {Sums.Offset} + (2 * c) + 1); TS.At(ref g, {bias} + c) += TS.At(ref ws, {Sums.Offset} + (2 * c)); }} " +
            Guard($"global::StaticCnn.Kernels.BatchNormKernels.ScaleBackward<TS, TV>({Ws(OutputGradient)}, {Ws(InputGradient)}, {Sizes}, {T(8)});");
    }

    public override void EmitForwardSync(IndentedWriter w)
    {
        int runningMean = Tensor(ParameterRole.RunningMean).Offset, runningVariance = Tensor(ParameterRole.RunningVariance).Offset;
        int batches = Tensor(ParameterRole.BatchesTracked).Offset;
        int weight = Tensor(ParameterRole.Scale).Offset, bias = Tensor(ParameterRole.Shift).Offset;
        w.Line($"// {Heading}: the batch's mean and biased variance from every sample's (mean, M2), in sample order; the running");
        w.Line($"// statistics move by momentum {Format.Float(Spec.Momentum)} (the variance unbiased); scale = weight / sqrt(var + {Format.Float(Spec.Epsilon)}), shift = bias - mean * scale.");
        w.Line($"global::System.Span<float> state = new global::System.Span<float>(storage.Transformed, {State.Offset}, {State.Length});");
        w.Line($"long values = (long)count * {Plane};");
        using (w.Block("if (values < 2)"))
        {
            w.Line($"global::StaticCnn.NetworkErrors.ThrowBatchNormNeedsValues({Text.Literal(Shape.Name)}, {C}, values);");
        }

        w.Line($"global::StaticCnn.Kernels.BatchNormKernels.Combine(storage.Slots, {Sums.Offset}, count, {Sizes}, state.Slice(0, {C}), state.Slice({C}, {C}));");
        w.Line($"global::StaticCnn.Kernels.BatchNormKernels.UpdateRunning(new global::System.Span<float>(storage.Buffers, {runningMean}, {C}), new global::System.Span<float>(storage.Buffers, {runningVariance}, {C}), ref storage.Buffers[{batches}], state.Slice(0, {C}), state.Slice({C}, {C}), values, {Format.FloatLiteral(Spec.Momentum)});");
        w.Line($"global::StaticCnn.Kernels.BatchNormKernels.ScaleShift(state.Slice(0, {C}), state.Slice({C}, {C}), new global::System.Span<float>(storage.Parameters, {weight}, {C}), new global::System.Span<float>(storage.Parameters, {bias}, {C}), {Format.FloatLiteral(Spec.Epsilon)}, state.Slice({3 * C}, {C}), state.Slice({4 * C}, {C}), state.Slice({2 * C}, {C}));");
    }

    public override void EmitBackwardSync(IndentedWriter w)
    {
        int weight = Tensor(ParameterRole.Scale).Offset, bias = Tensor(ParameterRole.Shift).Offset;
        w.Line($"// {Heading}: sum dy and sum dy * xhat over the batch, in sample order: the bias and weight gradients, and what dX needs.");
        w.Line($"global::System.Span<float> state = new global::System.Span<float>(storage.Transformed, {State.Offset}, {State.Length});");
        w.Line($"global::StaticCnn.Kernels.BatchNormKernels.CombineSums(storage.Slots, {Sums.Offset}, count, {C}, state.Slice({5 * C}, {C}), state.Slice({6 * C}, {C}));");
        using (w.Block($"for (int c = 0; c < {C}; c++)"))
        {
            w.Line($"storage.Gradients[{weight} + c] += state[{6 * C} + c];");
            w.Line($"storage.Gradients[{bias} + c] += state[{5 * C} + c];");
        }
    }

    public override void EmitPrepareEvaluation(IndentedWriter w)
    {
        int runningMean = Tensor(ParameterRole.RunningMean).Offset, runningVariance = Tensor(ParameterRole.RunningVariance).Offset;
        int weight = Tensor(ParameterRole.Scale).Offset, bias = Tensor(ParameterRole.Shift).Offset;
        w.Line($"// {Heading}: scale = weight / sqrt(running_var + {Format.Float(Spec.Epsilon)}), shift = bias - running_mean * scale, recomputed");
        w.Line("// only when the weight, bias or running statistics changed (a vectorised comparison with the copy they were made from).");
        w.Line($"if (global::StaticCnn.Kernels.BatchNormKernels.Changed(new global::System.Span<float>(storage.Transformed, {Row(10)}, {(4 * C) + 1}), new global::System.ReadOnlySpan<float>(storage.Parameters, {weight}, {2 * C}), new global::System.ReadOnlySpan<float>(storage.Buffers, {runningMean}, {2 * C})))");
        w.Line($"    global::StaticCnn.Kernels.BatchNormKernels.ScaleShift(new global::System.Span<float>(storage.Buffers, {runningMean}, {C}), new global::System.Span<float>(storage.Buffers, {runningVariance}, {C}), new global::System.Span<float>(storage.Parameters, {weight}, {C}), new global::System.Span<float>(storage.Parameters, {bias}, {C}), {Format.FloatLiteral(Spec.Epsilon)}, new global::System.Span<float>(storage.Transformed, {Row(8)}, {C}), new global::System.Span<float>(storage.Transformed, {Row(9)}, {C}), new global::System.Span<float>(storage.Transformed, {Row(7)}, {C}));");
    }

    /// <summary>The evaluation-mode scale and shift rows, which a layer it is folded into applies.</summary>
    public AffineEpilogue Folded => new(Row(8), Row(9), Index);

    /// <summary>A ReLU right after the BatchNorm is applied as it stores its outputs, in place.</summary>
    public override void Fuse(LayerPlan next)
    {
        if (next is ActivationPlan { Kind: LayerKind.ReLU } relu)
        {
            FusedRelu = relu;
            relu.FusedIntoPrevious = true;
        }
    }
}

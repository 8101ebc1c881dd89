using System;
using System.Collections.Generic;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>
/// Lays out every buffer of a checked network in one workspace at constant offsets; each layer kind plans its own
/// buffers and kernels (<see cref="Layers.LayerDefinition.Plan"/>), picking its form and register blocking from the
/// exact shapes. Pure: no Roslyn types.
/// </summary>
internal static class NetworkPlanner
{
    /// <summary>Largest workspace (floats) a plan may use: a float[] holds at most this many.</summary>
    public const long MaxWorkspace = 0x7FFFFFC7;

    /// <summary>Windows with at most this many taps are unrolled completely; larger ones loop over rows.</summary>
    public const int FullUnrollTaps = 49;

    /// <summary>
    /// Plans a valid network. Returns null with <paramref name="error"/> set when the buffers would not fit in
    /// one array (the only way a valid declaration can still be too big).
    /// </summary>
    public static NetworkPlan? Plan(NetworkSpec spec, NetworkShapes shapes, out ShapeError? error)
    {
        error = null;
        var plan = new NetworkPlan(spec, shapes);
        int maxKernel = 1;
        LayerShape widest = shapes.Layers[0];
        foreach (LayerShape layer in shapes.Layers)
        {
            int span = Math.Max(layer.Window.SpanHeight, layer.Window.SpanWidth);
            if (span > maxKernel)
            {
                maxKernel = span;
                widest = layer;
            }
        }

        long slack = RoundUp((Blocking.MaxLanes * 4L) + maxKernel + Blocking.MaxLanes, Blocking.MaxLanes);
        if (slack > int.MaxValue / 4)
        {
            // The zeros after every buffer must cover the widest window's row: reported on that window's layer.
            error = TooLarge(spec, widest, slack);
            return null;
        }

        plan.Slack = (int)slack;
        var workspace = new Workspace(plan);
        plan.Input = workspace.Add("X0", shapes.Input.Length, $"input {shapes.Input}");
        plan.InputGradient = workspace.Add("G0", shapes.Input.Length, $"dLoss/dInput {shapes.Input}");

        // Each layer's output and output gradient by layer index (0: the input sample's copy); how many of each
        // tensor's readers are planned so far.
        var outputs = new Dictionary<int, (BufferPlan Output, BufferPlan Gradient)> { [0] = (plan.Input, plan.InputGradient) };
        var planned = new Dictionary<int, int>();
        foreach (LayerShape layer in shapes.Layers)
        {
            // Checked in long before the planners do their index arithmetic in int.
            if (layer.Definition.PaddedLength(layer) is long padded and > MaxWorkspace)
            {
                error = TooLarge(spec, layer, padded);
                return null;
            }

            var inputs = new List<BufferPlan>();
            var inputGradients = new List<BufferPlan>();
            foreach (int source in layer.Operands)
            {
                (BufferPlan output, BufferPlan gradient) = outputs[source];
                planned.TryGetValue(source, out int readers);
                planned[source] = readers + 1;
                inputs.Add(output);
                if (readers == 0)
                {
                    inputGradients.Add(gradient);
                    continue;
                }

                // A second reader writes its gradient apart; backward adds it to the first reader's before the tensor's own layer runs.
                BufferPlan extra = workspace.Add($"G{source}r{readers + 1}", gradient.Length,
                    $"dLoss/d({(source == 0 ? "input" : $"[{source}]'s output")}) through its reader #{readers + 1}, [{layer.Index}] {layer.Kind}; added into {gradient.Name}");
                if (!plan.GradientSums.TryGetValue(source, out List<(BufferPlan From, BufferPlan To)>? sums))
                {
                    plan.GradientSums[source] = sums = new List<(BufferPlan From, BufferPlan To)>();
                }

                sums.Add((extra, gradient));
                inputGradients.Add(extra);
            }

            LayerPlan layerPlan = layer.Definition.Plan(layer, new PlanContext(plan, workspace, inputs, inputGradients));
            if (workspace.Overflowed)
            {
                error = TooLarge(spec, layer, workspace.Length);
                return null;
            }

            plan.Layers.Add(layerPlan);
            outputs[layer.Index] = (layerPlan.Output, layerPlan.OutputGradient);
        }

        FuseReaders(plan, new HashSet<int>());
        foreach (LayerPlan layer in plan.Layers)
        {
            layer.Complete();
        }

        if (plan.ModeDependent)
        {
            plan.Inference = PlanInference(spec, shapes, plan, workspace, out error);
            if (plan.Inference is null)
            {
                return null;
            }
        }

        plan.WorkspaceLength = (int)workspace.Length;
        plan.TransformedLength = (int)workspace.TransformedLength;
        return plan;
    }

    /// <summary>
    /// The inference plan of a network with BatchNorm or Dropout (<see cref="NetworkPlan.Inference"/>): the layers again,
    /// in buffers of their own after the training plan's, but a BatchNorm right after a convolution or dense layer folded
    /// into that layer (its evaluation-mode scale and shift applied to the layer's outputs as they are stored, so that a
    /// ReLU after it fuses with the layer as it would without the BatchNorm) and Dropout, the identity at inference,
    /// left out. Other BatchNorms (after pooling, on the input) stay as evaluation-mode layers. Its layer outputs are
    /// planned by liveness (<see cref="OutputPool"/>): laid out once to learn which layer reads which output last, then
    /// again with the outputs packed into one region where those not alive at the same time share memory.
    /// </summary>
    private static NetworkPlan? PlanInference(NetworkSpec spec, NetworkShapes shapes, NetworkPlan training, Workspace workspace, out ShapeError? error)
    {
        var checkpoint = workspace.Checkpoint();
        var pool = new OutputPool(training.Slack);
        workspace.Pool = pool;
        try
        {
            if (LayOutInference(spec, shapes, training, workspace, pool, out error) is not { } recorded)
            {
                return null;
            }

            pool.Use(recorded.Last.Output, int.MaxValue); // the caller reads the network's output after the pass
            workspace.Restore(checkpoint);
            pool.Assign(workspace.Length);
            workspace.Reserve(pool.Base - workspace.Length + pool.Length);
            if (LayOutInference(spec, shapes, training, workspace, pool, out error) is not { } plan)
            {
                return null;
            }

            plan.Pool = pool;
            return plan;
        }
        finally
        {
            workspace.Pool = null;
        }
    }

    /// <summary>One layout of the inference plan (<see cref="PlanInference"/>); the second one also fuses and completes it.</summary>
    private static NetworkPlan? LayOutInference(NetworkSpec spec, NetworkShapes shapes, NetworkPlan training, Workspace workspace, OutputPool pool, out ShapeError? error)
    {
        error = null;
        bool final = pool.Offsets is not null;
        var plan = new NetworkPlan(spec, shapes, training.Readers) { IsInference = true, Slack = training.Slack, Input = training.Input, InputGradient = training.InputGradient };
        var outputs = new Dictionary<int, (BufferPlan Output, BufferPlan Gradient)> { [0] = (training.Input, training.InputGradient) };
        var skipped = new HashSet<int>();
        workspace.NamePrefix = "i";
        for (int i = 0; i < shapes.Layers.Count; i++)
        {
            LayerShape layer = shapes.Layers[i];
            bool alone = plan.Layers.Count == 0 && i == shapes.Layers.Count - 1;
            if ((layer.Kind == LayerKind.Dropout && !alone) || (layer.Kind == LayerKind.BatchNorm && FoldsInto(training, layer) is not null))
            {
                // Dropout is the identity at inference (kept only when nothing else would be left); a folded BatchNorm is
                // computed by the layer before it. Readers of either read what it reads.
                outputs[layer.Index] = outputs[layer.Source];
                skipped.Add(layer.Index);
                continue;
            }

            var inputs = new List<BufferPlan>();
            var gradients = new List<BufferPlan>();
            foreach (int source in layer.Operands)
            {
                // An inference plan has no backward: every reader names the tensor's one gradient buffer, never written.
                inputs.Add(outputs[source].Output);
                gradients.Add(outputs[source].Gradient);
            }

            int step = plan.Layers.Count;
            workspace.Step = step;
            int buffers = training.Buffers.Count;
            LayerPlan layerPlan = layer.Definition.Plan(layer, new PlanContext(plan, workspace, inputs, gradients, training));
            layerPlan.Inference = true;
            if (training.Readers.SoleReader(layer.Index) is { Kind: LayerKind.BatchNorm } batchNorm && Folds(layer))
            {
                layerPlan.Affine = ((Layers.BatchNormPlan)training.Layers[batchNorm.Index - 1]).Folded;
            }

            if (workspace.Overflowed)
            {
                error = TooLarge(spec, layer, workspace.Length);
                return null;
            }

            foreach (BufferPlan input in inputs)
            {
                pool.Use(input, step);
            }

            pool.Use(layerPlan.Output, step);
            if (final && !ReferenceEquals(layerPlan.Output, inputs[0]) && training.Buffers.IndexOf(layerPlan.Output, buffers) >= 0)
            {
                // Its output is a new place in the pool: the zeros around it are restored after it is written.
                layerPlan.PooledOutput = layerPlan.Output;
            }

            plan.Layers.Add(layerPlan);
            outputs[layer.Index] = (layerPlan.Output, layerPlan.OutputGradient);
        }

        workspace.NamePrefix = "";
        if (final)
        {
            FuseReaders(plan, skipped);
            Layers.ConvPlanner.LinkPixelMajor(plan.Layers, plan.Readers, skipped);
            foreach (LayerPlan layer in plan.Layers)
            {
                layer.Complete();
            }
        }

        return plan;
    }

    /// <summary>The convolution or dense layer a BatchNorm folds into at inference (its only reader is the BatchNorm), or null.</summary>
    private static LayerShape? FoldsInto(NetworkPlan training, LayerShape batchNorm) =>
        batchNorm.Source > 0 && training.Shapes.Layers[batchNorm.Source - 1] is { } before && Folds(before) && training.Readers.SoleReader(before.Index) == batchNorm
            ? before
            : null;

    /// <summary>
    /// Offers each layer the layer right after it when that one is its only reader, looking through the layers an
    /// inference plan leaves out (<paramref name="skipped"/>: Dropout, folded BatchNorm) (<see cref="FuseIfInPlace"/>).
    /// </summary>
    private static void FuseReaders(NetworkPlan plan, HashSet<int> skipped)
    {
        for (int i = 0; i + 1 < plan.Layers.Count; i++)
        {
            LayerPlan layer = plan.Layers[i], next = plan.Layers[i + 1];
            LayerShape? reader = plan.Readers.SoleReader(layer.Index);
            while (reader is not null && skipped.Contains(reader.Index))
            {
                reader = plan.Readers.SoleReader(reader.Index);
            }

            if (reader == next.Shape)
            {
                FuseIfInPlace(layer, next);
            }
        }
    }

    /// <summary>
    /// Lets a layer compute the activation after it as it stores its outputs, when that activation runs in place in the
    /// layer's output. In the inference plan a Dropout left out can put a ReLU right after a layer it did not follow in
    /// the declaration; that ReLU has its own buffer (it was planned after the Dropout), so it runs as its own pass: fused,
    /// nothing would write its output.
    /// </summary>
    private static void FuseIfInPlace(LayerPlan layer, LayerPlan next)
    {
        if (next is not Layers.ActivationPlan || next.Output.Offset == layer.Output.Offset)
        {
            layer.Fuse(next);
        }
    }

    /// <summary>A layer a BatchNorm right after it folds into at inference: a convolution or dense layer.</summary>
    private static bool Folds(LayerShape layer) => layer.Kind is LayerKind.Conv2D or LayerKind.DepthwiseConv2D or LayerKind.Dense;

    /// <summary>
    /// The floats of a window layer's padded input grid (with a ceil-rounded pool's overhang), counted in long: a
    /// padding up to the window size can make it far larger than the input and output, which both fit an int.
    /// </summary>
    public static long PaddedGridLength(LayerShape layer)
    {
        Window w = layer.Window;
        long hp = Math.Max((long)layer.Input.H + w.PadTop + w.PadBottom, Shape.Product(layer.Output.H - 1L, w.StrideHeight) + w.SpanHeight);
        long wp = Math.Max((long)layer.Input.W + w.PadLeft + w.PadRight, Shape.Product(layer.Output.W - 1L, w.StrideWidth) + w.SpanWidth);
        return Shape.Product(Shape.Product(layer.Input.C, hp), wp);
    }

    private static ShapeError TooLarge(NetworkSpec spec, LayerShape layer, long length) =>
        new(Rule.Overflow, layer.Index, "",
            $"{layer.Name}: the buffers network '{spec.Type.DisplayName}' needs up to this layer add up to {Format.Count(length)} floats, more than one array can hold ({Format.Count(MaxWorkspace)}).",
            EquatableArray<FitSuggestion>.Empty);

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    public static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}

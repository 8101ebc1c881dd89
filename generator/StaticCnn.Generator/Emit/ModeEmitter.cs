using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Planning;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// The passes of a network with BatchNorm or Dropout, whose layers compute differently in training and evaluation
/// mode. Every pass runs over batch slots (a per-sample Forward is a batch of one). A training-mode pass is split
/// into phases at each BatchNorm: the phase before it ends with every sample's statistics, a sync on the calling
/// thread combines them in sample order, and the next phase normalises; backward mirrors it. An evaluation-mode
/// pass is one phase, with every BatchNorm's scale and shift prepared from its running statistics beforehand.
/// </summary>
internal static class ModeEmitter
{
    private const string Storage = NetworkEmitter.Storage;

    /// <summary>The kernels-class methods: the training plan's passes in either mode, the syncs and PrepareEvaluation.</summary>
    public static void EmitKernels(IndentedWriter w, NetworkPlan plan)
    {
        List<LayerPlan> phaseEnds = plan.Layers.Where(l => l.EndsTrainingPhase).ToList();
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Forward over slots [first, first + count) keeping the activations for backward. Training mode runs in {phaseEnds.Count + 1} phases,");
        w.Line("/// split at every BatchNorm (its statistics need the whole batch); evaluation mode in one.");
        w.Line("/// </summary>");
        w.Line(Names.AggressiveOptimization);
        using (w.Block($"public static void TrainingForwardSlots{Names.KernelTypeParameters}({Storage} storage, int first, int count, int phase, bool training) {Names.KernelConstraints}"))
        {
            Refs(w, plan, "storage.Gradients");
            using (w.Block("if (!training)"))
            {
                var steps = plan.Layers.Select(l => (l, l.ModeForwardStatement(false, 1))).ToList();
                Phase(w, plan, steps, forward: true);
                w.Line("return;");
            }

            w.Line();
            List<List<(LayerPlan Layer, string Statement)>> phases = ForwardPhases(plan);
            using (w.Block("switch (phase)"))
            {
                for (int k = 0; k < phases.Count; k++)
                {
                    w.Line($"case {k}:");
                    using (w.Block())
                    {
                        Phase(w, plan, phases[k], forward: true);
                        w.Line("break;");
                    }
                }
            }
        }

        w.Line();
        w.Line("/// <summary>Backward over slots [first, first + count) in the mode of their forward pass, in phases as forward (from the last layer down).</summary>");
        w.Line(Names.AggressiveOptimization);
        using (w.Block($"public static void TrainingBackwardSlots{Names.KernelTypeParameters}({Storage} storage, float[] gradients, int first, int count, bool wantInput, int phase, bool training) {Names.KernelConstraints}"))
        {
            Refs(w, plan, "gradients");
            using (w.Block("if (!training)"))
            {
                Phase(w, plan, BackwardPhases(plan, training: false)[0], forward: false);
                w.Line("return;");
            }

            w.Line();
            List<List<(LayerPlan? Layer, string Statement)>> phases = BackwardPhases(plan, training: true);
            using (w.Block("switch (phase)"))
            {
                for (int k = 0; k < phases.Count; k++)
                {
                    w.Line($"case {k}:");
                    using (w.Block())
                    {
                        Phase(w, plan, phases[k], forward: false);
                        w.Line("break;");
                    }
                }
            }
        }

        w.Line();
        w.Line("/// <summary>After training-mode forward phase <paramref name=\"phase\"/>: the BatchNorm that ends it combines the batch's statistics.</summary>");
        using (w.Block($"public static void ForwardSync({Storage} storage, int count, int phase)"))
        {
            Syncs(w, phaseEnds, (layer, writer) => layer.EmitForwardSync(writer));
        }

        w.Line();
        w.Line("/// <summary>After training-mode backward phase <paramref name=\"phase\"/>: the BatchNorm that ends it (from the last one up) adds its gradients.</summary>");
        using (w.Block($"public static void BackwardSync({Storage} storage, int count, int phase)"))
        {
            var reversed = new List<LayerPlan>(phaseEnds);
            reversed.Reverse();
            Syncs(w, reversed, (layer, writer) => layer.EmitBackwardSync(writer));
        }

        w.Line();
        w.Line("/// <summary>Before an evaluation-mode pass: every BatchNorm's scale and shift from its running statistics.</summary>");
        using (w.Block($"public static void PrepareEvaluation({Storage} storage)"))
        {
            foreach (LayerPlan layer in plan.Layers)
            {
                layer.EmitPrepareEvaluation(w);
            }
        }
    }

    /// <summary>The batch class's overrides for the phased passes.</summary>
    public static void EmitBatchOverrides(IndentedWriter w, NetworkPlan plan, string kernels)
    {
        int phases = plan.Layers.Count(l => l.EndsTrainingPhase) + 1;
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override int ForwardPhases(bool training) => training ? {phases} : 1;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block($"public override void Forward({Storage} storage, int first, int count, int phase, bool training)"))
        {
            NetworkEmitter.WidthSwitch(w, "storage.Width", (simd, vector) => $"{kernels}.TrainingForwardSlots<{simd}, {vector}>(storage, first, count, phase, training);");
        }

        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override void ForwardSync({Storage} storage, int count, int phase) => {kernels}.ForwardSync(storage, count, phase);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override int BackwardPhases(bool training) => training ? {phases} : 1;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block($"public override void Backward({Storage} storage, float[] gradients, int first, int count, bool inputGradients, int phase, bool training)"))
        {
            NetworkEmitter.WidthSwitch(w, "storage.Width", (simd, vector) => $"{kernels}.TrainingBackwardSlots<{simd}, {vector}>(storage, gradients, first, count, inputGradients, phase, training);");
        }

        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override void BackwardSync({Storage} storage, int count, int phase) => {kernels}.BackwardSync(storage, count, phase);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override void PrepareEvaluation({Storage} storage) => {kernels}.PrepareEvaluation(storage);");
    }

    /// <summary>Training-mode forward phases: each ends with a BatchNorm's part 0 (statistics) and the next starts with its part 1.</summary>
    private static List<List<(LayerPlan Layer, string Statement)>> ForwardPhases(NetworkPlan plan)
    {
        var phases = new List<List<(LayerPlan, string)>> { new() };
        foreach (LayerPlan layer in plan.Layers)
        {
            if (layer.EndsTrainingPhase)
            {
                phases[phases.Count - 1].Add((layer, layer.ModeForwardStatement(true, 0)));
                phases.Add(new List<(LayerPlan, string)> { (layer, layer.ModeForwardStatement(true, 1)) });
            }
            else
            {
                phases[phases.Count - 1].Add((layer, layer.ModeForwardStatement(true, 1)));
            }
        }

        return phases;
    }

    /// <summary>Training-mode backward phases, from the last layer down, split at every BatchNorm as forward's.</summary>
    private static List<List<(LayerPlan? Layer, string Statement)>> BackwardPhases(NetworkPlan plan, bool training)
    {
        var phases = new List<List<(LayerPlan?, string)>> { new() };
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = plan.Layers[i];
            bool first = layer.ReadsNetworkInput;
            if (plan.GradientSumStatement(layer.Index) is { } sums)
            {
                // Before the layer's backward (its part in the phase that runs first): its output gradient is complete.
                phases[phases.Count - 1].Add((null, sums));
            }

            if (training && layer.EndsTrainingPhase)
            {
                phases[phases.Count - 1].Add((layer, layer.ModeBackwardStatement(first, true, 0)));
                phases.Add(new List<(LayerPlan?, string)> { (layer, layer.ModeBackwardStatement(first, true, 1)) });
            }
            else
            {
                phases[phases.Count - 1].Add((layer, layer.ModeBackwardStatement(first, training, 1)));
            }
        }

        if (plan.GradientSumStatement(0) is { } inputSums)
        {
            phases[phases.Count - 1].Add((null, inputSums));
        }

        return phases;
    }

    /// <summary>One phase's statements: sample by sample over the slots, or layer by layer for networks whose weights outgrow the cache.</summary>
    private static void Phase<TLayer>(IndentedWriter w, NetworkPlan plan, List<(TLayer Layer, string Statement)> steps, bool forward)
        where TLayer : LayerPlan?
    {
        bool layerMajor = NetworkEmitter.LayerMajor(plan);
        IndentedWriter.Scope? loop = null;
        if (!layerMajor)
        {
            loop = w.Block("for (int i = first; i < first + count; i++)");
            w.Line("ref float ws = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(slots[i]);");
        }

        foreach ((TLayer step, string statement) in steps)
        {
            w.Line();
            if (step is not LayerPlan layer)
            {
                // Gradient sums of a tensor several layers read; the input's only when the caller wants dLoss/dInput.
                NetworkEmitter.PerSlot(w, layerMajor, guarded: statement.StartsWith(NetworkPlan.InputGradientSumComment, System.StringComparison.Ordinal), statement);
                continue;
            }

            if (forward)
            {
                NetworkEmitter.LayerComment(w, layer.Shape);
            }
            else
            {
                w.Line(layer.BackwardComment(layer.ReadsNetworkInput));
            }

            bool perSlot = forward ? layer.ForwardPerSlot : layer.BackwardPerSlot;
            bool guarded = !forward && layer.ReadsNetworkInput && layer.BackwardOnlyForInputGradient;
            if (perSlot)
            {
                NetworkEmitter.PerSlot(w, layerMajor, guarded, statement);
            }
            else
            {
                w.Line(statement);
            }
        }

        loop?.Dispose();
    }

    private static void Syncs(IndentedWriter w, List<LayerPlan> layers, System.Action<LayerPlan, IndentedWriter> body)
    {
        if (layers.Count == 0)
        {
            return;
        }

        using (w.Block("switch (phase)"))
        {
            for (int k = 0; k < layers.Count; k++)
            {
                w.Line($"case {k}:");
                using (w.Block())
                {
                    body(layers[k], w);
                    w.Line("break;");
                }
            }
        }
    }

    /// <summary>The references every pass uses: parameters, gradients, slots, the shared transformed array and the buffers.</summary>
    private static void Refs(IndentedWriter w, NetworkPlan plan, string gradients)
    {
        NetworkEmitter.References(w, slots: true, gradients);
        if (plan.TransformedLength > 0)
        {
            w.Line("ref float t = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(storage.Transformed);");
        }

        if (plan.Shapes.BufferCount > 0)
        {
            w.Line("ref float b = ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(storage.Buffers);");
        }
    }
}

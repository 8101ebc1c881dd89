using System.Collections.Generic;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>What a layer kind's planner gets: the network's plan and workspace, and the buffers its input lives in.</summary>
internal sealed class PlanContext
{
    public PlanContext(NetworkPlan network, Workspace workspace, BufferPlan input, BufferPlan inputGradient, NetworkPlan? training = null)
        : this(network, workspace, new[] { input }, new[] { inputGradient }, training)
    {
    }

    /// <param name="network">The plan being made.</param>
    /// <param name="workspace">Its workspace.</param>
    /// <param name="inputs">The buffers of the layer's operands (<see cref="LayerShape.Inputs"/> order).</param>
    /// <param name="inputGradients">Where backward writes each operand's gradient.</param>
    /// <param name="training">When planning the inference plan, the training plan.</param>
    public PlanContext(NetworkPlan network, Workspace workspace, IReadOnlyList<BufferPlan> inputs, IReadOnlyList<BufferPlan> inputGradients, NetworkPlan? training = null)
    {
        Training = training;
        Network = network;
        Workspace = workspace;
        Inputs = inputs;
        InputGradients = inputGradients;
        Input = inputs[0];
        InputGradient = inputGradients[0];
    }

    /// <summary>Every operand's buffer, for a layer that reads several (Add, Concat).</summary>
    public IReadOnlyList<BufferPlan> Inputs { get; }

    /// <summary>Every operand's gradient buffer, in <see cref="Inputs"/> order.</summary>
    public IReadOnlyList<BufferPlan> InputGradients { get; }

    public NetworkPlan Network { get; }

    /// <summary>Planning the inference plan (its buffers' names get an "i" in front, <see cref="Workspace.NamePrefix"/>).</summary>
    public bool Inference => Training is not null;

    /// <summary>When planning the inference plan, the training plan (complete): state a layer shares between the two lives there.</summary>
    public NetworkPlan? Training { get; }

    /// <summary>The training plan's plan of <paramref name="layer"/>, when planning the inference plan.</summary>
    public LayerPlan? TrainingPlanOf(LayerShape layer) => Training?.Layers[layer.Index - 1];

    public Workspace Workspace { get; }

    /// <summary>The output of the layer it reads (or the input sample's copy).</summary>
    public BufferPlan Input { get; }

    /// <summary>dLoss/dInput of this layer: the previous layer's output gradient.</summary>
    public BufferPlan InputGradient { get; }

    /// <summary>The layer whose output <paramref name="layer"/> reads (its first operand's), or null when it reads the network's input.</summary>
    public LayerShape? Previous(LayerShape layer) => layer.Source > 0 ? Network.Shapes.Layers[layer.Source - 1] : null;

    /// <summary>The one layer that reads <paramref name="layer"/>'s output, or null when none or several do.</summary>
    public LayerShape? Next(LayerShape layer) => Network.Readers.SoleReader(layer.Index);

    /// <summary>Whether a ReLU follows <paramref name="layer"/> and runs in place in its output.</summary>
    public bool ReluInPlaceAfter(LayerShape layer) =>
        layer.Definition.ReluRunsInPlaceAfter && Next(layer) is { Kind: Model.LayerKind.ReLU };

    /// <summary>The layer's own output (X{n}) and output gradient (G{n}) buffers.</summary>
    public (BufferPlan Output, BufferPlan OutputGradient) AddOutput(LayerShape layer)
    {
        int n = layer.Index;
        bool reluInPlace = ReluInPlaceAfter(layer);
        BufferPlan output = Workspace.AddOutput($"X{n}", layer.Output.Length,
            $"[{n}] {layer.Kind} output {layer.Output}{(reluInPlace ? $", through layer {n + 1}'s ReLU in place" : "")}", gradient: false);
        BufferPlan outputGradient = AddOutputGradient(layer);
        return (output, outputGradient);
    }

    /// <summary>The layer's output gradient buffer (G{n}) alone, for a layer that writes its output in place.</summary>
    public BufferPlan AddOutputGradient(LayerShape layer) =>
        Workspace.AddOutput($"G{layer.Index}", layer.Output.Length, $"[{layer.Index}] dLoss/dOutput {layer.Output}", gradient: true);
}

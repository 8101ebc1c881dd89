using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>What a layer kind's planner gets: the network's plan and workspace, and the buffers its input lives in.</summary>
internal sealed class PlanContext
{
    public PlanContext(NetworkPlan network, Workspace workspace, BufferPlan input, BufferPlan inputGradient, NetworkPlan? training = null)
    {
        Training = training;
        Network = network;
        Workspace = workspace;
        Input = input;
        InputGradient = inputGradient;
    }

    public NetworkPlan Network { get; }

    /// <summary>Planning the inference plan (its buffers' names get an "i" in front, <see cref="Workspace.NamePrefix"/>).</summary>
    public bool Inference => Training is not null;

    /// <summary>When planning the inference plan, the training plan (complete): state a layer shares between the two lives there.</summary>
    public NetworkPlan? Training { get; }

    /// <summary>The training plan's plan of <paramref name="layer"/>, when planning the inference plan.</summary>
    public LayerPlan? TrainingPlanOf(LayerShape layer) => Training?.Layers[layer.Index - 1];

    public Workspace Workspace { get; }

    /// <summary>The previous layer's output (or the input sample's copy).</summary>
    public BufferPlan Input { get; }

    /// <summary>dLoss/dInput of this layer: the previous layer's output gradient.</summary>
    public BufferPlan InputGradient { get; }

    /// <summary>The layer before <paramref name="layer"/>, or null for the first.</summary>
    public LayerShape? Previous(LayerShape layer) => layer.Index > 1 ? Network.Shapes.Layers[layer.Index - 2] : null;

    /// <summary>The layer after <paramref name="layer"/>, or null for the last.</summary>
    public LayerShape? Next(LayerShape layer) => layer.Index < Network.Shapes.Layers.Count ? Network.Shapes.Layers[layer.Index] : null;

    /// <summary>Whether a ReLU follows <paramref name="layer"/> and runs in place in its output.</summary>
    public bool ReluInPlaceAfter(LayerShape layer) =>
        layer.Definition.ReluRunsInPlaceAfter && Next(layer) is { Kind: Model.LayerKind.ReLU };

    /// <summary>The layer's own output (X{n}) and output gradient (G{n}) buffers.</summary>
    public (BufferPlan Output, BufferPlan OutputGradient) AddOutput(LayerShape layer)
    {
        int n = layer.Index;
        bool reluInPlace = ReluInPlaceAfter(layer);
        BufferPlan output = Workspace.Add($"X{n}", layer.Output.Length,
            $"[{n}] {layer.Kind} output {layer.Output}{(reluInPlace ? $", through layer {n + 1}'s ReLU in place" : "")}");
        BufferPlan outputGradient = AddOutputGradient(layer);
        return (output, outputGradient);
    }

    /// <summary>The layer's output gradient buffer (G{n}) alone, for a layer that writes its output in place.</summary>
    public BufferPlan AddOutputGradient(LayerShape layer) =>
        Workspace.Add($"G{layer.Index}", layer.Output.Length, $"[{layer.Index}] dLoss/dOutput {layer.Output}");
}

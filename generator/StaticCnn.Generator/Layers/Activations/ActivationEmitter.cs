using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>Activation layers: calls into the runtime's vectorised element-wise loops with constant lengths.</summary>
internal static class ActivationEmitter
{
    public static string Forward(ActivationPlan plan)
    {
        int n = plan.Output.Length;
        string x = $"ref TS.At(ref ws, {plan.Input.Offset})";
        string y = $"ref TS.At(ref ws, {plan.Output.Offset})";
        return plan.Kind switch
        {
            LayerKind.ReLU => $"global::StaticCnn.Kernels.Activations.ReluForward<TS, TV>({x}, {y}, {n});",
            LayerKind.LeakyReLU => $"global::StaticCnn.Kernels.Activations.LeakyReluForward<TS, TV>({x}, {y}, {n}, {Format.FloatLiteral(((ActivationSpec)plan.Shape.Layer).Slope)});",
            LayerKind.Sigmoid => $"global::StaticCnn.Kernels.Activations.SigmoidForward<TS, TV>({x}, {y}, {n});",
            LayerKind.Tanh => $"global::StaticCnn.Kernels.Activations.TanhForward<TS, TV>({x}, {y}, {n});",
            _ => throw new System.ArgumentException($"{plan.Kind} is not an activation."),
        };
    }

    public static string Backward(ActivationPlan plan)
    {
        int n = plan.Output.Length;
        string x = $"ref TS.At(ref ws, {plan.Input.Offset})";
        string y = $"ref TS.At(ref ws, {plan.Output.Offset})";
        string dy = $"ref TS.At(ref ws, {plan.OutputGradient.Offset})";
        string dx = $"ref TS.At(ref ws, {plan.InputGradient.Offset})";
        return plan.Kind switch
        {
            LayerKind.ReLU => $"global::StaticCnn.Kernels.Activations.ReluBackward<TS, TV>({y}, {dy}, {dx}, {n});",
            LayerKind.LeakyReLU => $"global::StaticCnn.Kernels.Activations.LeakyReluBackward<TS, TV>({x}, {dy}, {dx}, {n}, {Format.FloatLiteral(((ActivationSpec)plan.Shape.Layer).Slope)});",
            LayerKind.Sigmoid => $"global::StaticCnn.Kernels.Activations.SigmoidBackward<TS, TV>({y}, {dy}, {dx}, {n});",
            LayerKind.Tanh => $"global::StaticCnn.Kernels.Activations.TanhBackward<TS, TV>({y}, {dy}, {dx}, {n});",
            _ => throw new System.ArgumentException($"{plan.Kind} is not an activation."),
        };
    }

    /// <summary>What the backward step computes, for its comment.</summary>
    public static string BackwardRule(LayerKind kind) => kind switch
    {
        LayerKind.ReLU => "dX = dY where Y > 0 (exactly where X > 0), else 0",
        LayerKind.LeakyReLU => "dX = dY where X > 0, else slope * dY",
        LayerKind.Sigmoid => "dX = dY * Y * (1 - Y)",
        LayerKind.Tanh => "dX = dY * (1 - Y^2)",
        _ => throw new System.ArgumentException($"{kind} is not an activation."),
    };
}

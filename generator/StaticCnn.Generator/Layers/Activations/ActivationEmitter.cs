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
            LayerKind.ReLU6 => $"global::StaticCnn.Kernels.Activations.Relu6Forward<TS, TV>({x}, {y}, {n});",
            LayerKind.HardSigmoid => $"global::StaticCnn.Kernels.Activations.HardSigmoidForward<TS, TV>({x}, {y}, {n});",
            LayerKind.HardSwish => $"global::StaticCnn.Kernels.Activations.HardSwishForward<TS, TV>({x}, {y}, {n});",
            LayerKind.SiLU => $"global::StaticCnn.Kernels.Activations.SiluForward<TS, TV>({x}, {y}, {n});",
            LayerKind.GELU => $"global::StaticCnn.Kernels.Activations.{(((ActivationSpec)plan.Shape.Layer).ApproximateTanh ? "GeluTanh" : "Gelu")}Forward<TS, TV>({x}, {y}, {n});",
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
            LayerKind.ReLU6 => $"global::StaticCnn.Kernels.Activations.Relu6Backward<TS, TV>({y}, {dy}, {dx}, {n});",
            LayerKind.HardSigmoid => $"global::StaticCnn.Kernels.Activations.HardSigmoidBackward<TS, TV>({x}, {dy}, {dx}, {n});",
            LayerKind.HardSwish => $"global::StaticCnn.Kernels.Activations.HardSwishBackward<TS, TV>({x}, {dy}, {dx}, {n});",
            LayerKind.SiLU => $"global::StaticCnn.Kernels.Activations.SiluBackward<TS, TV>({x}, {dy}, {dx}, {n});",
            LayerKind.GELU => $"global::StaticCnn.Kernels.Activations.{(((ActivationSpec)plan.Shape.Layer).ApproximateTanh ? "GeluTanh" : "Gelu")}Backward<TS, TV>({x}, {dy}, {dx}, {n});",
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
        LayerKind.ReLU6 => "dX = dY where 0 < Y < 6 (exactly where 0 < X < 6), else 0",
        LayerKind.HardSigmoid => "dX = dY / 6 where -3 < X < 3, else 0",
        LayerKind.HardSwish => "dX = 0 where X < -3, dY * (X / 3 + 0.5) where X <= 3, else dY",
        LayerKind.SiLU => "dX = dY * s * (1 + X * (1 - s)), s = sigmoid(X)",
        LayerKind.GELU => "dX = dY * (Phi(X) + X * phi(X))",
        _ => throw new System.ArgumentException($"{kind} is not an activation."),
    };
}

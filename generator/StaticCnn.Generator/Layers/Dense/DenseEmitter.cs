using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>Dense: y = W x + b, streaming the weights once; backward dW += dy x^T, db += dy, dX = W^T dy.</summary>
internal static class DenseEmitter
{
    public static void EmitForward(IndentedWriter w, DensePlan plan)
    {
        LayerShape layer = plan.Shape;
        if (plan.UnitsInLanes is UnitsInLanesPlan lanes)
        {
            int units = layer.Output.C;
            w.Line($"/// <summary>{LayerText.Heading(layer)}: y[u] = (sum over i of W[u][i] * x[i]) + b[u], the units in the vector lanes: T{layer.Index}'s {(units + UnitsInLanesPlan.Panel - 1) / UnitsInLanesPlan.Panel} panels of {UnitsInLanesPlan.Panel} units, one multiply-add per input and lane{(plan.Affine is null ? "" : $", then layer {plan.Affine.Layer}'s BatchNorm")}{(plan.FusedRelu is null ? "" : ", then the ReLU")} as it stores.</summary>");
            w.Line(Names.AggressiveOptimization);
            using (w.Block($"public static void {plan.MethodPrefix}Forward{Names.KernelTypeParameters}({Names.KernelParameters}, ref float t) {Names.KernelConstraints}"))
            {
                w.Line($"global::StaticCnn.Kernels.UnitsInLanes.Forward<TS, TV>(ref TS.At(ref t, {lanes.Panels.Offset}), {layer.Input.Length}, {units}, ref TS.At(ref ws, {plan.Forward.BOffset}), ref TS.At(ref ws, {plan.Output.Offset}), {plan.EpilogueArgument});");
            }

            w.Line();
            return;
        }

        KernelEmitter.EmitReduce(w, plan.Forward,
            $"{LayerText.Heading(layer)}: y[u] = b[u] + sum over i of W[u][i] * x[i], {plan.Forward.RowBlock} units per pass over x.");
        w.Line();
    }

    public static void EmitBackward(IndentedWriter w, DensePlan plan)
    {
        LayerShape layer = plan.Shape;
        int inputs = (int)layer.Input.Length;
        int units = layer.Output.C;
        int block = plan.UnitBlock;
        int main = units / block * block;
        int weights = layer.ParameterOffset;
        w.Line($"/// <summary>{LayerText.Heading(layer)}, backward: db += dy, dW += dy x^T and, when asked, dX = W^T dy.</summary>");
        using (w.Block($"public static void {plan.MethodPrefix}Backward{Names.KernelTypeParameters}({Names.KernelParameters}, bool inputGradient) {Names.KernelConstraints}"))
        {
            w.Line($"ref float x = ref TS.At(ref ws, {plan.Input.Offset});");
            w.Line($"ref float dy = ref TS.At(ref ws, {plan.OutputGradient.Offset});");
            w.Line($"// dW[u][i] += dy[u] * x[i] and db[u] += dy[u], {block} units at a time.");
            if (main > 0)
            {
                using (w.Block($"for (int u = 0; u < {main}; u += {block})"))
                {
                    WeightBlock(w, block, inputs, weights, layer.BiasOffset);
                }
            }

            if (units > main)
            {
                using (w.Block())
                {
                    w.Line($"const int u = {main};");
                    WeightBlock(w, units - main, inputs, weights, layer.BiasOffset);
                }
            }

            w.Line("if (!inputGradient)");
            w.Line("{");
            w.Line("    return;");
            w.Line("}");
            w.Line();
            w.Line($"// dX[i] = sum over u of W[u][i] * dy[u], {block} rows of W at a time.");
            w.Line($"ref float dx = ref TS.At(ref ws, {plan.InputGradient.Offset});");
            w.Line($"global::StaticCnn.Kernels.Memory.Clear(ref dx, {inputs});");
            if (main > 0)
            {
                using (w.Block($"for (int u = 0; u < {main}; u += {block})"))
                {
                    InputBlock(w, block, inputs, weights);
                }
            }

            if (units > main)
            {
                using (w.Block())
                {
                    w.Line($"const int u = {main};");
                    InputBlock(w, units - main, inputs, weights);
                }
            }
        }

        w.Line();
    }

    private static void WeightBlock(IndentedWriter w, int block, int inputs, int weights, int bias)
    {
        var range = Enumerable.Range(0, block).ToList();
        w.Line($"float {string.Join(", ", range.Select(m => $"d{m} = TS.At(ref dy, {Names.Plus("u", m == 0 ? "" : Format.Int(m))})"))};");
        w.Line(string.Join(" ", range.Select(m => $"TS.At(ref g, {Names.Plus(Format.Int(bias), "u", m == 0 ? "" : Format.Int(m))}) += d{m};")));
        w.Line($"TV {string.Join(", ", range.Select(m => $"v{m} = TS.Broadcast(d{m})"))};");
        w.Line($"ref float dw = ref TS.At(ref g, {Names.Plus(Format.Int(weights), $"u * {inputs}")});");
        w.Line("int i = 0;");
        using (w.Block($"for (; i <= {inputs} - TS.Count; i += TS.Count)"))
        {
            w.Line("TV xi = TS.Load(ref x, i);");
            foreach (int m in range)
            {
                string at = Names.Plus(m == 0 ? "" : Format.Int(m * inputs), "i");
                w.Line($"TS.Store(TS.MultiplyAdd(v{m}, xi, TS.Load(ref dw, {at})), ref dw, {at});");
            }
        }

        using (w.Block($"for (; i < {inputs}; i++)"))
        {
            w.Line("float xs = TS.At(ref x, i);");
            w.Line(string.Join(" ", range.Select(m => $"TS.At(ref dw, {Names.Plus(m == 0 ? "" : Format.Int(m * inputs), "i")}) += d{m} * xs;")));
        }
    }

    private static void InputBlock(IndentedWriter w, int block, int inputs, int weights)
    {
        var range = Enumerable.Range(0, block).ToList();
        w.Line($"float {string.Join(", ", range.Select(m => $"d{m} = TS.At(ref dy, {Names.Plus("u", m == 0 ? "" : Format.Int(m))})"))};");
        w.Line($"TV {string.Join(", ", range.Select(m => $"v{m} = TS.Broadcast(d{m})"))};");
        w.Line($"ref float wu = ref TS.At(ref p, {Names.Plus(Format.Int(weights), $"u * {inputs}")});");
        w.Line("int i = 0;");
        using (w.Block($"for (; i <= {inputs} - TS.Count; i += TS.Count)"))
        {
            w.Line("TV d = TS.Load(ref dx, i);");
            foreach (int m in range)
            {
                w.Line($"d = TS.MultiplyAdd(v{m}, TS.Load(ref wu, {Names.Plus(m == 0 ? "" : Format.Int(m * inputs), "i")}), d);");
            }

            w.Line("TS.Store(d, ref dx, i);");
        }

        using (w.Block($"for (; i < {inputs}; i++)"))
        {
            w.Line($"TS.At(ref dx, i) += {string.Join(" + ", range.Select(m => $"(d{m} * TS.At(ref wu, {Names.Plus(m == 0 ? "" : Format.Int(m * inputs), "i")}))"))};");
        }
    }
}

using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// For a declaration with SCNN errors: the members of the contract with bodies that throw, so that code using
/// the network still compiles and the user sees the SCNN errors and nothing else.
/// </summary>
internal static class InvalidNetworkEmitter
{
    public static string Emit(NetworkSpec spec)
    {
        TypeSpec type = spec.Type;
        string name = Text.Literal(type.DisplayName);
        string fail = $"throw global::StaticCnn.NetworkErrors.InvalidDeclaration({name})";
        var w = new IndentedWriter();
        using (FileShell.OpenFile(w, type))
        {
            IndentedWriter.Scope[] containers = FileShell.OpenContainers(w, type);
            w.Line("/// <remarks>The network declaration has errors (see the SCNN diagnostics); no code was generated for it.</remarks>");
            w.Line(FileShell.GeneratedCode);
            using (w.Block(FileShell.ClassHeader(type)))
            {
                w.Line("/// <summary>Not available: the declaration has errors.</summary>");
                w.Line("public const int InputLength = 0;");
                w.Line();
                w.Line("/// <summary>Not available: the declaration has errors.</summary>");
                w.Line("public const int OutputLength = 0;");
                w.Line();
                w.Line("/// <summary>Not available: the declaration has errors.</summary>");
                w.Line("public const int ParameterCount = 0;");
                w.Line();
                w.Line("/// <summary>Not available: the declaration has errors.</summary>");
                w.Line("public const int BufferCount = 0;");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public {type.Name}() => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public static string Summary => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public static global::StaticCnn.TensorShape InputShape => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public static global::System.Collections.Generic.IReadOnlyList<global::StaticCnn.LayerInfo> Layers => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public global::System.Span<float> Parameters => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public global::System.Span<float> Gradients => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public global::System.Span<float> Buffers => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public global::System.ReadOnlySpan<float> ParameterValues => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public global::System.ReadOnlySpan<float> BufferValues => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public bool ParametersFrozen => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void FreezeParameters() => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void UnfreezeParameters() => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public bool Training {{ get => {fail}; set => {fail}; }}");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public int TrainingSeed {{ get => {fail}; set => {fail}; }}");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public global::StaticCnn.Kernels.SimdWidth VectorWidth {{ get => {fail}; set => {fail}; }}");
                w.Line();
                w.Line($"int global::StaticCnn.INetwork.InputLength => InputLength;");
                w.Line();
                w.Line($"int global::StaticCnn.INetwork.OutputLength => OutputLength;");
                w.Line();
                w.Line($"int global::StaticCnn.INetwork.ParameterCount => ParameterCount;");
                w.Line();
                w.Line($"int global::StaticCnn.INetwork.BufferCount => BufferCount;");
                w.Line();
                w.Line("global::StaticCnn.TensorShape global::StaticCnn.INetwork.InputShape => InputShape;");
                w.Line();
                w.Line("global::System.Collections.Generic.IReadOnlyList<global::StaticCnn.LayerInfo> global::StaticCnn.INetwork.Layers => Layers;");
                w.Line();
                w.Line("string global::StaticCnn.INetwork.Summary => Summary;");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void InitializeParameters(int seed) => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output) => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void ForwardProfiled(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, global::System.Span<long> layerTimestamps) => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void Backward(global::System.ReadOnlySpan<float> outputGradient, global::System.Span<float> inputGradient) => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void ZeroGradients() => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public int BatchCapacity {{ get => {fail}; set => {fail}; }}");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public int BatchWorkers {{ get => {fail}; set => {fail}; }}");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void Forward(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int count) => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void ForwardBatch(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int count) => {fail};");
                w.Line();
                w.Line("/// <summary>Throws: the declaration has errors.</summary>");
                w.Line($"public void BackwardBatch(global::System.ReadOnlySpan<float> outputGradients, global::System.Span<float> inputGradients, int count) => {fail};");
            }

            FileShell.CloseContainers(containers);
        }

        return w.ToString();
    }
}

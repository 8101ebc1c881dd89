using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace StaticCnn.Tests.Onnx;

/// <summary>
/// Runs one ONNX model in ONNX Runtime the fastest way we know for small single-sample or small-batch CNN inference
/// on one thread, with nothing allocated per call: a session tuned for one thread (see
/// <see cref="CreateSessionOptions"/>), and input and output tensors that wrap pinned managed arrays allocated once
/// and bound to the session with an <see cref="OrtIoBinding"/>, so that <see cref="Run"/> reads
/// <see cref="Input"/> in place and writes <see cref="Output"/> in place. (Also meant to be copied into the
/// benchmarks as the ONNX Runtime baseline.)
/// </summary>
public sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtIoBinding _binding;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly float[] _input;
    private readonly float[] _output;

    /// <summary>
    /// Loads <paramref name="model"/> (one float32 input and one float32 output whose first dimension may be
    /// symbolic) for batches of <paramref name="batchSize"/> samples. With <paramref name="profilePrefix"/>, ONNX
    /// Runtime's profiler records every node of every run into a JSON file of that prefix (<see cref="EndProfiling"/>).
    /// </summary>
    public OnnxRuntimeRunner(byte[] model, int batchSize = 1, string? profilePrefix = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using (SessionOptions options = CreateSessionOptions())
        {
            if (profilePrefix is not null)
            {
                options.EnableProfiling = true;
                options.ProfileOutputPathPrefix = profilePrefix;
            }

            _session = new InferenceSession(model, options);
        }

        (InputName, long[] inputShape) = Single(_session.InputMetadata, batchSize, "input");
        (OutputName, long[] outputShape) = Single(_session.OutputMetadata, batchSize, "output");
        InputShape = inputShape;
        OutputShape = outputShape;
        _input = new float[checked((int)inputShape.Aggregate(1L, (a, b) => a * b))];
        _output = new float[checked((int)outputShape.Aggregate(1L, (a, b) => a * b))];

        // OrtValues over managed arrays: the arrays are pinned for the OrtValue's lifetime and ONNX Runtime reads and
        // writes them directly, so filling Input and reading Output involve no copies.
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, inputShape);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, outputShape);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(InputName, _inputValue);
        _binding.BindOutput(OutputName, _outputValue);
        _runOptions = new RunOptions();
    }

    /// <summary>
    /// The session settings: one intra-op and one inter-op thread (no thread pool hand-offs, and fair against a
    /// single-threaded network), sequential execution, every graph optimisation (constant folding, Conv+activation
    /// fusion, layout transforms), the CPU memory arena and memory-pattern planning so that a run reuses its buffers,
    /// and no spinning of idle pool threads.
    /// </summary>
    public static SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableCpuMemArena = true,
            EnableMemoryPattern = true,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    /// <summary>The model's input name.</summary>
    public string InputName { get; }

    /// <summary>The model's output name.</summary>
    public string OutputName { get; }

    /// <summary>The bound input shape, the batch dimension resolved.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The bound output shape, the batch dimension resolved.</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>The input batch, samples one after another; write it before <see cref="Run"/>.</summary>
    public Span<float> Input => _input;

    /// <summary>The output batch written by the last <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Output => _output;

    /// <summary>Runs the model on <see cref="Input"/> into <see cref="Output"/>.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>Stops the profiler started by the constructor's profile prefix and returns its JSON file's path.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        _binding.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static (string Name, long[] Shape) Single(IReadOnlyDictionary<string, NodeMetadata> metadata, int batchSize, string what)
    {
        if (metadata.Count != 1)
        {
            throw new ArgumentException($"The model has {metadata.Count} {what}s; the runner binds exactly one.");
        }

        (string name, NodeMetadata node) = metadata.Single();
        if (node.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
        {
            throw new ArgumentException($"The model's {what} '{name}' is {node.ElementDataType}, not float32.");
        }

        long[] shape = node.Dimensions.Select((d, i) => d >= 0 ? d : i == 0 ? batchSize
            : throw new ArgumentException($"The model's {what} '{name}' has a symbolic dimension {i} other than the batch.")).Select(d => (long)d).ToArray();
        return (name, shape);
    }
}

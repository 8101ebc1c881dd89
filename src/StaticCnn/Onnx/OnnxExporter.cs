using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;

namespace StaticCnn;

/// <summary>
/// Exports a network with its current parameters as an ONNX model (opset 14) that ONNX Runtime and other ONNX tools
/// run: input <c>"input"</c> of shape <c>[N, C, H, W]</c> with a symbolic batch dimension N, output <c>"output"</c>
/// of shape <c>[N, units]</c> for flat data or <c>[N, C, H, W]</c> for spatial data, holding the same numbers as
/// <see cref="INetwork.Forward(System.ReadOnlySpan{float}, System.Span{float})"/> gives per sample.
/// </summary>
/// <remarks>
/// <para>
/// One ONNX node per layer: Conv2D is <c>Conv</c>, MaxPool2D is <c>MaxPool</c> (ONNX pads count as -inf, as
/// StaticCnn's do), AvgPool2D is <c>AveragePool</c> with <c>count_include_pad=1</c>, the activations are
/// <c>Relu</c>, <c>LeakyRelu</c> (alpha = slope), <c>Sigmoid</c> and <c>Tanh</c>, Flatten is <c>Flatten</c>
/// (axis 1), Dense is <c>Gemm</c> with <c>transB=1</c>. A Dense on spatial data gets a <c>Flatten</c> node first, as
/// the equivalent PyTorch <c>nn.Sequential</c> has an <c>nn.Flatten()</c> there.
/// </para>
/// <para>
/// The weights are graph initializers named as in PyTorch's <c>state_dict</c> (<c>"0.weight"</c>, <c>"0.bias"</c>,
/// ...; see <see cref="ParameterTensors"/>), stored as float32 raw data. Nodes are named <c>"/{module}/{Op}"</c> and
/// their outputs <c>"/{module}/{Op}_output_0"</c>, after the module index in the <c>nn.Sequential</c>, as
/// <c>torch.onnx.export</c> names them. The graph's doc string is the network's <see cref="INetwork.Summary"/>.
/// The whole model is one protobuf message, so it must stay under 2 GiB.
/// </para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the model imports.</summary>
    public const int Opset = 14;

    /// <summary>The name of the graph input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph output.</summary>
    public const string OutputName = "output";

    /// <summary>
    /// Writes the ONNX model of <paramref name="network"/> to <paramref name="path"/> atomically (a temporary file
    /// in the same directory, flushed to disk, then moved over <paramref name="path"/>).
    /// </summary>
    public static void Export(INetwork network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ProtoMessage model = Build(network, options ?? new OnnxExportOptions());
        AtomicFile.Write(path, stream => WriteTo(model, stream));
    }

    /// <summary>Writes the ONNX model of <paramref name="network"/> to <paramref name="destination"/> (which stays open).</summary>
    public static void Export(INetwork network, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        WriteTo(Build(network, options ?? new OnnxExportOptions()), destination);
    }

    /// <summary>The ONNX model of <paramref name="network"/> as bytes (for <c>new InferenceSession(bytes)</c>, for example).</summary>
    public static byte[] ToBytes(INetwork network, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ProtoMessage model = Build(network, options ?? new OnnxExportOptions());
        byte[] bytes = new byte[model.Size];
        var output = new CodedOutputStream(bytes);
        model.WriteTo(output);
        output.CheckNoSpaceLeft();
        return bytes;
    }

    private static void WriteTo(ProtoMessage model, Stream destination)
    {
        using var output = new CodedOutputStream(destination, leaveOpen: true);
        model.WriteTo(output);
        output.Flush();
    }

    private static ProtoMessage Build(INetwork network, OnnxExportOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.GraphName, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.BatchDimension, nameof(options));
        IReadOnlyList<LayerInfo> layers = network.Layers;
        if (layers.Count == 0)
        {
            throw new ArgumentException("The network has no layers.", nameof(network));
        }

        IReadOnlyList<ParameterTensor> tensors = ParameterTensors.Of(network);
        string[] modules = ParameterTensors.ModulePaths(network);
        var onnx = new OnnxGraph();

        // Each layer's output by layer index (0: the graph input); a layer reads its operands' (the one before it in a
        // plain sequence).
        var outputs = new string[layers.Count + 1];
        outputs[0] = InputName;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerInfo layer = layers[i];
            string module = modules[i];
            var inputs = new List<string>();
            foreach (int operand in layer.Operands)
            {
                inputs.Add(outputs[operand]);
            }

            if (ParameterTensors.NeedsImpliedFlatten(layer))
            {
                inputs[0] = onnx.Node(ModuleNames.Previous(module), "Flatten", [inputs[0]], final: false, OnnxGraph.Int("axis", 1));
            }

            outputs[i + 1] = layer.AddOnnx(onnx, inputs, module, last: i == layers.Count - 1);
        }

        ProtoMessage graph = onnx.Message;
        foreach (ProtoMessage constant in onnx.Constants)
        {
            graph.Message(OnnxFields.Graph.Initializer, constant);
        }

        graph.String(OnnxFields.Graph.Name, options.GraphName);
        ReadOnlySpan<float> parameters = network.ParameterValues;
        ReadOnlySpan<float> buffers = network.BufferValues;
        foreach (ParameterTensor tensor in tensors)
        {
            // BatchNormalization in inference form reads the running statistics; the batch count has no use there.
            if (tensor.Role != TensorRole.BatchesTracked)
            {
                graph.Message(OnnxFields.Graph.Initializer, Initializer(tensor, (tensor.IsBuffer ? buffers : parameters).Slice(tensor.Offset, tensor.Length)));
            }
        }

        graph.String(OnnxFields.Graph.DocString, network.Summary);
        TensorShape input = network.InputShape;
        graph.Message(OnnxFields.Graph.Input, ValueInfo(InputName, options.BatchDimension, [input.Channels, input.Height, input.Width]));
        TensorShape output = layers[^1].Output;
        long[] outputDims = output.IsFlat ? [output.Length] : [output.Channels, output.Height, output.Width];
        graph.Message(OnnxFields.Graph.Output, ValueInfo(OutputName, options.BatchDimension, outputDims));

        var model = new ProtoMessage()
            .Int(OnnxFields.Model.IrVersion, OnnxFields.IrVersion)
            .String(OnnxFields.Model.ProducerName, "StaticCnn")
            .String(OnnxFields.Model.ProducerVersion, ProducerVersion())
            .Message(OnnxFields.Model.OpsetImport, new ProtoMessage().Int(OnnxFields.OperatorSetId.Version, Opset))
            .Message(OnnxFields.Model.Graph, graph);
        if (options.Metadata is not null)
        {
            foreach (string key in options.Metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                model.Message(OnnxFields.Model.MetadataProps, new ProtoMessage()
                    .String(OnnxFields.StringStringEntry.Key, key)
                    .String(OnnxFields.StringStringEntry.Value, options.Metadata[key]));
            }
        }

        return model;
    }

    private static ProtoMessage Initializer(ParameterTensor tensor, ReadOnlySpan<float> values)
    {
        var message = new ProtoMessage();
        foreach (int d in tensor.Shape)
        {
            message.Int(OnnxFields.Tensor.Dims, d);
        }

        byte[] raw = new byte[values.Length * sizeof(float)];
        SafeTensorsDTypes.FromSingle(values, raw);
        return message
            .Int(OnnxFields.Tensor.DataType, OnnxFields.FloatType)
            .String(OnnxFields.Tensor.Name, tensor.Name)
            .Bytes(OnnxFields.Tensor.RawData, raw);
    }

    private static ProtoMessage ValueInfo(string name, string batch, long[] dims)
    {
        var shape = new ProtoMessage().Message(OnnxFields.Shape.Dim, new ProtoMessage().String(OnnxFields.Shape.DimParam, batch));
        foreach (long d in dims)
        {
            shape.Message(OnnxFields.Shape.Dim, new ProtoMessage().Int(OnnxFields.Shape.DimValue, d));
        }

        var tensorType = new ProtoMessage()
            .Int(OnnxFields.Type.ElemType, OnnxFields.FloatType)
            .Message(OnnxFields.Type.Shape, shape);
        return new ProtoMessage()
            .String(OnnxFields.ValueInfo.Name, name)
            .Message(OnnxFields.ValueInfo.Type, new ProtoMessage().Message(OnnxFields.Type.TensorType, tensorType));
    }

    private static string ProducerVersion() =>
        typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
}

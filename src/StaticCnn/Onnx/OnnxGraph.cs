using System.Globalization;

namespace StaticCnn;

/// <summary>
/// The ONNX graph the exporter assembles: each layer kind adds its nodes (LayerInfo.AddOnnx), named
/// after their module as <c>torch.onnx.export</c> names them (<c>"/{module}/{Op}"</c>, a module path's dots as slashes,, outputs
/// <c>"/{module}/{Op}_output_0"</c>, the last one <see cref="OnnxExporter.OutputName"/>).
/// </summary>
internal sealed class OnnxGraph
{
    public ProtoMessage Message { get; } = new();

    /// <summary>The initializer name of a module's tensor, as in PyTorch's <c>state_dict</c>: <c>"3.weight"</c>.</summary>
    public string TensorName(string module, string tensor) => ModuleNames.Tensor(module, tensor);

    /// <summary>Adds a node for module <paramref name="module"/> and returns the name of its output.</summary>
    public string Node(string module, string op, string[] inputs, bool final, params ProtoMessage[] attributes) =>
        Node(module, op, op, inputs, final, attributes);

    /// <summary>
    /// Adds a node named <c>"/{module}/{name}"</c> (several nodes of one module need distinct names) and returns the
    /// name of its output.
    /// </summary>
    public string Node(string module, string op, string name, string[] inputs, bool final, params ProtoMessage[] attributes)
    {
        string path = $"/{module.Replace('.', '/')}/{name}";
        string output = final ? OnnxExporter.OutputName : path + "_output_0";
        var node = new ProtoMessage();
        foreach (string input in inputs)
        {
            node.String(OnnxFields.Node.Input, input);
        }

        node.String(OnnxFields.Node.Output, output)
            .String(OnnxFields.Node.Name, path)
            .String(OnnxFields.Node.OpType, op);
        foreach (ProtoMessage attribute in attributes)
        {
            node.Message(OnnxFields.Node.Attribute, attribute);
        }

        Message.Message(OnnxFields.Graph.Node, node);
        return output;
    }

    /// <summary>
    /// A scalar float initializer named <c>"/{module}/{name}"</c> (Clip's bounds, GELU's constants), added once; returns its name.
    /// </summary>
    public string Scalar(string module, string name, float value)
    {
        string path = $"/{module.Replace('.', '/')}/{name}";
        if (_scalars.Add(path))
        {
            byte[] raw = new byte[sizeof(float)];
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw, value);
            Constants.Add(new ProtoMessage()
                .Int(OnnxFields.Tensor.DataType, OnnxFields.FloatType)
                .String(OnnxFields.Tensor.Name, path)
                .Bytes(OnnxFields.Tensor.RawData, raw));
        }

        return path;
    }

    /// <summary>The scalar initializers <see cref="Scalar"/> made, which the exporter adds to the graph.</summary>
    public System.Collections.Generic.List<ProtoMessage> Constants { get; } = [];

    private readonly System.Collections.Generic.HashSet<string> _scalars = [];

    /// <summary>An int attribute.</summary>
    public static ProtoMessage Int(string name, long value) => new ProtoMessage()
        .String(OnnxFields.Attribute.Name, name)
        .Int(OnnxFields.Attribute.I, value)
        .Int(OnnxFields.Attribute.Type, OnnxFields.Attribute.IntType);

    /// <summary>A float attribute.</summary>
    public static ProtoMessage Float(string name, float value) => new ProtoMessage()
        .String(OnnxFields.Attribute.Name, name)
        .Float(OnnxFields.Attribute.F, value)
        .Int(OnnxFields.Attribute.Type, OnnxFields.Attribute.FloatType);

    /// <summary>An ints attribute.</summary>
    public static ProtoMessage Ints(string name, long[] values)
    {
        var message = new ProtoMessage().String(OnnxFields.Attribute.Name, name);
        foreach (long v in values)
        {
            message.Int(OnnxFields.Attribute.Ints, v);
        }

        return message.Int(OnnxFields.Attribute.Type, OnnxFields.Attribute.IntsType);
    }
}

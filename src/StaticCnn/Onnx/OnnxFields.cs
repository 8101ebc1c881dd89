namespace StaticCnn;

/// <summary>
/// The field numbers and enum values of onnx.proto3 that the exporter writes (ModelProto, GraphProto, NodeProto,
/// AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto,
/// StringStringEntryProto).
/// </summary>
internal static class OnnxFields
{
    /// <summary>IR version 7 (ONNX 1.8), the one that goes with opset 13.</summary>
    public const long IrVersion = 7;

    /// <summary>TensorProto.DataType FLOAT.</summary>
    public const long FloatType = 1;

    public static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int Domain = 4;
        public const int ModelVersion = 5;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    public static class OperatorSetId
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    public static class StringStringEntry
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    public static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int DocString = 10;
        public const int Input = 11;
        public const int Output = 12;
    }

    public static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int DocString = 6;
    }

    public static class Attribute
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int Ints = 8;
        public const int Type = 20;

        /// <summary>AttributeProto.AttributeType values.</summary>
        public const long FloatType = 1;
        public const long IntType = 2;
        public const long IntsType = 7;
    }

    public static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int Name = 8;
        public const int RawData = 9;
    }

    public static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
    }

    public static class Type
    {
        /// <summary>TypeProto.tensor_type (a TypeProto.Tensor).</summary>
        public const int TensorType = 1;

        /// <summary>TypeProto.Tensor.elem_type.</summary>
        public const int ElemType = 1;

        /// <summary>TypeProto.Tensor.shape (a TensorShapeProto).</summary>
        public const int Shape = 2;
    }

    public static class Shape
    {
        /// <summary>TensorShapeProto.dim (repeated Dimension).</summary>
        public const int Dim = 1;

        /// <summary>Dimension.dim_value.</summary>
        public const int DimValue = 1;

        /// <summary>Dimension.dim_param.</summary>
        public const int DimParam = 2;
    }
}

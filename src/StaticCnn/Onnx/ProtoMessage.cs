using System;
using System.Collections.Generic;
using Google.Protobuf;

namespace StaticCnn;

/// <summary>
/// A protobuf message assembled field by field and written with <see cref="CodedOutputStream"/>: the ONNX exporter
/// builds the few messages it needs with it instead of generated code. Sizes are computed before writing, so a
/// nested message is written straight to the output (no intermediate copy of the tensor data).
/// </summary>
internal sealed class ProtoMessage
{
    private enum Kind
    {
        Varint,
        Float,
        Bytes,
        String,
        Message,
    }

    private readonly record struct Field(int Number, Kind Kind, long Integer, float Single, string? Text, ReadOnlyMemory<byte> Data, ProtoMessage? Message);

    private readonly List<Field> _fields = [];
    private int _size = -1;

    /// <summary>An int32, int64 or enum field (varint).</summary>
    public ProtoMessage Int(int number, long value) => Add(new Field(number, Kind.Varint, value, 0, null, default, null));

    /// <summary>A float field (fixed32).</summary>
    public ProtoMessage Float(int number, float value) => Add(new Field(number, Kind.Float, 0, value, null, default, null));

    /// <summary>A string field (UTF-8, length-delimited).</summary>
    public ProtoMessage String(int number, string value) => Add(new Field(number, Kind.String, 0, 0, value, default, null));

    /// <summary>A bytes field (length-delimited); the memory is referenced, not copied, until written.</summary>
    public ProtoMessage Bytes(int number, ReadOnlyMemory<byte> value) => Add(new Field(number, Kind.Bytes, 0, 0, null, value, null));

    /// <summary>An embedded message field (length-delimited).</summary>
    public ProtoMessage Message(int number, ProtoMessage value) => Add(new Field(number, Kind.Message, 0, 0, null, default, value));

    /// <summary>The encoded length of the message (without a length prefix of its own).</summary>
    public int Size
    {
        get
        {
            if (_size < 0)
            {
                long size = 0;
                foreach (Field f in _fields)
                {
                    size += CodedOutputStream.ComputeTagSize(f.Number) + f.Kind switch
                    {
                        Kind.Varint => CodedOutputStream.ComputeInt64Size(f.Integer),
                        Kind.Float => CodedOutputStream.ComputeFloatSize(f.Single),
                        Kind.String => CodedOutputStream.ComputeStringSize(f.Text),
                        Kind.Bytes => CodedOutputStream.ComputeLengthSize(f.Data.Length) + (long)f.Data.Length,
                        _ => CodedOutputStream.ComputeLengthSize(f.Message!.Size) + (long)f.Message!.Size,
                    };
                }

                // Protobuf messages are limited to 2 GiB; ONNX models that large need external data.
                _size = size <= int.MaxValue
                    ? (int)size
                    : throw new InvalidOperationException($"The ONNX model would be {size:N0} bytes, more than protobuf's 2 GiB limit.");
            }

            return _size;
        }
    }

    /// <summary>Writes the fields (the caller writes any tag and length prefix).</summary>
    public void WriteTo(CodedOutputStream output)
    {
        foreach (Field f in _fields)
        {
            switch (f.Kind)
            {
                case Kind.Varint:
                    output.WriteTag(f.Number, WireFormat.WireType.Varint);
                    output.WriteInt64(f.Integer);
                    break;
                case Kind.Float:
                    output.WriteTag(f.Number, WireFormat.WireType.Fixed32);
                    output.WriteFloat(f.Single);
                    break;
                case Kind.String:
                    output.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
                    output.WriteString(f.Text);
                    break;
                case Kind.Bytes:
                    output.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(UnsafeByteOperations.UnsafeWrap(f.Data));
                    break;
                default:
                    output.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
                    output.WriteLength(f.Message!.Size);
                    f.Message.WriteTo(output);
                    break;
            }
        }
    }

    private ProtoMessage Add(Field field)
    {
        _fields.Add(field);
        _size = -1;
        return this;
    }
}

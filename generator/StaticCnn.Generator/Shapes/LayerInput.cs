using System.Collections.Generic;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// What a layer kind's shape inference gets: the shape its input has (if the layers above are known), where its
/// parameters start, who made the data flat, and the list its errors go to.
/// </summary>
internal sealed class LayerInput
{
    public LayerInput(Shape shape, bool known, string? flattenedBy, long parameterOffset, List<ShapeError> errors, bool last = false, int bufferOffset = 0)
    {
        Last = last;
        BufferOffset = bufferOffset;
        Shape = shape;
        Known = known;
        FlattenedBy = flattenedBy;
        ParameterOffset = parameterOffset;
        Errors = errors;
    }

    /// <summary>The input shape (meaningless when <see cref="Known"/> is false).</summary>
    public Shape Shape { get; }

    /// <summary>False when a layer above has an error: the layer checks its own arguments only.</summary>
    public bool Known { get; }

    /// <summary>"Dense #3" once a layer has made the data flat; a layer that flattens sets it.</summary>
    public string? FlattenedBy { get; set; }

    /// <summary>Where the layer's parameters start.</summary>
    public long ParameterOffset { get; }

    public List<ShapeError> Errors { get; }

    /// <summary>Where the layer's buffers (running statistics) start in the network's buffers.</summary>
    public int BufferOffset { get; }

    /// <summary>The layer is the network's last.</summary>
    public bool Last { get; }

    /// <summary>"Conv2D #1".</summary>
    public static string Name(LayerSpec layer) => layer.Name;

    /// <summary>"Conv2D #1 (input 1x28x28)", or the name alone when the input is not known.</summary>
    public string Where(LayerSpec layer) => Known ? $"{Name(layer)} (input {Shape})" : Name(layer);
}

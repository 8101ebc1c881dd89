using System.Collections.Generic;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Planning;

/// <summary>
/// Who reads each layer's output (0: the network's input), in execution order: a tensor with one reader may be
/// overwritten in place by it or fused into it; a tensor with several has their gradients summed in backward.
/// </summary>
internal sealed class Readers
{
    private readonly List<LayerShape>[] _readers;

    public Readers(NetworkShapes shapes)
    {
        _readers = new List<LayerShape>[shapes.Layers.Count + 1];
        for (int i = 0; i < _readers.Length; i++)
        {
            _readers[i] = new List<LayerShape>();
        }

        foreach (LayerShape layer in shapes.Layers)
        {
            foreach (int input in layer.Operands)
            {
                _readers[input].Add(layer);
            }
        }
    }

    /// <summary>The layers that read tensor <paramref name="index"/>, once per operand, in execution order.</summary>
    public IReadOnlyList<LayerShape> Of(int index) => _readers[index];

    /// <summary>The one layer that reads tensor <paramref name="index"/>, or null when none or several do.</summary>
    public LayerShape? SoleReader(int index) => _readers[index].Count == 1 ? _readers[index][0] : null;
}

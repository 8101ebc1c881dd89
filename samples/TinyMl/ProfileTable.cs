using System.Collections.Generic;
using System.Linq;
using System.Text;
using StaticCnn.Metrics;

namespace TinyMl;

/// <summary>A per-layer profile as text: each layer's median time, share, multiply-adds and GFLOP/s.</summary>
internal static class ProfileTable
{
    public static string Format(IReadOnlyList<LayerTime> layers)
    {
        double total = layers.Sum(l => l.MedianMicroseconds);
        var text = new StringBuilder();
        text.AppendLine("  #  layer             output       median us  share      MACs  GFLOP/s");
        foreach (LayerTime layer in layers)
        {
            text.AppendLine(
                $"{layer.Layer.Index,3}  {layer.Layer.Kind,-16}  {layer.Layer.Output,-11}  {layer.MedianMicroseconds,9:0.00}  {100 * layer.MedianMicroseconds / total,4:0}%  {layer.MultiplyAdds,8:N0}  " +
                (layer.MultiplyAdds > 0 ? $"{layer.GigaflopsPerSecond,7:0.0}" : "      -"));
        }

        text.Append($"     sum of the layers' medians: {total:0.0} us");
        return text.ToString();
    }
}

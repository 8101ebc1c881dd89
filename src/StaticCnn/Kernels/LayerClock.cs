using System.Diagnostics;

namespace StaticCnn.Kernels;

/// <summary>The clock readings of a profiled Forward (<see cref="INetwork.ForwardProfiled"/>), called by generated code.</summary>
public static class LayerClock
{
    /// <summary>Writes the current <see cref="Stopwatch.GetTimestamp"/> into <paramref name="stamps"/>[first..last].</summary>
    public static void Stamp(long[] stamps, int first, int last)
    {
        long now = Stopwatch.GetTimestamp();
        for (int k = first; k <= last; k++)
        {
            stamps[k] = now;
        }
    }
}

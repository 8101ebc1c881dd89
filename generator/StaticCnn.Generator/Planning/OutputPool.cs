using System;
using System.Collections.Generic;

namespace StaticCnn.Generator.Planning;

/// <summary>
/// The inference plan's layer outputs planned by liveness: each output needs its floats only from the layer that
/// writes it to the last layer that reads it, so outputs whose lifetimes do not overlap share memory. The inference plan
/// is laid out twice: the first time every output gets a buffer of its own and is recorded here with the step that
/// made it; <see cref="Assign"/> then packs them (first fit, in the order they were made) into one region, and the
/// second layout places each output there. An output gradient is never touched by the inference plan (it has no
/// backward), so its lifetime is its own step; scratch only backward touches overlaps the others (the inference plan's
/// backward kernels are emitted but never called). Each place is the buffer between a margin and the slack of zeros, which
/// the inference pass clears after the layer writes the buffer (<see cref="LayerPlan.PooledOutputs"/>): kernels may read
/// a vector past either end of their input and expect zeros or masked lanes there, as after any buffer.
/// </summary>
internal sealed class OutputPool
{
    private readonly List<(BufferPlan Buffer, int Made, bool Gradient, bool Dead)> _recorded = new();
    private readonly List<int> _lastUse = new();
    private int _placed;

    public OutputPool(int slack) => Slack = slack;

    /// <summary>Zeros kept before and after each place (the workspace's slack).</summary>
    public int Slack { get; }

    /// <summary>Where the pool's region starts in the workspace (set by <see cref="Assign"/>).</summary>
    public long Base { get; private set; }

    /// <summary>Floats of the pool's region.</summary>
    public long Length { get; private set; }

    /// <summary>Each recorded output's place in the region (null until <see cref="Assign"/>).</summary>
    public long[]? Offsets { get; private set; }

    /// <summary>Floats the outputs would take with a buffer each (what the pool saves from).</summary>
    public long Unpooled { get; private set; }

    /// <param name="buffer">The buffer as the first layout made it.</param>
    /// <param name="step">The layer that made it.</param>
    /// <param name="gradient">An output gradient or backward scratch: the inference plan never reads or writes it.</param>
    /// <param name="dead">Backward scratch, which only the (never called) backward kernels of the inference plan name.</param>
    public void Record(BufferPlan buffer, int step, bool gradient, bool dead = false)
    {
        _recorded.Add((buffer, step, gradient, dead));
        _lastUse.Add(step);
    }

    /// <summary>The layer at <paramref name="step"/> reads or writes <paramref name="buffer"/> (when it is a recorded output).</summary>
    public void Use(BufferPlan buffer, int step)
    {
        for (int i = 0; i < _recorded.Count; i++)
        {
            if (ReferenceEquals(_recorded[i].Buffer, buffer) && !_recorded[i].Gradient)
            {
                _lastUse[i] = Math.Max(_lastUse[i], step);
            }
        }
    }

    /// <summary>Packs the recorded outputs into a region starting at <paramref name="start"/>; the last step's outputs stay alive to the end.</summary>
    public void Assign(long start)
    {
        Base = NetworkPlanner.RoundUp(start, Blocking.MaxLanes);
        var offsets = new long[_recorded.Count];
        var live = new List<(long Offset, long Size, int LastUse)>();
        for (int i = 0; i < _recorded.Count; i++)
        {
            (BufferPlan buffer, int made, _, bool dead) = _recorded[i];
            long size = Size(buffer.Length);
            Unpooled += size;
            if (dead)
            {
                // Named only by backward kernels the inference plan emits but never calls: at the region's start, over
                // whatever lives there, the region long enough to hold it.
                offsets[i] = 0;
                Length = Math.Max(Length, size);
                continue;
            }

            // Free what the layers before this one were the last to use; a layer's own inputs stay (it reads them while writing).
            live.RemoveAll(x => x.LastUse < made);
            live.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            long offset = 0;
            foreach ((long o, long s, _) in live)
            {
                if (o - offset >= size)
                {
                    break;
                }

                offset = Math.Max(offset, o + s);
            }

            offsets[i] = offset;
            live.Add((offset, size, _lastUse[i]));
            Length = Math.Max(Length, offset + size);
        }

        Offsets = offsets;
    }

    /// <summary>The next output in the order they were recorded, at its place.</summary>
    public BufferPlan Place(string name, long length, string comment)
    {
        if (Offsets is null || _placed >= _recorded.Count || _recorded[_placed].Buffer.Length != (int)Math.Min(length, int.MaxValue))
        {
            throw new InvalidOperationException("The inference plan's second layout made its outputs in a different order than the first.");
        }

        long offset = Base + Offsets[_placed++] + Slack;
        return new BufferPlan(name, (int)Math.Min(offset, int.MaxValue), (int)Math.Min(length, int.MaxValue), comment + " (shared by liveness)");
    }

    /// <summary>The place of a buffer: margin, the floats rounded up to whole vectors, slack.</summary>
    private long Size(int length) => Slack + NetworkPlanner.RoundUp(length, Blocking.MaxLanes) + Slack;
}

using System;

namespace StaticCnn.Generator.Planning;

/// <summary>Hands out buffer offsets (64-byte aligned, each followed by zero slack), counting in 64 bits.</summary>
internal sealed class Workspace
{
    private readonly NetworkPlan _plan;

    public Workspace(NetworkPlan plan) => _plan = plan;

    public long Length { get; private set; }

    /// <summary>Put in front of every buffer's name ("i" while the inference plan is laid out), so that the layout shows which plan owns it.</summary>
    public string NamePrefix { get; set; } = "";

    public long TransformedLength { get; private set; }

    public bool Overflowed => Length > NetworkPlanner.MaxWorkspace || TransformedLength > NetworkPlanner.MaxWorkspace;

    /// <summary>A buffer of the storage's transformed-weights array, which batch slots share.</summary>
    public BufferPlan AddTransformed(string name, long length, string comment)
    {
        long offset = RoundUp(TransformedLength, Blocking.MaxLanes);
        TransformedLength = offset + length;
        var buffer = new BufferPlan(NamePrefix + name, (int)Math.Min(offset, int.MaxValue), (int)Math.Min(length, int.MaxValue), comment);
        _plan.TransformedBuffers.Add(buffer);
        return buffer;
    }

    /// <summary>
    /// While the inference plan is laid out: records each layer output and output gradient (<see cref="AddOutput"/>)
    /// for the liveness pass, or, once <see cref="OutputPool.Offsets"/> are assigned, places them in the pool.
    /// </summary>
    public OutputPool? Pool { get; set; }

    /// <summary>The inference layer being planned (its position in the inference plan), for the pool's lifetimes.</summary>
    public int Step { get; set; }

    /// <summary>
    /// A layer's output (or its output gradient: <paramref name="gradient"/>): an ordinary buffer, or, in an inference plan
    /// with a pool, a place in the pool shared with outputs that are not alive at the same time.
    /// </summary>
    public BufferPlan AddOutput(string name, long length, string comment, bool gradient, bool dead = false)
    {
        if (Pool is not { } pool)
        {
            return Add(name, length, comment);
        }

        if (pool.Offsets is null)
        {
            BufferPlan recorded = Add(name, length, comment);
            pool.Record(recorded, Step, gradient, dead);
            return recorded;
        }

        BufferPlan placed = pool.Place(NamePrefix + name, length, comment);
        _plan.Buffers.Add(placed);
        return placed;
    }

    /// <summary>
    /// Scratch only the backward pass touches. An inference plan never runs backward, so there it is a place at the start
    /// of the pool, over live outputs (only its never-called backward kernels name it); in a training plan an ordinary
    /// buffer.
    /// </summary>
    public BufferPlan AddBackward(string name, long length, string comment) =>
        Pool is null ? Add(name, length, comment) : AddOutput(name, length, comment + "; backward only, never touched at inference", gradient: true, dead: true);

    /// <summary>What <see cref="Length"/>, the plan's buffer lists and the transformed length were: a checkpoint to return to.</summary>
    public (long Length, long Transformed, int Buffers, int TransformedBuffers) Checkpoint() =>
        (Length, TransformedLength, _plan.Buffers.Count, _plan.TransformedBuffers.Count);

    /// <summary>Forgets every buffer handed out since <paramref name="checkpoint"/>.</summary>
    public void Restore((long Length, long Transformed, int Buffers, int TransformedBuffers) checkpoint)
    {
        Length = checkpoint.Length;
        TransformedLength = checkpoint.Transformed;
        _plan.Buffers.RemoveRange(checkpoint.Buffers, _plan.Buffers.Count - checkpoint.Buffers);
        _plan.TransformedBuffers.RemoveRange(checkpoint.TransformedBuffers, _plan.TransformedBuffers.Count - checkpoint.TransformedBuffers);
    }

    /// <summary>Skips <paramref name="length"/> floats (the pool's region) without naming a buffer.</summary>
    public void Reserve(long length) => Length = RoundUp(Length, Blocking.MaxLanes) + length;

    public BufferPlan Add(string name, long length, string comment)
    {
        long offset = RoundUp(Length, Blocking.MaxLanes);
        Length = offset + length + _plan.Slack;
        var buffer = new BufferPlan(NamePrefix + name, (int)Math.Min(offset, int.MaxValue), (int)Math.Min(length, int.MaxValue), comment);
        _plan.Buffers.Add(buffer);
        return buffer;
    }

    private static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}

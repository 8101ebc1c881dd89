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

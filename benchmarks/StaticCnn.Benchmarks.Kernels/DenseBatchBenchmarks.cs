using System;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// The two batched Dense kernels of a layer-by-layer pass on the MLPerf Tiny autoencoder's layer shapes, 64 samples in
/// workspaces of its size, Vector256, one thread: the dot products four samples per pass over the weights
/// (<see cref="DenseKernels.ForwardFour{TS, TVec}"/>, the baseline) and the units in the lanes, six samples per pass
/// over each pair of weight columns (<see cref="UnitsInLanes.ForwardSlots{TS, TVec}"/>). The time is per batch;
/// <c>dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks.Kernels -- --filter '*DenseBatchBenchmarks*'</c>.
/// </summary>
public class DenseBatchBenchmarks
{
    private const int Batch = 64;
    private const int Workspace = 17_696; // FcAutoencoderKernels.WorkspaceLength
    private const int X = 0;
    private const int Y = 15_488;

    private float[] _weights = null!;
    private float[] _panels = null!;
    private float[][] _slots = null!;

    /// <summary>Inputs x units.</summary>
    [Params("640x128", "128x128", "128x640", "8x128")]
    public string Shape { get; set; } = "640x128";

    private int Inputs => int.Parse(Shape.AsSpan(0, Shape.IndexOf('x')));

    private int Units => int.Parse(Shape.AsSpan(Shape.IndexOf('x') + 1));

    [GlobalSetup]
    public void Setup()
    {
        _weights = Catalog.Inputs((Inputs * Units) + Units, 1);
        int packed = (int)UnitsInLanes.PackedLength(Inputs, Units);
        _panels = Memory.AllocateAligned(packed + _weights.Length);
        UnitsInLanes.Pack(_weights, 0, Inputs, Units, _panels, packed, 0);
        _slots = new float[Batch][];
        for (int s = 0; s < Batch; s++)
        {
            _slots[s] = Memory.AllocateAligned(Workspace);
            Catalog.Inputs(Inputs, 2 + s).CopyTo(_slots[s], X);
        }
    }

    [Benchmark(Baseline = true, Description = "dot products, 4 samples per pass")]
    public void DotProducts()
    {
        int inputs = Inputs, units = Units;
        for (int s = 0; s < Batch; s += 4)
        {
            DenseKernels.ForwardFour<Simd256, Vector256<float>>(ref _weights[0], ref _weights[inputs * units], inputs, units,
                ref _slots[s][X], ref _slots[s + 1][X], ref _slots[s + 2][X], ref _slots[s + 3][X],
                ref _slots[s][Y], ref _slots[s + 1][Y], ref _slots[s + 2][Y], ref _slots[s + 3][Y]);
        }
    }

    [Benchmark(Description = "units in the lanes, 6 samples per pass")]
    public void UnitsInTheLanes() =>
        UnitsInLanes.ForwardSlots<Simd256, Vector256<float>>(ref _panels[0], Inputs, Units, _slots, 0, Batch, X, Y, new UnitsInLanes.Epilogue(relu: false));
}

using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>
/// Adds, for memory-bound layers: GB/s (the bytes a forward pass must move, <see cref="Catalog.ForwardBytes"/>,
/// over the mean time), the copy bandwidth at the same working-set size measured in the host process
/// (<see cref="Bandwidth"/>), the share of it reached, and GFLOP/s.
/// </summary>
public sealed class BandwidthConfig : ManualConfig
{
    private static readonly ConcurrentDictionary<long, double> CopyRates = new();

    public BandwidthConfig()
    {
        AddColumn(new Column(Kind.GBytes), new Column(Kind.Copy), new Column(Kind.Share), new Column(Kind.GFlops), new Column(Kind.PeakShare));
    }

    private enum Kind
    {
        GBytes,
        Copy,
        Share,
        GFlops,
        PeakShare,
    }

    private sealed class Column(Kind kind) : IColumn
    {
        public string Id => "Bandwidth" + kind;

        public string ColumnName => kind switch
        {
            Kind.GBytes => "GB/s",
            Kind.Copy => "copy GB/s at size",
            Kind.Share => "% of copy",
            Kind.GFlops => "GFLOP/s",
            _ => "% of FMA peak",
        };

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => (int)kind;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => kind switch
        {
            Kind.GBytes => "(input + output + parameters) x 4 bytes / mean time",
            Kind.Copy => "a vectorised copy's read + write rate over the same number of bytes, one core, this process",
            Kind.Share => "GB/s over the copy rate at the same size",
            Kind.GFlops => "forward multiply-adds x 2 / mean time",
            _ => "GFLOP/s over the FMA-loop peak of the same width, measured in the host process",
        };

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            if (report?.ResultStatistics is null)
            {
                return "-";
            }

            INetwork network = Catalog.Create((string)benchmarkCase.Parameters.Items.First(p => p.Name == "Network").Value);
            SimdWidth width = (SimdWidth)benchmarkCase.Parameters.Items.First(p => p.Name == "Width").Value;
            long bytes = Catalog.ForwardBytes(network);
            double gbytes = bytes / report.ResultStatistics.Mean;
            double copy = CopyRates.GetOrAdd(bytes, Bandwidth.Measure);
            double value = kind switch
            {
                Kind.GBytes => gbytes,
                Kind.Copy => copy,
                Kind.Share => 100 * gbytes / copy,
                Kind.GFlops => Catalog.ForwardFlops(network) / report.ResultStatistics.Mean,
                _ => 100 * Catalog.ForwardFlops(network) / report.ResultStatistics.Mean / FmaPeak.Cached(width),
            };
            return value.ToString("F1", CultureInfo.InvariantCulture);
        }

        public override string ToString() => ColumnName;
    }
}

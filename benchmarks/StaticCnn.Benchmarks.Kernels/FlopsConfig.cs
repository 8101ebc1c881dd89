using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks.Kernels;

/// <summary>Adds GFLOP/s (forward convolution and dense arithmetic / mean time) and its share of the FMA peak.</summary>
public sealed class FlopsConfig : ManualConfig
{
    public FlopsConfig()
    {
        AddColumn(new FlopsColumn(percentOfPeak: false), new FlopsColumn(percentOfPeak: true));
    }

    private sealed class FlopsColumn(bool percentOfPeak) : IColumn
    {
        public string Id => percentOfPeak ? "FmaPeakShare" : "GFlops";

        public string ColumnName => percentOfPeak ? "% of FMA peak" : "GFLOP/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => percentOfPeak ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => percentOfPeak
            ? "GFLOP/s over the FMA-loop peak of the same width, measured in the host process"
            : "Forward multiply-adds of the convolutions and dense layers x 2 / mean time";

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

            string network = (string)benchmarkCase.Parameters.Items.First(p => p.Name == "Network").Value;
            SimdWidth width = (SimdWidth)benchmarkCase.Parameters.Items.First(p => p.Name == "Width").Value;
            double gflops = Catalog.ForwardFlops(Catalog.Create(network)) / report.ResultStatistics.Mean;
            return percentOfPeak
                ? (100 * gflops / FmaPeak.Cached(width)).ToString("F1", CultureInfo.InvariantCulture)
                : gflops.ToString("F1", CultureInfo.InvariantCulture);
        }

        public override string ToString() => ColumnName;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using StaticCnn.Benchmarks.Kernels;
using StaticCnn.Tests.Onnx;

namespace StaticCnn.Benchmarks;

/// <summary>
/// Where ONNX Runtime's time goes, node by node, on one of the benchmarked networks in the configuration of the
/// benchmarks (one thread, every graph optimisation; <see cref="OnnxRuntimeRunner"/>):
/// <c>dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks -- ort-profile MobileNetV1 [runs]</c>.
/// Prints the median kernel time of every node of the optimised graph (its fused operator, e.g. a Conv with the
/// BatchNorm folded in and the ReLU fused), to be read beside <c>samples/TinyMl -- --profile</c>'s layer table.
/// </summary>
public static class OnnxProfile
{
    public static void Run(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "MobileNetV1";
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
        INetwork network = Catalog.Create(name);
        BenchmarkNetworks.RandomizeBiases(network, seed: 2);
        string prefix = Path.Combine(Path.GetTempPath(), $"ort-profile-{name}");
        string file;
        using (var runner = new OnnxRuntimeRunner(OnnxExporter.ToBytes(network), 1, prefix))
        {
            Catalog.Inputs(network.InputLength, seed: 3).CopyTo(runner.Input);
            for (int i = 0; i < runs; i++)
            {
                runner.Run();
            }

            file = runner.EndProfiling();
        }

        // The profile is a JSON array of events; node kernels are "cat": "Node" events named "<node>_kernel_time"
        // with their duration in microseconds and the operator in args.op_name.
        var times = new Dictionary<string, (string Op, List<double> Durations)>();
        var order = new List<string>();
        using (JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(file)))
        {
            foreach (JsonElement e in document.RootElement.EnumerateArray())
            {
                if (e.GetProperty("cat").GetString() != "Node"
                    || e.GetProperty("name").GetString() is not { } eventName
                    || !eventName.EndsWith("_kernel_time", StringComparison.Ordinal))
                {
                    continue;
                }

                string node = eventName[..^"_kernel_time".Length];
                string op = e.TryGetProperty("args", out JsonElement a) && a.TryGetProperty("op_name", out JsonElement o) ? o.GetString() ?? "?" : "?";
                if (!times.TryGetValue(node, out var entry))
                {
                    entry = (op, new List<double>());
                    times[node] = entry;
                    order.Add(node);
                }

                entry.Durations.Add(e.GetProperty("dur").GetDouble());
            }
        }

        File.Delete(file);
        Console.WriteLine($"ONNX Runtime, {name}, batch 1, one thread: median kernel time per node over {runs} runs (the first 10% skipped)");
        Console.WriteLine($"{"#",3}  {"node",-40} {"op",-22} {"median us",10}");
        double sum = 0;
        for (int i = 0; i < order.Count; i++)
        {
            (string op, List<double> durations) = times[order[i]];
            double[] kept = durations.Skip(durations.Count / 10).Order().ToArray();
            double median = kept.Length == 0 ? 0 : kept[kept.Length / 2];
            sum += median;
            Console.WriteLine($"{i + 1,3}  {Truncate(order[i], 40),-40} {op,-22} {median,10:F1}");
        }

        Console.WriteLine($"     sum of the nodes' medians: {sum:F1} us");
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "~";
}

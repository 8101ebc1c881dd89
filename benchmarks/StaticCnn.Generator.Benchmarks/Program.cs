using System;
using System.Globalization;
using BenchmarkDotNet.Running;
using StaticCnn.Generator.Benchmarks;

// dotnet run -c Release --project benchmarks/StaticCnn.Generator.Benchmarks -- --sizes   (generated source size)
// dotnet run -c Release --project benchmarks/StaticCnn.Generator.Benchmarks -- --filter * --job short
if (args.Length > 0 && args[0] == "--sizes")
{
    foreach ((string name, string source) in new[] { ("LeNet5", Networks.LeNet5), ("Net20", Networks.Net20) })
    {
        var compilation = GeneratorBenchmarks.Compile(source);
        if (!GeneratorBenchmarks.RunAnalyzer(compilation).IsEmpty)
        {
            throw new InvalidOperationException($"{name} has SCNN diagnostics: it would not measure a real network.");
        }

        string text = GeneratorBenchmarks.RunGenerator(compilation);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {text.Length:N0} characters, {text.Split('\n').Length:N0} lines of generated C#"));
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(args);

using BenchmarkDotNet.Running;

namespace StaticCnn.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks -- --filter '*'</c>.
/// Any BenchmarkDotNet argument works (for example <c>--job short</c> for a quick look).
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

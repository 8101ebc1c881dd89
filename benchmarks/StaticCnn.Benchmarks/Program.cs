using BenchmarkDotNet.Running;

namespace StaticCnn.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks -- --filter '*'</c>.
/// Any BenchmarkDotNet argument works (for example <c>--job short</c> for a quick look). <c>-- ort-profile NAME [runs]</c>
/// instead prints ONNX Runtime's time per node on one network (<see cref="OnnxProfile"/>);
/// <c>-- ort-alternate NAME [batch] [rounds]</c> times a network against ONNX Runtime in alternating rounds (<see cref="OnnxAlternating"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ort-profile")
        {
            OnnxProfile.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "ort-alternate")
        {
            OnnxAlternating.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

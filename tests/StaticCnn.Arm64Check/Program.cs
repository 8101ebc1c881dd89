using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Text;
using System.Threading;
using StaticCnn.Kernels;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StaticCnn.Arm64Check;

/// <summary>
/// Runs StaticCnn.Tests' facts and theories (compiled into this program) without a test host, so the same checks run
/// in an emulated ARM64 process: every test network against the naive reference at every SIMD width the process
/// has, the kernels, the optimizers, the baked weights, the allocation counts. It prints what it ran, class by class,
/// and closes with "N passed, N failed"; the exit code is 1 when anything failed or nothing ran.
/// </summary>
public static class Program
{
    private const string Usage =
        """
        StaticCnn.Arm64Check [--expect-arm64] [--class NAME]... [--skip NAME]... [--threads N] [--list]
          --expect-arm64  fail unless this process is ARM64 with AdvSimd and hardware Vector128 (the check's point)
          --class NAME    run only test classes whose name contains NAME (repeatable)
          --skip NAME     leave out test classes whose name contains NAME, or with Class.Method the methods of a
                          class whose name starts with Method (repeatable)
          --threads N     run N test classes at a time (default: the processor count)
          --list          list the test classes and their case counts, run nothing
        """;

    /// <summary>
    /// The classes that took longest under emulation (2026-12-07: over 50, 4-6, 3-4 and 2 minutes), started first so that
    /// the workers finish together; the rest follow in name order.
    /// </summary>
    private static readonly string[] SlowestFirst = ["FiniteDifferenceTests", "BatchTests", "BatchNormTests", "ContractTests"];

    /// <summary>Cases that take longer are named with their time, to keep the check's budget in view.</summary>
    private const long SlowMilliseconds = 10_000;

    public static int Main(string[] args)
    {
        var only = new List<string>();
        var skip = new List<string>();
        bool list = false, expectArm64 = false;
        int threads = Environment.ProcessorCount;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--class" when i + 1 < args.Length: only.Add(args[++i]); break;
                case "--skip" when i + 1 < args.Length: skip.Add(args[++i]); break;
                case "--list": list = true; break;
                case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out threads): i++; break;
                case "--expect-arm64": expectArm64 = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.\n{Usage}");
                    return 2;
            }
        }

        Console.WriteLine($"Process: {RuntimeInformation.ProcessArchitecture} on {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"AdvSimd {AdvSimd.IsSupported}, AdvSimd.Arm64 {AdvSimd.Arm64.IsSupported}, Vector128 accelerated {Vector128.IsHardwareAccelerated}, Vector256 accelerated {Vector256.IsHardwareAccelerated}");
        Console.WriteLine($"SIMD widths the tests run: {string.Join(", ", SimdSupport.SupportedWidths())} (networks default to {SimdSupport.Default}); tiered compilation {(StaticCnn.Tests.Numerics.Samples.Tiered ? "on" : "off")}");
        if (expectArm64 && (RuntimeInformation.ProcessArchitecture != Architecture.Arm64 || !AdvSimd.IsSupported || !Vector128.IsHardwareAccelerated))
        {
            Console.WriteLine("FAILED: --expect-arm64, but this is not an ARM64 process with AdvSimd and hardware Vector128.");
            return 1;
        }

        Type[] classes = typeof(Program).Assembly.GetTypes()
            .Where(t => t.IsClass && t.IsPublic && !t.IsAbstract && TestMethods(t).Any())
            .Where(t => (only.Count == 0 || only.Any(o => t.Name.Contains(o, StringComparison.Ordinal))) && !skip.Any(s => !s.Contains('.', StringComparison.Ordinal) && t.Name.Contains(s, StringComparison.Ordinal)))
            .OrderBy(t => Array.IndexOf(SlowestFirst, t.Name) is int at && at >= 0 ? at : SlowestFirst.Length)
            .ThenBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();

        if (list)
        {
            foreach (Type type in classes)
            {
                Console.WriteLine($"{type.FullName}: {Cases(type).Count(c => !Skipped(type, c, skip))} cases");
            }

            return 0;
        }

        // Test classes run side by side on `threads` workers (xUnit's default, which the tests are written for: a
        // class's cases run one after another); a class's report is printed whole when it ends. Classes in a collection
        // defined with DisableParallelization run afterwards, alone, as xUnit runs them.
        int passed = 0, failed = 0;
        var total = Stopwatch.StartNew();
        Type[] alone = classes.Where(RunsAlone).ToArray();
        RunClasses(classes.Except(alone).ToArray(), Math.Max(1, threads));
        RunClasses(alone, 1);

        void RunClasses(Type[] batch, int threadCount)
        {
            int next = -1;
            var workers = new Thread[threadCount];
            for (int w = 0; w < workers.Length; w++)
            {
                workers[w] = new Thread(() =>
                {
                    for (int i = Interlocked.Increment(ref next); i < batch.Length; i = Interlocked.Increment(ref next))
                    {
                        (int p, int f, string report) = RunClass(batch[i], skip);
                        Interlocked.Add(ref passed, p);
                        Interlocked.Add(ref failed, f);
                        lock (workers)
                        {
                            Console.Write(report);
                        }
                    }
                }, 16 * 1024 * 1024);
                workers[w].Start();
            }

            foreach (Thread worker in workers)
            {
                worker.Join();
            }
        }

        int workerCount = Math.Max(1, threads);

        Console.WriteLine($"{classes.Length} test classes on {workerCount} threads in {total.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s on {RuntimeInformation.ProcessArchitecture}");
        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private static bool Skipped(Type type, TestCase test, List<string> skip) =>
        skip.Any(s => s.StartsWith(type.Name + ".", StringComparison.Ordinal) && test.Method.Name.StartsWith(s[(type.Name.Length + 1)..], StringComparison.Ordinal));

    /// <summary>Runs a class's cases in order; returns the counts and the report to print.</summary>
    /// <summary>Whether a class is in an xUnit collection whose definition disables parallelization.</summary>
    private static bool RunsAlone(Type type) =>
        FirstArgument(type, typeof(CollectionAttribute)) is { } collection && SoloCollections.Value.Contains(collection);

    /// <summary>The names of the collections defined with DisableParallelization, read once.</summary>
    private static readonly Lazy<HashSet<string>> SoloCollections = new(() => typeof(Program).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<CollectionDefinitionAttribute>() is { DisableParallelization: true })
        .Select(t => FirstArgument(t, typeof(CollectionDefinitionAttribute)))
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal));

    private static string? FirstArgument(Type type, Type attribute) =>
        type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == attribute) is { ConstructorArguments.Count: > 0 } data
            ? data.ConstructorArguments[0].Value as string
            : null;

    private static (int Passed, int Failed, string Report) RunClass(Type type, List<string> skip)
    {
        var report = new StringBuilder();
        List<TestCase> cases;
        try
        {
            cases = Cases(type).Where(c => !Skipped(type, c, skip)).ToList();
        }
        catch (Exception e)
        {
            return (0, 1, $"  FAILED {type.Name}: reading its theories' data threw\n{Indent(Describe(e))}\n");
        }

        var watch = Stopwatch.StartNew();
        int passed = 0, failed = 0;
        foreach (TestCase test in cases)
        {
            long started = watch.ElapsedMilliseconds;
            string? failure = Run(type, test);
            long took = watch.ElapsedMilliseconds - started;
            if (took >= SlowMilliseconds)
            {
                report.AppendLine($"  slow: {type.Name}.{test.Display} {(took / 1000.0).ToString("F1", CultureInfo.InvariantCulture)} s");
            }

            if (failure is null)
            {
                passed++;
                continue;
            }

            failed++;
            report.AppendLine($"  FAILED {type.Name}.{test.Display}\n{Indent(failure)}");
        }

        report.AppendLine($"{type.FullName}: {passed} passed, {failed} failed ({watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
        return (passed, failed, report.ToString());
    }

    /// <summary>One call of a test method: a fact, or a theory with one row of its data.</summary>
    private sealed record TestCase(MethodInfo Method, object?[] Arguments, string Display);

    private static IEnumerable<MethodInfo> TestMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<FactAttribute>() is { Skip: null });

    /// <summary>The type's cases in declaration order; a theory's rows come from its data attributes, as xUnit reads them.</summary>
    private static List<TestCase> Cases(Type type)
    {
        var cases = new List<TestCase>();
        foreach (MethodInfo method in TestMethods(type).OrderBy(m => m.MetadataToken))
        {
            if (method.GetCustomAttribute<FactAttribute>() is not TheoryAttribute)
            {
                cases.Add(new TestCase(method, [], method.Name + "()"));
                continue;
            }

            foreach (DataAttribute data in method.GetCustomAttributes<DataAttribute>().Where(d => d.Skip is null))
            {
                foreach (object?[] row in data.GetData(method))
                {
                    cases.Add(new TestCase(method, row, $"{method.Name}({string.Join(", ", row.Select(Show))})"));
                }
            }
        }

        return cases;
    }

    /// <summary>Runs one case on a new instance (as xUnit does); returns null when it passed, else what went wrong.</summary>
    private static string? Run(Type type, TestCase test)
    {
        var output = new Output();
        object? instance = null;
        try
        {
            if (!test.Method.IsStatic)
            {
                ConstructorInfo constructor = type.GetConstructors().Single();
                instance = constructor.Invoke([.. constructor.GetParameters().Select(p => p.ParameterType == typeof(ITestOutputHelper) ? output : throw new NotSupportedException($"constructor parameter {p.ParameterType}"))]);
            }

            test.Method.Invoke(instance, Arguments(test.Method, test.Arguments));
            return null;
        }
        catch (Exception e)
        {
            string text = Describe(e);
            return output.Text.Length == 0 ? text : $"{text}\noutput:\n{output.Text}";
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    /// <summary>A theory row converted to the method's parameter types, the way xUnit converts inline data.</summary>
    private static object?[] Arguments(MethodInfo method, object?[] row)
    {
        ParameterInfo[] parameters = method.GetParameters();
        var arguments = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            Type target = parameters[i].ParameterType;
            object? value = i < row.Length ? row[i] : parameters[i].DefaultValue;
            arguments[i] = value is null || target.IsInstanceOfType(value) ? value
                : target.IsEnum ? Enum.ToObject(target, value)
                : Convert.ChangeType(value, Nullable.GetUnderlyingType(target) ?? target, CultureInfo.InvariantCulture);
        }

        return arguments;
    }

    private static string Describe(Exception e) => (e is TargetInvocationException { InnerException: { } cause } ? cause : e).ToString();

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Array a => $"[{a.Length}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Take(24).Select(l => "    " + l));

    /// <summary>The ITestOutputHelper a test's constructor asks for; its lines are shown with a failure.</summary>
    private sealed class Output : ITestOutputHelper
    {
        private readonly StringBuilder _text = new();

        public string Text => _text.ToString();

        public void WriteLine(string message) => _text.AppendLine(message);

        public void WriteLine(string format, params object[] args) => _text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, args));
    }
}

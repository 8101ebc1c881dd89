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
        StaticCnn.Arm64Check [--expect-arm64] [--class NAME]... [--skip NAME]... [--list]
          --expect-arm64  fail unless this process is ARM64 with AdvSimd and hardware Vector128 (the check's point)
          --class NAME    run only test classes whose name contains NAME (repeatable)
          --skip NAME     leave out test classes whose name contains NAME (repeatable)
          --list          list the test classes and their case counts, run nothing
        """;

    public static int Main(string[] args)
    {
        var only = new List<string>();
        var skip = new List<string>();
        bool list = false, expectArm64 = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--class" when i + 1 < args.Length: only.Add(args[++i]); break;
                case "--skip" when i + 1 < args.Length: skip.Add(args[++i]); break;
                case "--list": list = true; break;
                case "--expect-arm64": expectArm64 = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.\n{Usage}");
                    return 2;
            }
        }

        Console.WriteLine($"Process: {RuntimeInformation.ProcessArchitecture} on {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"AdvSimd {AdvSimd.IsSupported}, AdvSimd.Arm64 {AdvSimd.Arm64.IsSupported}, Vector128 accelerated {Vector128.IsHardwareAccelerated}, Vector256 accelerated {Vector256.IsHardwareAccelerated}");
        Console.WriteLine($"SIMD widths the tests run: {string.Join(", ", SimdSupport.SupportedWidths())} (networks default to {SimdSupport.Default})");
        if (expectArm64 && (RuntimeInformation.ProcessArchitecture != Architecture.Arm64 || !AdvSimd.IsSupported || !Vector128.IsHardwareAccelerated))
        {
            Console.WriteLine("FAILED: --expect-arm64, but this is not an ARM64 process with AdvSimd and hardware Vector128.");
            return 1;
        }

        Type[] classes = typeof(Program).Assembly.GetTypes()
            .Where(t => t.IsClass && t.IsPublic && !t.IsAbstract && TestMethods(t).Any())
            .Where(t => (only.Count == 0 || only.Any(o => t.Name.Contains(o, StringComparison.Ordinal))) && !skip.Any(s => t.Name.Contains(s, StringComparison.Ordinal)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();

        int passed = 0, failed = 0;
        var total = Stopwatch.StartNew();
        foreach (Type type in classes)
        {
            List<TestCase> cases;
            try
            {
                cases = Cases(type);
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"  FAILED {type.Name}: reading its theories' data threw\n{Indent(Describe(e))}");
                continue;
            }

            if (list)
            {
                Console.WriteLine($"{type.FullName}: {cases.Count} cases");
                continue;
            }

            var watch = Stopwatch.StartNew();
            int classPassed = 0, classFailed = 0;
            foreach (TestCase test in cases)
            {
                string? failure = Run(type, test);
                if (failure is null)
                {
                    classPassed++;
                    continue;
                }

                classFailed++;
                Console.WriteLine($"  FAILED {type.Name}.{test.Display}\n{Indent(failure)}");
            }

            passed += classPassed;
            failed += classFailed;
            Console.WriteLine($"{type.FullName}: {classPassed} passed, {classFailed} failed ({watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
        }

        if (list)
        {
            return 0;
        }

        Console.WriteLine($"{classes.Length} test classes in {total.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s on {RuntimeInformation.ProcessArchitecture}");
        Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
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

using System;
using System.IO;
using Xunit;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>
/// Whole-file snapshots kept as .txt under Baselines/. Compared exactly (line endings normalised); rewritten
/// only when STATICCNN_UPDATE_BASELINES=1.
/// </summary>
internal static class Baseline
{
    public const string UpdateVariable = "STATICCNN_UPDATE_BASELINES";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static void Verify(string fileName, string actual)
    {
        string path = Path.Combine(RepositoryPaths.Baselines, fileName);
        string normalised = Normalise(actual);
        if (Updating)
        {
            Directory.CreateDirectory(RepositoryPaths.Baselines);
            File.WriteAllText(path, normalised);
            return;
        }

        Assert.True(File.Exists(path),
            $"The baseline {path} does not exist. Create it by running the tests once with {UpdateVariable}=1, " +
            $"e.g. `{UpdateVariable}=1 dotnet test tests/StaticCnn.Generator.Tests`, review it and check it in.");

        string expected = Normalise(File.ReadAllText(path));
        if (expected != normalised)
        {
            Assert.Fail(
                $"The generated text differs from the baseline {path} at line {FirstDifferentLine(expected, normalised)}. " +
                $"{Environment.NewLine}If the change is intended, rerun with {UpdateVariable}=1 and review the diff of the baseline.");
        }
    }

    public static string Normalise(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string FirstDifferentLine(string expected, string actual)
    {
        string[] a = expected.Split('\n');
        string[] b = actual.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string left = i < a.Length ? a[i] : "<end of file>";
            string right = i < b.Length ? b[i] : "<end of file>";
            if (left != right)
            {
                return $"{i + 1}:{Environment.NewLine}  baseline:  {left}{Environment.NewLine}  generated: {right}";
            }
        }

        return "?";
    }
}

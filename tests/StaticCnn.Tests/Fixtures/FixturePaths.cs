using System;
using System.IO;

namespace StaticCnn.Tests;

/// <summary>Where fixture files are: copied next to the test binaries, and checked in under the source tree.</summary>
public static class FixturePaths
{
    /// <summary>Set to 1 to let tests rewrite the fixtures that StaticCnn itself produces (then review the diff).</summary>
    public const string UpdateVariable = "STATICCNN_UPDATE_FIXTURES";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Fixtures/<paramref name="folder"/>/<paramref name="file"/> in the test output directory.</summary>
    public static string Output(string folder, string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder, file);

    /// <summary>tests/StaticCnn.Tests/Fixtures/<paramref name="folder"/>/<paramref name="file"/> in the source tree.</summary>
    public static string Source(string folder, string file) =>
        Path.Combine(RepositoryRoot(), "tests", "StaticCnn.Tests", "Fixtures", folder, file);

    /// <summary>The directory holding StaticCnn.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StaticCnn.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} contains StaticCnn.sln.");
    }
}

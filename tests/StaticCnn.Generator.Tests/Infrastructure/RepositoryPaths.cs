using System;
using System.IO;

namespace StaticCnn.Generator.Tests.Infrastructure;

/// <summary>Finds the checked-in source folders from the test's output directory.</summary>
internal static class RepositoryPaths
{
    /// <summary>The directory holding StaticCnn.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>tests/StaticCnn.Generator.Tests/Baselines in the source tree (not the build output).</summary>
    public static string Baselines => Path.Combine(Root, "tests", "StaticCnn.Generator.Tests", "Baselines");

    private static string FindRoot()
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

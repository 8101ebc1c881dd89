using System;
using System.IO;
using StaticCnn.Generator.Helpers;

namespace StaticCnn.Generator.Weights;

/// <summary>
/// The bytes of one safetensors file listed as an AdditionalFiles item, or why it could not be read. Value-equal,
/// so the pipeline only re-checks networks when a file's content changes.
/// </summary>
internal sealed record WeightsFile(string Path, EquatableArray<byte> Content, string? ReadError)
{
    /// <summary>
    /// Reads the file's bytes from disk. The compiler hands additional files to generators only as decoded text, and
    /// it refuses binary files there, so the bytes are read from the path the build lists.
    /// </summary>
    public static WeightsFile Read(string path)
    {
        try
        {
#pragma warning disable RS1035 // A binary AdditionalFiles item has no text form; its bytes come from its path.
            byte[] bytes = File.ReadAllBytes(path);
#pragma warning restore RS1035
            return new WeightsFile(path, new EquatableArray<byte>(bytes), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new WeightsFile(path, EquatableArray<byte>.Empty, e.Message);
        }
    }

    /// <summary>Whether this file is the one a [Network(Weights = "...")] names: the same path, or a path ending in it.</summary>
    public bool Matches(string declared) => Matches(Path, declared);

    /// <summary>Whether the file at <paramref name="filePath"/> is the one <paramref name="declared"/> names.</summary>
    public static bool Matches(string filePath, string declared)
    {
        string path = Normalize(filePath);
        string name = Normalize(declared);
        if (name.Length == 0)
        {
            return false;
        }

        return string.Equals(path, name, StringComparison.Ordinal)
            || (path.EndsWith(name, StringComparison.Ordinal) && path[path.Length - name.Length - 1] == '/');
    }

    private static string Normalize(string path)
    {
        string slashes = path.Replace('\\', '/');
        while (slashes.StartsWith("./", StringComparison.Ordinal))
        {
            slashes = slashes.Substring(2);
        }

        return slashes;
    }
}

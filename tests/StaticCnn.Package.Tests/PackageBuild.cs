using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace StaticCnn.Package.Tests;

/// <summary>
/// Done once for the test class: copies the sources needed to pack StaticCnn (the repository's top-level files,
/// src/ and generator/, without bin/obj) to a temporary folder, packs them with a version unique to this run into a
/// temporary feed, then makes one throwaway consumer project that references the package through a nuget.config
/// (the temporary feed, the machine's NuGet package cache as an offline source, and whatever sources the user's
/// NuGet.Config names), with its own packages folder so nothing leaks into the real cache. The consumer is built
/// and run, then built again with a bad declaration added.
/// </summary>
public sealed class PackageBuild : IDisposable
{
    /// <summary>The consumer's good network and what it prints, computed by hand in <see cref="ConsumerProgram"/>.</summary>
    public const string ExpectedOutput = "lengths 4 2 9\noutput 10.5 -9.5\nonnx ok\nsafetensors True\n";

    public PackageBuild()
    {
        Root = Directory.CreateTempSubdirectory("staticcnn-package-").FullName;
        RepositoryRoot = FindRepositoryRoot();
        Version = "0.1.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        Feed = Path.Combine(Root, "feed");
        string sources = Path.Combine(Root, "sources");
        CopySources(RepositoryRoot, sources);

        Pack = DotnetCli.Run(sources, "pack", Path.Combine(sources, "src", "StaticCnn", "StaticCnn.csproj"),
            "-c", "Release", "-o", Feed, "-p:Version=" + Version, "--disable-build-servers", "-nodeReuse:false");
        if (Pack.ExitCode != 0)
        {
            return;
        }

        Consumer = Path.Combine(Root, "consumer");
        Directory.CreateDirectory(Consumer);
        File.WriteAllText(Path.Combine(Consumer, "Consumer.csproj"), ConsumerProject(Version));
        File.WriteAllText(Path.Combine(Consumer, "nuget.config"), NuGetConfig(Feed, Path.Combine(Root, "packages")));
        File.WriteAllText(Path.Combine(Consumer, "Program.cs"), ConsumerProgram);

        Build = DotnetCli.Run(Consumer, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        if (Build.ExitCode == 0)
        {
            RunOutput = DotnetCli.Run(Consumer, Path.Combine(Consumer, "bin", "Release", "net10.0", "Consumer.dll"));
        }

        File.WriteAllText(Path.Combine(Consumer, "Bad.cs"), BadDeclaration);
        BadBuild = DotnetCli.Run(Consumer, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
    }

    public string Root { get; }

    public string RepositoryRoot { get; }

    public string Version { get; }

    public string Feed { get; }

    public string? Consumer { get; }

    public CliResult Pack { get; }

    public CliResult? Build { get; }

    public CliResult? RunOutput { get; }

    public CliResult? BadBuild { get; }

    public string PackagePath => Path.Combine(Feed, $"StaticCnn.{Version}.nupkg");

    public string SymbolsPath => Path.Combine(Feed, $"StaticCnn.{Version}.snupkg");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temporary folder is cleaned by the system later.
        }
    }

    /// <summary>
    /// Tiny: Conv2D(1 filter, 2x2) on a 1x2x2 input gives 1x1x1, ReLU, then Dense(2) (implied flatten). With conv
    /// weight [1, 2, 3, 4], bias 0.5 and input [1, 1, 1, 1] the convolution is 1 + 2 + 3 + 4 + 0.5 = 10.5, the ReLU
    /// keeps it, and Dense weight [1, -1], bias [0, 1] gives [10.5, -10.5 + 1] = [10.5, -9.5]. Parameters: 4 + 1 + 2 + 2 = 9.
    /// </summary>
    public const string ConsumerProgram = """
        using System;
        using StaticCnn;

        var net = new Tiny();
        float[] parameters = [1, 2, 3, 4, 0.5f, 1, -1, 0, 1];
        parameters.CopyTo(net.Parameters);
        float[] output = new float[Tiny.OutputLength];
        net.Forward([1, 1, 1, 1], output);
        Console.Write($"lengths {Tiny.InputLength} {Tiny.OutputLength} {Tiny.ParameterCount}\n");
        Console.Write(FormattableString.Invariant($"output {output[0]} {output[1]}\n"));
        byte[] onnx = OnnxExporter.ToBytes(net);
        Console.Write($"onnx {(onnx.Length > 100 ? "ok" : "too short")}\n");
        var copy = new Tiny();
        SafeTensors.Load(copy, SafeTensors.ToBytes(net));
        Console.Write($"safetensors {copy.Parameters.SequenceEqual(net.Parameters)}\n");

        [Network(1, 2, 2)]
        [Conv2D(1, 2)]
        [ReLU]
        [Dense(2)]
        public partial class Tiny;
        """;

    /// <summary>A 5x5 filter on a 3x3 input: (3 - 5) / 1 + 1 = -1 is not a size.</summary>
    public const string BadDeclaration = """
        using StaticCnn;

        [Network(1, 3, 3)]
        [Conv2D(4, 5)]
        public partial class TooBig;
        """;

    private static string ConsumerProject(string version) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="StaticCnn" Version="{version}" />
          </ItemGroup>
        </Project>
        """;

    private static string NuGetConfig(string feed, string packages)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cacheSource = Directory.Exists(cache) ? $"""    <add key="local-package-cache" value="{cache}" />""" : string.Empty;
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <add key="staticcnn-under-test" value="{feed}" />
            {cacheSource}
              </packageSources>
            </configuration>
            """;
    }

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string folder in new[] { "src", "generator" })
        {
            CopyTree(Path.Combine(from, folder), Path.Combine(to, folder));
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(folder);
            if (name is "bin" or "obj" || name.StartsWith('.'))
            {
                continue;
            }

            CopyTree(folder, Path.Combine(to, name));
        }
    }

    private static string FindRepositoryRoot()
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

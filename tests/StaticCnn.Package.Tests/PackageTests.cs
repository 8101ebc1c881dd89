using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace StaticCnn.Package.Tests;

/// <summary>
/// The StaticCnn NuGet package: its layout, and what a consumer project that references only the package gets
/// from <c>dotnet build</c> and at run time.
/// </summary>
public sealed class PackageTests : IClassFixture<PackageBuild>
{
    private readonly PackageBuild _build;

    public PackageTests(PackageBuild build) => _build = build;

    [Fact]
    public void PackageHoldsRuntimeAnalyzersReadmeAndLicense()
    {
        Assert.True(_build.Pack.ExitCode == 0, _build.Pack.ToString());
        using ZipArchive package = ZipFile.OpenRead(_build.PackagePath);
        string[] entries = package.Entries.Select(e => e.FullName).ToArray();

        Assert.Contains("lib/net10.0/StaticCnn.dll", entries);
        Assert.Contains("lib/net10.0/StaticCnn.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/StaticCnn.Generator.dll", entries);
        Assert.Contains("LICENSE", entries);
        bool hasCodeFixes = File.Exists(Path.Combine(_build.RepositoryRoot, "generator", "StaticCnn.CodeFixes", "StaticCnn.CodeFixes.csproj"));
        Assert.Equal(hasCodeFixes, entries.Contains("analyzers/dotnet/cs/StaticCnn.CodeFixes.dll"));
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));

        XDocument nuspec = XDocument.Load(package.Entries.Single(e => e.FullName == "StaticCnn.nuspec").Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(_build.Version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Equal("StaticCnn Developers", metadata.Element(ns + "authors")!.Value);
        string[] dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToArray();
        Assert.Equal(["Google.Protobuf"], dependencies);
        bool repositoryHasReadme = File.Exists(Path.Combine(_build.RepositoryRoot, "README.md"));
        Assert.Equal(repositoryHasReadme, entries.Contains("README.md"));
        Assert.Equal(repositoryHasReadme ? "README.md" : null, metadata.Element(ns + "readme")?.Value);
    }

    [Fact]
    public void SymbolPackageHoldsThePdb()
    {
        Assert.True(_build.Pack.ExitCode == 0, _build.Pack.ToString());
        using ZipArchive symbols = ZipFile.OpenRead(_build.SymbolsPath);

        Assert.Contains("lib/net10.0/StaticCnn.pdb", symbols.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void ConsumerBuildsWithoutWarningsAndComputesTheHandWorkedOutput()
    {
        Assert.True(_build.Pack.ExitCode == 0, _build.Pack.ToString());
        Assert.NotNull(_build.Build);
        Assert.True(_build.Build.ExitCode == 0, _build.Build.ToString());
        Assert.NotNull(_build.RunOutput);
        Assert.True(_build.RunOutput.ExitCode == 0, _build.RunOutput.ToString());

        Assert.Equal(PackageBuild.ExpectedOutput, _build.RunOutput.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void BadDeclarationFailsTheBuildWithOnlyScnnErrors()
    {
        Assert.True(_build.Pack.ExitCode == 0, _build.Pack.ToString());
        Assert.NotNull(_build.BadBuild);

        Assert.NotEqual(0, _build.BadBuild.ExitCode);
        string[] errors = _build.BadBuild.Output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length > 0, _build.BadBuild.ToString());
        Assert.All(errors, e => Assert.Contains(": error SCNN", e));
        Assert.Contains(errors, e => e.Contains("Bad.cs", StringComparison.Ordinal) && e.Contains("Conv2D", StringComparison.Ordinal));
    }
}

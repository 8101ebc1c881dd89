using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Diagnostics;
using StaticCnn.Generator.Shapes;
using Xunit;

namespace StaticCnn.Generator.Tests.Diagnostics;

/// <summary>
/// The catalog: SCNN0001..SCNN0021, each with a title, description and help page; errors cannot be reconfigured,
/// warnings and infos can; SCNN0040..SCNN0049 stay free for the baked-weights errors.
/// </summary>
public sealed class DiagnosticDescriptorTests
{
    [Fact]
    public void IdsAreConsecutiveFromScnn0001InOrder() =>
        Assert.Equal(
            Enumerable.Range(1, DiagnosticDescriptors.All.Length).Select(i => $"SCNN{i:0000}"),
            DiagnosticDescriptors.All.Select(d => d.Id));

    [Fact]
    public void Scnn0040To0049AreReserved() =>
        Assert.DoesNotContain(DiagnosticDescriptors.All, d => string.CompareOrdinal(d.Id, "SCNN0040") >= 0 && string.CompareOrdinal(d.Id, "SCNN0049") <= 0);

    [Theory]
    [InlineData("SCNN0017", DiagnosticSeverity.Warning)]
    [InlineData("SCNN0018", DiagnosticSeverity.Warning)]
    [InlineData("SCNN0019", DiagnosticSeverity.Warning)]
    [InlineData("SCNN0020", DiagnosticSeverity.Info)]
    [InlineData("SCNN0021", DiagnosticSeverity.Info)]
    public void WarningsAndInfosAreConfigurable(string id, DiagnosticSeverity severity)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.All.Single(d => d.Id == id);
        Assert.Equal(severity, descriptor.DefaultSeverity);
        Assert.DoesNotContain(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
    }

    [Fact]
    public void UnshippedReleaseTracksEveryRule()
    {
        string unshipped = System.IO.File.ReadAllText(System.IO.Path.Combine(Infrastructure.RepositoryPaths.Root, "generator", "StaticCnn.Generator", "AnalyzerReleases.Unshipped.md"));
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped);
        }
    }

    [Fact]
    public void IdsAreUnique() =>
        Assert.Equal(DiagnosticDescriptors.All.Length, DiagnosticDescriptors.All.Select(d => d.Id).Distinct().Count());

    [Fact]
    public void EveryDescriptorHasTextAndHelpAndErrorsAreNotConfigurable()
    {
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            Assert.True(descriptor.IsEnabledByDefault, descriptor.Id);
            Assert.Equal(descriptor.DefaultSeverity == DiagnosticSeverity.Error, descriptor.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable));
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()), descriptor.Id);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), descriptor.Id);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Category), descriptor.Id);
            Assert.Equal(DiagnosticDescriptors.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.True(Uri.IsWellFormedUriString(descriptor.HelpLinkUri, UriKind.Absolute), descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void EveryRuleHasItsOwnDescriptor()
    {
        Rule[] rules = Enum.GetValues<Rule>();
        DiagnosticDescriptor[] descriptors = rules.Select(DiagnosticDescriptors.For).ToArray();

        Assert.Equal(rules.Length, descriptors.Distinct().Count());
        Assert.Equal(DiagnosticDescriptors.All.OrderBy(d => d.Id), descriptors.OrderBy(d => d.Id));
    }

    [Fact]
    public void TheAnalyzerSupportsTheWholeCatalog()
    {
        DiagnosticDescriptor[] expected = DiagnosticDescriptors.All.AddRange(WeightsDiagnostics.All).ToArray();
        DiagnosticDescriptor[] actual = new NetworkAnalyzer().SupportedDiagnostics.ToArray();
        Assert.Equal(expected.Select(d => d.Id), actual.Select(d => d.Id));
        Assert.All(expected.Zip(actual), pair => Assert.Same(pair.First, pair.Second));
    }
}

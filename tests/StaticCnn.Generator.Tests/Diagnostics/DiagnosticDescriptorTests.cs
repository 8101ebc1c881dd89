using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Diagnostics;
using StaticCnn.Generator.Shapes;
using Xunit;

namespace StaticCnn.Generator.Tests.Diagnostics;

/// <summary>The catalog: SCNN0001..SCNN0013, every one a non-configurable Error with a title, description and help page.</summary>
public sealed class DiagnosticDescriptorTests
{
    [Fact]
    public void IdsAreScnn0001To0013InOrder() =>
        Assert.Equal(
            Enumerable.Range(1, 13).Select(i => $"SCNN{i:0000}"),
            DiagnosticDescriptors.All.Select(d => d.Id));

    [Fact]
    public void IdsAreUnique() =>
        Assert.Equal(DiagnosticDescriptors.All.Length, DiagnosticDescriptors.All.Select(d => d.Id).Distinct().Count());

    [Fact]
    public void EveryDescriptorIsANonConfigurableErrorWithTextAndHelp()
    {
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.True(descriptor.IsEnabledByDefault, descriptor.Id);
            Assert.Contains(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
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

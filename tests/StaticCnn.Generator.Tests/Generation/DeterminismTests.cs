using System.Globalization;
using System.Linq;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>The same declaration always gives the same text, whatever the culture of the compiler's process.</summary>
public sealed class DeterminismTests
{
    public static TheoryData<string> Names => new(Declarations.Valid.Select(d => d.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void TwoRunsGiveTheSameText(string name)
    {
        string first = GeneratorHarness.Run(Declarations.Source(name)).SingleGeneratedText;
        string second = GeneratorHarness.Run(Declarations.Source(name)).SingleGeneratedText;

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("ar-SA")]
    [InlineData("fr-FR")]
    [InlineData("tr-TR")]
    public void TextDoesNotDependOnTheCulture(string culture)
    {
        string[] invariant = WithCulture(CultureInfo.InvariantCulture, GenerateAll);
        string[] local = WithCulture(new CultureInfo(culture), GenerateAll);

        Assert.Equal(invariant, local);
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("ar-SA")]
    public void DiagnosticMessagesDoNotDependOnTheCulture(string culture)
    {
        const string source = """
            using StaticCnn;

            [Network(1, 7, 7)]
            [LeakyReLU(0.25f)]
            [Conv2D(1, 3, stride: 3)]
            public partial class Net;
            """;

        string invariant = WithCulture(CultureInfo.InvariantCulture, () => Message(source));
        string local = WithCulture(new CultureInfo(culture), () => Message(source));

        Assert.Equal(invariant, local);
        Assert.Contains("2.33", local);
    }

    private static string[] GenerateAll() =>
        Declarations.Valid.Select(d => GeneratorHarness.Run(d.Source).SingleGeneratedText).ToArray();

    private static string Message(string source) =>
        GeneratorHarness.Run(source).AnalyzerDiagnostics.Single().GetMessage(CultureInfo.CurrentCulture);

    private static T WithCulture<T>(CultureInfo culture, System.Func<T> action)
    {
        CultureInfo culture0 = CultureInfo.CurrentCulture;
        CultureInfo uiCulture0 = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture0;
            CultureInfo.CurrentUICulture = uiCulture0;
        }
    }
}

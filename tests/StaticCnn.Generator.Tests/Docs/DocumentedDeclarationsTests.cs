using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Docs;

/// <summary>
/// Every network declaration quoted in the README and in docs/*.md (a ```csharp block with a [Network(...)] and a
/// partial class, no elided "..." lines; a block declaring [Block] classes too is compiled whole) compiles with the generator and the analyzer without an error or warning, or,
/// where a comment in it says "error SCNNxxxx", with exactly that error; so the documentation cannot drift from what the
/// generator does. The diagnostic pages are checked by <see cref="DiagnosticDocsTests"/>.
/// </summary>
public sealed partial class DocumentedDeclarationsTests
{
    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (string file in Files())
        {
            for (int i = 0; i < Declarations(file).Count; i++)
            {
                data.Add(file, i);
            }
        }

        return data;
    }

    [Fact]
    public void TheLayerPagesQuoteDeclarations()
    {
        Assert.True(Declarations("README.md").Count >= 2, "README.md");
        Assert.True(Declarations(Path.Combine("docs", "layers.md")).Count >= 1, "docs/layers.md");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void CompilesWithoutErrorsOrWarnings(string file, int index)
    {
        string block = Declarations(file)[index];
        string source = $"using System;\nusing StaticCnn;\n\nnamespace Documented{index};\n\n{block}\n";
        GeneratorRun run = GeneratorHarness.Run(source);
        string[] expected = ExpectedError().Matches(block).Select(m => m.Groups[1].Value).ToArray();
        Diagnostic[] problems = run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        string what = $"{file}, declaration {index}:\n{block}\n{GeneratorHarness.Describe(problems)}";
        Assert.True(expected.Length == 0 ? problems.Length == 0 : problems.Select(d => d.Id).Distinct().SequenceEqual(expected), what);
        Assert.All(problems, d => Assert.True(expected.Length > 0 && d.Severity == DiagnosticSeverity.Error, what));
    }

    private static IEnumerable<string> Files() =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f)).OrderBy(f => f, System.StringComparer.Ordinal));

    /// <summary>The C# blocks of a file that declare a network whole (usings and statements around it are dropped).</summary>
    private static List<string> Declarations(string file)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, file)).Replace("\r\n", "\n");
        var found = new List<string>();
        foreach (Match block in CSharpBlock().Matches(text))
        {
            string code = block.Groups[1].Value;
            if (code.Contains("[Block]") && code.Contains("[Network("))
            {
                // A network with blocks: the whole snippet (the network and its block classes), without its usings.
                found.Add(string.Join("\n", code.Split('\n').Where(line => !line.StartsWith("using ", System.StringComparison.Ordinal))));
                continue;
            }

            foreach (Match declaration in Declaration().Matches(code))
            {
                if (!declaration.Value.Split('\n').Any(line => line.Trim() == "..."))
                {
                    found.Add(declaration.Value);
                }
            }
        }

        return found;
    }

    [GeneratedRegex(@"// error (SCNN\d{4})")]
    private static partial Regex ExpectedError();

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>From a [Network(...)] line to the end of the partial class's declaration line.</summary>
    [GeneratedRegex(@"^\[Network\(.*?^public partial class \w+;", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Declaration();
}

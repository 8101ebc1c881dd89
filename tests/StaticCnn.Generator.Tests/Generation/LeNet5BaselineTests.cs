using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// The whole generated file for the contract's LeNet-5, against Baselines/LeNet5.g.cs.txt. After an intended
/// change to the emitted code, rerun with STATICCNN_UPDATE_BASELINES=1 and review the baseline's diff.
/// </summary>
public sealed class LeNet5BaselineTests
{
    [Fact]
    public void GeneratedFileMatchesTheBaseline()
    {
        GeneratorRun run = GeneratorHarness.Run(Declarations.LeNet5);

        Assert.Equal("Samples.LeNet5.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Baseline.Verify("LeNet5.g.cs.txt", run.SingleGeneratedText);
    }
}

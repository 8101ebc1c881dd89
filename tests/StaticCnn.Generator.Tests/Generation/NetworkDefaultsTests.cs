using System.Linq;
using StaticCnn.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticCnn.Generator.Tests.Generation;

/// <summary>
/// [Network(..., BatchNormEpsilon = ..., BatchNormMomentum = ...)]: every BatchNorm that does not set its own takes the
/// network's values, inside blocks too; one that sets them keeps its own; without them PyTorch's 1e-5 and 0.1 stand.
/// </summary>
public sealed class NetworkDefaultsTests
{
    private static string Generated(string network) => GeneratorHarness.Run($$"""
        using StaticCnn;

        namespace Samples;

        {{network}}
        [Conv2D(8, 3, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
        [Residual(typeof(Body))]
        [BatchNorm(Epsilon = 2e-3f, Momentum = 0.05f)]
        [Dense(4)]
        public partial class Net;

        [Block]
        [Conv2D(8, 3, PaddingMode = PaddingMode.Same)] [BatchNorm]
        public partial class Body;
        """).SingleGeneratedText;

    /// <summary>The BatchNormInfo rows of the generated layer table: (epsilon, momentum) literals in layer order.</summary>
    private static string[] BatchNormInfos(string generated) =>
        generated.Split('\n').Where(l => l.Contains("BatchNormInfo(", System.StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();

    [Fact]
    public void KerasDefaultsReachEveryBatchNormThatDoesNotSetItsOwn()
    {
        string[] infos = BatchNormInfos(Generated("[Network(3, 8, 8, BatchNormEpsilon = 1e-3f, BatchNormMomentum = 0.01f)]"));

        Assert.Equal(3, infos.Length);
        Assert.Contains("0.001f, 0.01f", infos[0]); // the network's own [BatchNorm]
        Assert.Contains("0.001f, 0.01f", infos[1]); // the block's
        Assert.Contains("0.002f, 0.05f", infos[2]); // set on the attribute: kept
    }

    [Fact]
    public void WithoutThemPyTorchsDefaultsStand()
    {
        string[] infos = BatchNormInfos(Generated("[Network(3, 8, 8)]"));

        Assert.Contains("1E-05f, 0.1f", infos[0]);
        Assert.Contains("1E-05f, 0.1f", infos[1]);
        Assert.Contains("0.002f, 0.05f", infos[2]);
    }
}

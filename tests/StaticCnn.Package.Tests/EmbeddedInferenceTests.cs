using System;
using System.IO;
using System.Text.RegularExpressions;
using Xunit;

namespace StaticCnn.Package.Tests;

/// <summary>
/// samples/EmbeddedInference published with NativeAOT: the weights baked in at compile time, no trimming or AOT
/// warnings, and a native binary whose two networks (the small CNN, ResNet-8) classify the sample images without allocating.
/// </summary>
public sealed class EmbeddedInferenceTests
{
    [Fact]
    public void TheNativeAotBinaryClassifiesWithBakedWeightsAndAllocatesNothing()
    {
        string root = RepositoryRoot();
        string output = Path.Combine(Path.GetTempPath(), "staticcnn-aot-" + Guid.NewGuid().ToString("N"));
        try
        {
            CliResult publish = DotnetCli.Run(root, "publish", Path.Combine("samples", "EmbeddedInference", "EmbeddedInference.csproj"),
                "-c", "Release", "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "-o", output);
            Assert.True(publish.ExitCode == 0, publish.ToString());
            Assert.DoesNotMatch(new Regex(@"warning (IL\d|SCNN|CS)", RegexOptions.IgnoreCase), publish.Output);

            string binary = Path.Combine(output, OperatingSystem.IsWindows() ? "EmbeddedInference.exe" : "EmbeddedInference");
            Assert.True(File.Exists(binary), $"No native binary at {binary}:{Environment.NewLine}{publish.Output}");
            Assert.False(File.Exists(Path.Combine(output, "fashion-mnist.safetensors")), "The weights must be in the binary, not next to it.");
            Assert.False(File.Exists(Path.Combine(output, "resnet8-fashion-mnist.safetensors")), "The weights must be in the binary, not next to it.");

            // The small Fashion-MNIST CNN (the default) and MLPerf Tiny's ResNet-8 with its BatchNorm statistics baked in.
            foreach ((string network, string[] arguments) in new[] { ("FashionClassifier", Array.Empty<string>()), ("FashionResNet8", new[] { "--model", "resnet8" }) })
            {
                CliResult run = DotnetCli.RunProgram(binary, output, arguments);
                Assert.True(run.ExitCode == 0, run.ToString());
                Assert.Contains($"network: {network},", run.Output);
                Assert.Contains("native AOT: True", run.Output);
                Assert.Contains("managed bytes allocated while classifying: 0", run.Output);
                Match accuracy = Regex.Match(run.Output, @"accuracy: (\d+)/100");
                Assert.True(accuracy.Success, run.ToString());
                Assert.True(int.Parse(accuracy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 85, run.ToString());
            }
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static string RepositoryRoot()
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

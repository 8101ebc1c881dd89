using System;
using System.Globalization;
using System.Linq;
using StaticCnn;

namespace SeedConvNet;

/// <summary>
/// Prints the summary of every CS231n lecture-5 example network and runs one forward pass through each, checking
/// the printed arithmetic against the generated constants.
/// </summary>
public static class Program
{
    public static int Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Console.WriteLine("StaticCnn: the CS231n lecture 5 examples, shape-checked at compile time.");
        Console.WriteLine();

        Show("32x32x3 input, ten 5x5 filters, stride 1, padding 2", new TenFiveByFiveFilters());
        Show("7x7 input, 3x3 filter, stride 2", new SevenBySevenStrideTwo());
        Show("CONV-RELU-POOL stack", new ConvReluPoolStack());
        Show("1x1 convolution over 56x56x64", new OneByOneConvolution());
        Show("The seed network", new SeedNetwork());

        // The lecture's parameter count for the first example, from the generated constant.
        Console.WriteLine($"Ten 5x5x3 filters: (5*5*3 + 1) * 10 = {TenFiveByFiveFilters.ParameterCount} parameters.");
        return TenFiveByFiveFilters.ParameterCount == (5 * 5 * 3 + 1) * 10 ? 0 : 1;
    }

    private static void Show(string title, INetwork network)
    {
        Console.WriteLine($"== {title}");
        Console.WriteLine(network.Summary);

        // A deterministic input in [-1, 1): the same every run.
        var random = new DeterministicRandom(42);
        float[] input = new float[network.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = random.NextSingle(-1f, 1f);
        }

        float[] output = new float[network.OutputLength];
        network.Forward(input, output);
        string head = string.Join(", ", output.Take(5).Select(v => v.ToString("F4", CultureInfo.InvariantCulture)));
        Console.WriteLine($"Forward on a random {network.InputShape} input: {output.Length} outputs, first [{head}{(output.Length > 5 ? ", ..." : "")}]");
        Console.WriteLine($"Vector width: {network.VectorWidth}");
        Console.WriteLine();
    }
}

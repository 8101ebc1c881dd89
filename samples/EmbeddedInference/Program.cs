using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using StaticCnn;
using StaticCnn.Data;
using StaticCnn.Losses;

namespace EmbeddedInference;

/// <summary>
/// Classifies Fashion-MNIST test images with weights baked into the binary at compile time, on a network that
/// allocates nothing per inference. Published with NativeAOT it is one native executable: no runtime, no JIT,
/// no weight file. It reports the binary size, the time from process start to the first classification, the
/// time per image and the managed bytes allocated while classifying (it fails if that is not zero).
/// <c>EmbeddedInference [directory] [--model fashion|resnet8]</c>: the small Fashion-MNIST CNN (default) or MLPerf
/// Tiny's ResNet-8 trained on the same images padded to 3x32x32.
/// </summary>
public static class Program
{
    // How samples/FashionMnist normalised pixels when it trained these weights (the file's metadata records them:
    // normalization_mean and normalization_std, the mean and standard deviation of the training images).
    private static readonly PixelNormalization Normalization = new(Mean: 0.2860406f, StandardDeviation: 0.35302424f);

    private static readonly string[] Classes =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static int Main(string[] args)
    {
        long started = Stopwatch.GetTimestamp();
        string model = "fashion";
        string directory = AppContext.BaseDirectory;
        for (int a = 0; a < args.Length; a++)
        {
            if (args[a] == "--model" && a + 1 < args.Length)
            {
                model = args[++a];
            }
            else
            {
                directory = args[a];
            }
        }

        if (model != "fashion" && model != "resnet8")
        {
            Console.Error.WriteLine($"Unknown model '{model}': expected fashion (the Fashion-MNIST CNN, the default) or resnet8 (MLPerf Tiny's ResNet-8).");
            return 2;
        }

        string images = Path.Combine(directory, "sample-images-idx3-ubyte.gz");
        string labelsPath = Path.Combine(directory, "sample-labels-idx1-ubyte.gz");
        if (!File.Exists(images) || !File.Exists(labelsPath))
        {
            Console.Error.WriteLine($"No images in {directory}: expected sample-images-idx3-ubyte.gz and sample-labels-idx1-ubyte.gz (IDX, as Fashion-MNIST ships them).");
            return 2;
        }

        IdxImages pixels = IdxReader.ReadImages(images);
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (pixels.Rows != 28 || pixels.Columns != 28 || labels.Length != pixels.Count)
        {
            Console.Error.WriteLine($"Expected 28x28 images with one label each; got {pixels.Count} images of {pixels.Rows}x{pixels.Columns} and {labels.Length} labels.");
            return 2;
        }

        // Everything the classification loop touches is allocated here, before it.
        bool resnet = model == "resnet8";
        INetwork network = resnet ? new FashionResNet8() : new FashionClassifier();
        network.FreezeParameters(); // the baked weights never change: derived weights are made once, on the first Forward
        var input = new float[network.InputLength];
        var logits = new float[network.OutputLength];
        var predictions = new int[pixels.Count];
        PixelNormalization normalization = Normalization;
        if (resnet)
        {
            // ResNet-8 was trained on the images padded to 32x32 with 2 background pixels on every side and the gray
            // channel repeated as R, G and B: the border stays the normalised 0 pixel.
            input.AsSpan().Fill(normalization.Apply(0));
        }

        // Settle the heap before the measured loop. Constructing ResNet-8 allocates its 10 MB workspace; without this,
        // some runs counted 6,248 bytes over the loop and others 0, while every Forward measured alone counted 0 (most
        // likely a background GC started by that allocation, retiring this thread's allocation context mid-loop).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long loopStart = Stopwatch.GetTimestamp();
        long firstDone = 0;
        int correct = 0;
        for (int i = 0; i < pixels.Count; i++)
        {
            ReadOnlySpan<byte> image = pixels.Image(i);
            if (resnet)
            {
                for (int c = 0; c < 3; c++)
                {
                    for (int y = 0; y < 28; y++)
                    {
                        for (int x = 0; x < 28; x++)
                        {
                            input[(c * 1024) + ((y + 2) * 32) + x + 2] = normalization.Apply(image[(y * 28) + x]);
                        }
                    }
                }
            }
            else
            {
                for (int p = 0; p < input.Length; p++)
                {
                    input[p] = normalization.Apply(image[p]);
                }
            }

            network.Forward(input, logits);
            predictions[i] = Logits.ArgMax(logits);
            correct += predictions[i] == labels[i] ? 1 : 0;
            if (i == 0)
            {
                firstDone = Stopwatch.GetTimestamp();
            }
        }

        long loopEnd = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        for (int i = 0; i < Math.Min(8, pixels.Count); i++)
        {
            string mark = predictions[i] == labels[i] ? "ok" : "WRONG";
            Console.WriteLine($"image {i,3}: {Classes[predictions[i]],-12} (label {Classes[labels[i]]}) {mark}");
        }

        string binary = Environment.ProcessPath ?? "";
        long size = File.Exists(binary) ? new FileInfo(binary).Length : 0;
        double sinceProcessStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds
            - Stopwatch.GetElapsedTime(firstDone).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"accuracy: {correct}/{pixels.Count} = {(double)correct / pixels.Count:0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"native AOT: {System.Runtime.JitInfo.GetCompiledMethodCount() == 0}; binary: {binary} ({size / 1024.0 / 1024.0:0.00} MiB)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time to first inference: {sinceProcessStart:0.0} ms from process start ({Stopwatch.GetElapsedTime(started, firstDone).TotalMilliseconds:0.00} ms from Main)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"per image: {Stopwatch.GetElapsedTime(loopStart, loopEnd).TotalMicroseconds / pixels.Count:0.0} us over {pixels.Count} images"));
        Console.WriteLine($"network: {network.GetType().Name}, {network.ParameterCount:N0} parameters baked in; SIMD width: {network.VectorWidth}");
        Console.WriteLine($"managed bytes allocated while classifying: {allocated}");
        return allocated == 0 ? 0 : 1;
    }
}

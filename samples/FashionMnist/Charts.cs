using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;
using StaticCnn;
using StaticCnn.Data;
using StaticCnn.Training;

namespace FashionMnist;

/// <summary>The PNG pictures the sample writes, drawn with ScottPlot.</summary>
internal static class Charts
{
    /// <summary>Training and validation loss per epoch (loss.png) and accuracy per epoch with the test accuracy (accuracy.png).</summary>
    public static IEnumerable<string> Curves(TrainingHistory history, double testAccuracy, string directory)
    {
        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        bool hasValidation = history.Epochs.All(e => e.Validation is not null);

        var loss = new Plot();
        Line(loss, epochs, history.Epochs.Select(e => e.TrainLoss).ToArray(), "training (during the epoch)");
        if (hasValidation)
        {
            Line(loss, epochs, history.Epochs.Select(e => e.Validation!.MeanLoss).ToArray(), "validation (after the epoch)");
        }

        loss.Title("Cross-entropy loss");
        loss.XLabel("epoch");
        loss.YLabel("mean loss");
        loss.ShowLegend(Alignment.UpperRight);
        string lossPath = Path.Combine(directory, "loss.png");
        loss.SavePng(lossPath, 800, 500);

        var accuracy = new Plot();
        Line(accuracy, epochs, history.Epochs.Select(e => e.TrainAccuracy).ToArray(), "training (during the epoch)");
        if (hasValidation)
        {
            Line(accuracy, epochs, history.Epochs.Select(e => e.Validation!.Accuracy).ToArray(), "validation (after the epoch)");
        }

        var test = accuracy.Add.HorizontalLine(testAccuracy);
        test.LegendText = $"test, final weights ({testAccuracy:0.0000})";
        test.LinePattern = LinePattern.Dashed;
        accuracy.Title("Accuracy");
        accuracy.XLabel("epoch");
        accuracy.YLabel("fraction correct");
        accuracy.ShowLegend(Alignment.LowerRight);
        string accuracyPath = Path.Combine(directory, "accuracy.png");
        accuracy.SavePng(accuracyPath, 800, 500);
        return [lossPath, accuracyPath];
    }

    /// <summary>The first convolution's filters, each scaled to its own min..max, as a grid of grey tiles.</summary>
    public static string Filters(INetwork network, string path)
    {
        LayerInfo conv = network.Layers.First(l => l.Kind == LayerKind.Conv2D);
        int filters = conv.Output.Channels;
        int k = conv.KernelSize;
        int channels = conv.Input.Channels;
        ReadOnlySpan<float> weights = network.Parameters.Slice(conv.ParameterOffset, conv.WeightCount);
        int columns = (int)Math.Ceiling(Math.Sqrt(filters));
        int rows = (filters + columns - 1) / columns;
        var tiles = new List<double[,]>(filters);
        for (int f = 0; f < filters; f++)
        {
            // Channels side by side for multi-channel inputs; one tile per filter.
            var tile = new double[k, k * channels];
            ReadOnlySpan<float> w = weights.Slice(f * channels * k * k, channels * k * k);
            float min = float.MaxValue;
            float max = float.MinValue;
            foreach (float v in w)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < k; y++)
                {
                    for (int x = 0; x < k; x++)
                    {
                        tile[y, (c * k) + x] = max > min ? (w[(c * k * k) + (y * k) + x] - min) / (max - min) : 0.5;
                    }
                }
            }

            tiles.Add(tile);
        }

        var plot = new Plot();
        Mosaic(plot, tiles, columns, rows, gap: 1, labelHeight: 0, labels: null, gapColor: Colors.SteelBlue);
        plot.Title($"First-layer filters ({filters} x {channels}x{k}x{k}), each scaled black = min to white = max", size: 14);
        plot.SavePng(path, Math.Max(640, 130 * columns), (130 * rows) + 70);
        return path;
    }

    /// <summary>Misclassified test images with their true and predicted classes.</summary>
    public static string Misclassified(IReadOnlyList<(int Index, int Label, int Predicted)> mistakes, ImageDataset test, PixelNormalization normalization, string path, int max = 40)
    {
        var shown = mistakes.Take(max).ToList();
        var tiles = new List<double[,]>(shown.Count);
        var labels = new List<string>(shown.Count);
        int h = test.SampleShape.Height;
        int w = test.SampleShape.Width;
        foreach ((int index, int label, int predicted) in shown)
        {
            ReadOnlySpan<float> sample = test.Sample(index);
            var tile = new double[h, w];
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    // Undo the normalisation to show the original grey levels.
                    tile[y, x] = Math.Clamp((sample[(y * w) + x] * normalization.StandardDeviation) + normalization.Mean, 0, 1);
                }
            }

            tiles.Add(tile);
            labels.Add($"{test.ClassNames[label]}\n-> {test.ClassNames[predicted]}");
        }

        int columns = 8;
        int rows = Math.Max(1, (shown.Count + columns - 1) / columns);
        var plot = new Plot();
        if (tiles.Count == 0)
        {
            plot.Add.Text("no misclassified images", 0, 0);
            plot.HideAxesAndGrid();
            plot.SavePng(path, 600, 200);
            return path;
        }

        Mosaic(plot, tiles, columns, rows, gap: 4, labelHeight: 14, labels, gapColor: Colors.White);
        plot.Title($"Misclassified test images ({shown.Count} of {mistakes.Count}): true class -> predicted", size: 16);
        int unitsWide = (columns * (w + 4)) + 4;
        int unitsHigh = (rows * (h + 4 + 14)) + 4;
        plot.SavePng(path, (unitsWide * 4) + 40, (unitsHigh * 4) + 90);
        return path;
    }

    private static void Line(Plot plot, double[] xs, double[] ys, string label)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = 6;
    }

    /// <summary>
    /// Lays tiles (values in [0, 1]) out in a grid as one grey heatmap, NaN (white) between them, with an optional
    /// text line above each tile.
    /// </summary>
    private static void Mosaic(Plot plot, IReadOnlyList<double[,]> tiles, int columns, int rows, int gap, int labelHeight, IReadOnlyList<string>? labels, Color gapColor)
    {
        int tileHeight = tiles.Count == 0 ? 1 : tiles[0].GetLength(0);
        int tileWidth = tiles.Count == 0 ? 1 : tiles[0].GetLength(1);
        int cellHeight = tileHeight + gap + labelHeight;
        int cellWidth = tileWidth + gap;
        int height = (rows * cellHeight) + gap;
        int width = (columns * cellWidth) + gap;
        var data = new double[height, width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                data[y, x] = double.NaN;
            }
        }

        for (int t = 0; t < tiles.Count; t++)
        {
            int top = ((t / columns) * cellHeight) + gap + labelHeight;
            int left = ((t % columns) * cellWidth) + gap;
            for (int y = 0; y < tileHeight; y++)
            {
                for (int x = 0; x < tileWidth; x++)
                {
                    data[top + y, left + x] = tiles[t][y, x];
                }
            }
        }

        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.NaNCellColor = gapColor;
        heatmap.Extent = new CoordinateRect(0, width, 0, height);
        if (labels is not null)
        {
            for (int t = 0; t < labels.Count; t++)
            {
                int top = ((t / columns) * cellHeight) + gap + labelHeight;
                double x = ((t % columns) * cellWidth) + gap + (tileWidth / 2.0);
                var text = plot.Add.Text(labels[t], x, height - top + 0.5);
                text.Alignment = Alignment.LowerCenter;
                text.LabelFontSize = 11;
                text.LabelFontColor = Colors.Black;
            }
        }

        plot.HideAxesAndGrid();
        plot.Axes.SetLimits(0, width, 0, height);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Helpers;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Shapes;

/// <summary>
/// Shape inference over a declaration that may use blocks: walks the network's layers top to bottom and, at a
/// [Residual] or [Concat], each block on the same input, then the node that joins them (an Add, or the Concat). The
/// result is one list in execution order (a block's layers, its shortcut's, then the join), each layer numbered by
/// its position there (<see cref="LayerSpec.Index"/>), reading the layers <see cref="LayerShape.Inputs"/> names, with
/// its PyTorch module path. Errors go on the network attribute the user wrote: a block's layer reports on the
/// [Residual] or [Concat] that uses the block, naming the block's layer. Pure.
/// </summary>
internal sealed class GraphWalk
{
    private readonly List<ShapeError> _errors;
    private readonly HashSet<int> _skipped;
    private string? _flattenedBy;

    /// <param name="errors">Where errors go.</param>
    /// <param name="skipped">Positions of the network's own layers not to infer (their declaration has an error already).</param>
    public GraphWalk(List<ShapeError> errors, HashSet<int>? skipped = null)
    {
        _errors = errors;
        _skipped = skipped ?? new HashSet<int>();
    }

    /// <summary>Every layer in execution order.</summary>
    public List<LayerShape> Layers { get; } = new();

    public long ParameterTotal { get; private set; }

    public long BufferTotal { get; private set; }

    /// <summary>False once some layer's shape could not be inferred.</summary>
    public bool Known { get; private set; } = true;

    /// <summary>Where a sequence of layers sits: the network's own, or a block's at some use.</summary>
    /// <param name="Prefix">Put before a layer's "{Kind} #{n}" in messages ("Residual #4 › BasicBlock › ").</param>
    /// <param name="Module">Put before a layer's module index ("4.body.").</param>
    /// <param name="Site">The network attribute a block's errors go on; 0 for the network's own sequence.</param>
    /// <param name="Depth">Blocks deep.</param>
    /// <param name="Count">Layers in the network's own sequence (its last may not be followed by anything).</param>
    /// <param name="Trail">Inside a block: the way to it (<see cref="ShapeError.Path"/> without the layer's own position).</param>
    internal sealed record Scope(string Prefix, string Module, int Site, int Depth, int Count, EquatableArray<int> Trail = default)
    {
        public static Scope Network(int count) => new("", "", 0, 0, count);

        public bool InBlock => Site != 0;
    }

    /// <summary>Infers <paramref name="specs"/> reading layer <paramref name="source"/>'s output; returns the last one's.</summary>
    public (int Source, Shape Shape, bool Known) Sequence(IReadOnlyList<LayerSpec> specs, int source, Shape shape, bool known, Scope scope)
    {
        int module = 0;
        foreach (LayerSpec spec in specs)
        {
            if (spec.Kind == LayerKind.Dense && known && !shape.Flat)
            {
                // An implied nn.Flatten() before a Dense that reads spatial data takes a module index.
                module++;
            }

            if (!scope.InBlock && _skipped.Contains(spec.Index))
            {
                Known = false;
                known = false;
                module++;
                continue;
            }

            int index = Layers.Count + 1;
            string label = scope.Prefix + $"{spec.Kind} #{Format.Int(spec.Index)}";
            int site = scope.InBlock ? scope.Site : spec.Index;
            LayerSpec placed = spec with { Index = index, Label = label == $"{spec.Kind} #{Format.Int(index)}" ? null : label, Site = site };
            string path = scope.Module + module.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int errorCount = _errors.Count;
            (source, shape, known) = placed switch
            {
                ResidualSpec residual => Residual(residual, spec.Index, label, path, source, shape, known, scope, site),
                ConcatSpec concat => Concat(concat, spec.Index, label, path, source, shape, known, scope, site),
                _ => Layer(placed, path, source, shape, known, scope),
            };

            Place(errorCount, index, site, scope.InBlock ? scope.Trail.Concat(new[] { spec.Index }).ToEquatableArray() : default);
            module++;
        }

        return (source, shape, known);
    }

    private (int, Shape, bool) Layer(LayerSpec spec, string path, int source, Shape shape, bool known, Scope scope)
    {
        var input = new LayerInput(shape, known, _flattenedBy, ParameterTotal, _errors,
            last: !scope.InBlock && spec.Site == scope.Count, bufferOffset: (int)Math.Min(BufferTotal, int.MaxValue));
        LayerShape? layer = LayerDefinitions.For(spec.Kind).Infer(spec, input);
        _flattenedBy = input.FlattenedBy;
        if (layer is null)
        {
            Known = false;
            return (source, shape, false);
        }

        Add(layer with { Inputs = new[] { source }.ToEquatableArray(), Module = path, Depth = scope.Depth });
        return (layer.Index, layer.Output, known);
    }

    private (int, Shape, bool) Residual(ResidualSpec residual, int position, string label, string path, int source, Shape shape, bool known, Scope scope, int site)
    {
        if (!Usable(residual.Body, label, site, residual.Kind, position, scope) || (residual.Shortcut is { } s && !Usable(s, label, site, residual.Kind, position, scope)))
        {
            Known = false;
            return (source, shape, false);
        }

        int first = Layers.Count;
        (int body, Shape bodyShape, bool bodyKnown) = Sequence(residual.Body.Layers, source, shape, known, Child(scope, position, label, residual.Body, 0, path + ".body.", site));
        int bodyEnd = Layers.Count;
        (int shortcut, Shape shortcutShape, bool shortcutKnown) = residual.Shortcut is { } projection
            ? Sequence(projection.Layers, source, shape, known, Child(scope, position, label, projection, 1, path + ".shortcut.", site))
            : (source, shape, known);
        if (!bodyKnown || !shortcutKnown)
        {
            Known = false;
            return (source, shape, false);
        }

        if (bodyShape != shortcutShape)
        {
            Report(scope, position, ResidualMismatch(residual, label, site, shape, bodyShape, shortcutShape, Layers.Skip(first).Take(bodyEnd - first), Layers.Skip(bodyEnd)));
            Known = false;
            return (source, shape, false);
        }

        var add = new AddSpec { Index = Layers.Count + 1, Label = label + " › Add", Site = site };
        Add(new LayerShape(add, bodyShape, bodyShape, default, EquatableArray<ParameterSpec>.Empty, (int)ParameterTotal)
        {
            Inputs = new[] { body, shortcut }.ToEquatableArray(),
            Module = path,
            Depth = scope.Depth,
        });
        return (add.Index, bodyShape, true);
    }

    private (int, Shape, bool) Concat(ConcatSpec concat, int position, string label, string path, int source, Shape shape, bool known, Scope scope, int site)
    {
        if (concat.Branches.Any(b => !Usable(b, label, site, concat.Kind, position, scope)))
        {
            Known = false;
            return (source, shape, false);
        }

        int operands = concat.Branches.Count + (concat.IncludeInput ? 1 : 0);
        if (operands < 2)
        {
            Report(scope, position, ShapeChecks.Error(Rule.ConcatSizes, site, "",
                $"{label} concatenates {(operands == 0 ? "nothing" : "a single tensor")}: name at least two blocks, [Concat(typeof(BranchA), typeof(BranchB))], or one with IncludeInput = true."));
            Known = false;
            return (source, shape, false);
        }

        var inputs = new List<(int Source, Shape Shape, string Name)>();
        if (concat.IncludeInput)
        {
            inputs.Add((source, shape, "the input"));
        }

        bool allKnown = known;
        for (int i = 0; i < concat.Branches.Count; i++)
        {
            BlockSpec branch = concat.Branches[i];
            (int end, Shape branchShape, bool branchKnown) = Sequence(branch.Layers, source, shape, known, Child(scope, position, label, branch, i, $"{path}.branches.{Format.Int(i)}.", site));
            allKnown &= branchKnown;
            inputs.Add((end, branchShape, $"branch {Format.Int(i + 1)} ({branch.Name})"));
        }

        if (!allKnown)
        {
            Known = false;
            return (source, shape, false);
        }

        string sizes = string.Join(", ", inputs.Select(x => $"{x.Name} {x.Shape}"));
        if (inputs.Any(x => x.Shape.Flat))
        {
            Report(scope, position, ShapeChecks.Error(Rule.ConcatSizes, site, "",
                $"{label} concatenates along the channels, which flat data has none of: {sizes}. Concatenate before the data is flattened, or end every branch before its Dense layers."));
            Known = false;
            return (source, shape, false);
        }

        if (inputs.Any(x => x.Shape.H != inputs[0].Shape.H || x.Shape.W != inputs[0].Shape.W))
        {
            Report(scope, position, ShapeChecks.Error(Rule.ConcatSizes, site, "",
                $"{label} stacks its operands along the channels, so their heights and widths must agree: {sizes}. Give every branch the same strides and 'same' padding (PaddingMode = PaddingMode.Same), or pool the larger ones."));
            Known = false;
            return (source, shape, false);
        }

        long channels = inputs.Sum(x => (long)x.Shape.C);
        var output = new Shape((int)Math.Min(channels, int.MaxValue), inputs[0].Shape.H, inputs[0].Shape.W);
        var node = concat with { Index = Layers.Count + 1, Label = label, Site = site };
        if (!ShapeChecks.Fits(_errors, node, label, output, channels * output.H * output.W))
        {
            Place(_errors.Count - 1, node.Index, site, scope.InBlock ? scope.Trail.Concat(new[] { position }).ToEquatableArray() : default);
            Known = false;
            return (source, shape, false);
        }

        Add(new LayerShape(node, inputs[0].Shape, output, default, EquatableArray<ParameterSpec>.Empty, (int)ParameterTotal)
        {
            Inputs = inputs.Select(x => x.Source).ToEquatableArray(),
            Module = path,
            Depth = scope.Depth,
        });
        return (node.Index, output, true);
    }

    /// <summary>
    /// The scope of block <paramref name="ordinal"/> (body 0, shortcut 1, or the branch) of the use at
    /// <paramref name="position"/> in <paramref name="scope"/>'s sequence.
    /// </summary>
    private static Scope Child(Scope scope, int position, string label, BlockSpec block, int ordinal, string module, int site)
    {
        // The way to the use: nothing for a network's own attribute, else the enclosing block's trail and the use's position in it.
        IEnumerable<int> toUse = scope.InBlock ? scope.Trail.Concat(new[] { position }) : Array.Empty<int>();
        return new($"{label} › {block.Name} › ", module, site, scope.Depth + 1, 0, toUse.Concat(new[] { ordinal }).ToEquatableArray());
    }

    private void Add(LayerShape layer)
    {
        Layers.Add(layer);
        ParameterTotal += layer.ParameterCount;
        BufferTotal += layer.BufferCount;
    }

    /// <summary>
    /// Errors about the layer at <paramref name="index"/> go on the network's attribute at <paramref name="site"/>; a
    /// block's layer's carry the <paramref name="path"/> to its own attribute (<see cref="ShapeError.Path"/>).
    /// </summary>
    private void Place(int from, int index, int site, EquatableArray<int> path)
    {
        for (int i = from; i < _errors.Count; i++)
        {
            ShapeError error = _errors[i];
            if (error.LayerIndex == index && error.Path.Count == 0 && (site != index || path.Count > 0))
            {
                _errors[i] = error with { LayerIndex = site, Path = path };
            }
        }
    }

    /// <summary>Reports what is wrong with a block read for <paramref name="use"/>; true when it has nothing wrong.</summary>
    private bool Usable(BlockSpec block, string label, int site, LayerKind use, int position, Scope scope)
    {
        string setter = use == LayerKind.Residual ? "[Residual(typeof(" + block.Name + "), ...)]" : "[Concat(..., typeof(" + block.Name + "), ...)]";
        ShapeError? error = block.Problem switch
        {
            BlockProblem.None => null,
            BlockProblem.NotAType => ShapeChecks.Error(Rule.NotABlock, site, "",
                $"{label} names {block.Detail}, not a class: pass typeof(SomeBlock), where SomeBlock is a class marked [Block] with layer attributes."),
            BlockProblem.NotABlock => ShapeChecks.Error(Rule.NotABlock, site, "",
                $"{label} uses '{block.Name}', which is not marked [Block]: put [Block] on it, then its layer attributes top to bottom as on a network, without [Network] (its shapes come from where it is used)."),
            BlockProblem.Empty => ShapeChecks.Error(Rule.NotABlock, site, "",
                $"{label} uses block '{block.Name}', which declares no layers: add layer attributes such as [Conv2D(...)], [BatchNorm] and [ReLU] to it."),
            BlockProblem.Recursive => ShapeChecks.Error(Rule.RecursiveBlock, site, "",
                $"{label} uses block '{block.Name}', which contains itself: {block.Detail}. A block cannot use itself, directly or through other blocks."),
            _ => ShapeChecks.Error(Rule.MarkerNotSet, site, "",
                $"{label} uses block '{block.Name}', whose {block.Detail}, but {label} does not set it: write {setter} with {string.Join(" and ", Setters(block.Detail))}."),
        };
        if (error is null)
        {
            return true;
        }

        Report(scope, position, error);
        return false;
    }

    /// <summary>An error of a [Residual] or [Concat] itself (at <paramref name="position"/>): on the network's attribute, with the way to the use when it sits in a block.</summary>
    private void Report(Scope scope, int position, ShapeError error) =>
        _errors.Add(scope.InBlock ? error with { Path = scope.Trail.Concat(new[] { position }).ToEquatableArray() } : error);

    private static IEnumerable<string> Setters(string detail)
    {
        foreach (string marker in new[] { "Filters", "Stride", "Hidden" })
        {
            if (detail.Contains("Block." + marker))
            {
                yield return marker + " = ...";
            }
        }
    }

    /// <summary>SCNN0030: both shapes, how the block got its own, and the projection that would make them equal.</summary>
    private static ShapeError ResidualMismatch(ResidualSpec residual, string label, int site, Shape input, Shape body, Shape shortcut, IEnumerable<LayerShape> bodyLayers, IEnumerable<LayerShape> shortcutLayers)
    {
        string Derivation(IEnumerable<LayerShape> layers) => string.Join(", ", layers
            .Where(l => l.Input != l.Output)
            .Select(l => $"{l.Layer.Name.Substring(l.Layer.Name.LastIndexOf('›') + 2)} {l.Input} -> {l.Output}{(l.Definition.OutputArithmetic(l) is { Length: > 0 } a ? $" ({a})" : "")}"));
        string bodyText = $"block '{residual.Body.Name}' turns the input {input} into {body}" + (Derivation(bodyLayers) is { Length: > 0 } d ? $" ({d})" : "");
        string shortcutText = residual.Shortcut is { } s
            ? $"the shortcut '{s.Name}' gives {shortcut}" + (Derivation(shortcutLayers) is { Length: > 0 } e ? $" ({e})" : "")
            : $"the identity shortcut passes the input {input} unchanged";
        string message = $"{label} adds tensors of different shapes: {bodyText}, but {shortcutText}.";
        if (Projection(input, body) is int stride)
        {
            string conv = stride == 1 ? $"Conv2D({Format.Int(body.C)}, 1)" : $"Conv2D({Format.Int(body.C)}, 1, stride: {Format.Int(stride)}, PaddingMode = PaddingMode.Same)";
            message += $" A projection shortcut makes them equal: a [Block] with [{conv}] ({input} -> {body}) as Shortcut = typeof(...).";
            return ShapeChecks.Error(Rule.ResidualShapes, site, "", message, new FitSuggestion("Shortcut", body.C, body.ToString(), Format.Int(stride)));
        }

        return ShapeChecks.Error(Rule.ResidualShapes, site, "", message + " Change the block so that its output has the input's shape, or give it a Shortcut block that produces the block's shape.");
    }

    /// <summary>The stride of a 1x1 'same' convolution from <paramref name="input"/> to <paramref name="output"/>'s size, or null.</summary>
    internal static int? Projection(Shape input, Shape output)
    {
        if (input.Flat || output.Flat)
        {
            return null;
        }

        for (int stride = 1; stride <= Math.Max(input.H, input.W); stride++)
        {
            if ((input.H + stride - 1) / stride == output.H && (input.W + stride - 1) / stride == output.W)
            {
                return stride;
            }
        }

        return null;
    }
}

using System;

namespace StaticCnn;

/// <summary>
/// Marks a class as a block: a sequence of layer attributes, top to bottom as in a network but without an input shape
/// (its shapes are inferred where it is used), that <see cref="ResidualAttribute"/> and <see cref="ConcatAttribute"/>
/// put into a network. A block is declared once and used any number of times, in networks or in other blocks; its
/// layers may take the use site's <see cref="Block.Filters"/>, <see cref="Block.Stride"/> and <see cref="Block.Hidden"/>.
/// </summary>
/// <example>
/// <code>
/// [Block]
/// [Conv2D(Block.Filters, 3, stride: Block.Stride, PaddingMode = PaddingMode.Same)] [BatchNorm] [ReLU]
/// [Conv2D(Block.Filters, 3, PaddingMode = PaddingMode.Same)] [BatchNorm]
/// public partial class BasicBlock;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BlockAttribute : Attribute
{
}

/// <summary>
/// A residual connection: the block's output plus its input (ResNet's identity shortcut), or plus the
/// <see cref="Shortcut"/> block's output on the same input (a projection when channels or size change). The two must
/// have the same shape: the generator checks it at compile time. The equivalent PyTorch module has the children
/// <c>body</c> and <c>shortcut</c> (docs/graphs.md).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResidualAttribute : Attribute
{
    /// <param name="block">A class marked <see cref="BlockAttribute"/>: the main path.</param>
    public ResidualAttribute(Type block) => Body = block;

    /// <summary>The main path's block.</summary>
    public Type Body { get; }

    /// <summary>The shortcut's block (a projection); null for the identity shortcut.</summary>
    public Type? Shortcut { get; set; }

    /// <summary>What <see cref="Block.Filters"/> stands for in the blocks (0: not set).</summary>
    public int Filters { get; set; }

    /// <summary>What <see cref="Block.Stride"/> stands for in the blocks (0: not set, which means 1).</summary>
    public int Stride { get; set; }

    /// <summary>What <see cref="Block.Hidden"/> stands for in the blocks (0: not set).</summary>
    public int Hidden { get; set; }
}

/// <summary>
/// Branches on the same input whose outputs are concatenated along the channels (Inception, DenseNet). Every branch
/// must produce the same height and width: the generator checks it at compile time. The equivalent PyTorch module
/// has the child <c>branches</c>, an <c>nn.ModuleList</c> of one <c>nn.Sequential</c> per branch (docs/graphs.md).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConcatAttribute : Attribute
{
    /// <param name="branches">Classes marked <see cref="BlockAttribute"/>, at least two (or one with <see cref="IncludeInput"/>).</param>
    public ConcatAttribute(params Type[] branches) => Branches = branches;

    /// <summary>The branches, in the order their channels are concatenated.</summary>
    public Type[] Branches { get; }

    /// <summary>The input itself comes first in the concatenation (DenseNet's dense connection).</summary>
    public bool IncludeInput { get; set; }

    /// <summary>What <see cref="Block.Filters"/> stands for in the branches (0: not set).</summary>
    public int Filters { get; set; }

    /// <summary>What <see cref="Block.Stride"/> stands for in the branches (0: not set, which means 1).</summary>
    public int Stride { get; set; }

    /// <summary>What <see cref="Block.Hidden"/> stands for in the branches (0: not set).</summary>
    public int Hidden { get; set; }
}

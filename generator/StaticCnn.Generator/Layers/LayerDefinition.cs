using System.Collections.Generic;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Planning;
using StaticCnn.Generator.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// Everything the generator knows about one layer kind, in one place: how its attribute is read, how it maps its
/// input shape to its output shape and which tensors it has, how people read it (summary, comments), what the
/// analyzer warns about, and how it is planned (its plan then emits its kernels). The central stages
/// (<see cref="Parsing.NetworkParser"/>, <see cref="ShapeInference"/>, <see cref="NetworkPlanner"/>,
/// <see cref="Emit.NetworkEmitter"/>) dispatch here instead of switching on the kind. Each kind lives in its own
/// folder under Layers/, with its spec record, this definition, its plan and its emitter.
/// </summary>
internal abstract class LayerDefinition
{
    protected LayerDefinition(LayerKind kind) => Kind = kind;

    public LayerKind Kind { get; }

    /// <summary>The attribute class in namespace StaticCnn that declares the layer, such as "Conv2DAttribute".</summary>
    public virtual string AttributeName => Kind + "Attribute";

    // ---- parsing -------------------------------------------------------------------------------------------

    /// <summary>Reads the attribute's arguments into the kind's spec record.</summary>
    public abstract LayerSpec Parse(LayerArguments arguments);

    /// <summary>
    /// Layers of this kind for the probe network whose generated members are reserved
    /// (<see cref="Emit.GeneratedMemberNames"/>): declarations that fit a 3x16x16 input wherever they sit.
    /// </summary>
    public abstract IEnumerable<LayerSpec> ProbeLayers();

    // ---- shapes --------------------------------------------------------------------------------------------

    /// <summary>
    /// Checks the layer's arguments and, when its input is known, its fit on that input: the checked layer, or null
    /// after adding its errors to <see cref="LayerInput.Errors"/> (later layers then check their own arguments only).
    /// </summary>
    public abstract LayerShape? Infer(LayerSpec spec, LayerInput input);

    /// <summary>A convolution or pooling layer: it needs C x H x W data and has a window.</summary>
    public virtual bool IsSpatial => false;

    /// <summary>An element-wise activation function.</summary>
    public virtual bool IsActivation => false;

    /// <summary>
    /// The initialisation gain of a layer with weights looks through this layer to the activation after it
    /// (pooling, Flatten).
    /// </summary>
    public virtual bool PassesGainThrough => false;

    /// <summary>The Kaiming gain an activation gives the weights before it, with its reason; null for other kinds.</summary>
    public virtual (string Gain, string Why)? Gain(LayerShape layer) => null;

    /// <summary>Warnings and infos about a valid layer (SCNN0017 onwards), in the order the analyzer reports them.</summary>
    public virtual void Lint(LayerShape layer, LayerShape? previous, NetworkShapes shapes, List<ShapeError> found)
    {
    }

    // ---- text ----------------------------------------------------------------------------------------------

    /// <summary>"Conv2D(6, 5x5, s1, p2)", "Dense(120)", "ReLU": the layer in the summary and comments.</summary>
    public virtual string Describe(LayerShape layer) => Kind.ToString();

    /// <summary>"(28 + 2*2 - 5) / 1 + 1 = 28", or "" for layers that keep their input's size.</summary>
    public virtual string OutputArithmetic(LayerShape layer) => "";

    /// <summary>"(5*5*1 + 1) * 6 = 156 params", or "0 params".</summary>
    public virtual string ParameterArithmetic(LayerShape layer) => "0 params";

    /// <summary>Multiply-adds of one forward pass.</summary>
    public virtual long MultiplyAdds(LayerShape layer) => 0;

    /// <summary>Bytes of the output activation Forward keeps for Backward (0 when the layer reuses its input's).</summary>
    public virtual long ActivationBytes(LayerShape layer) => layer.Output.Length * 4;

    /// <summary>
    /// The C# expression of the runtime's record of the layer (a StaticCnn.LayerInfo: ConvolutionInfo, DenseInfo, ...),
    /// an element of the generated <c>Layers</c> table (<see cref="Emit.InfoText"/> has the parts).
    /// </summary>
    public abstract string Info(LayerShape layer);

    // ---- planning ------------------------------------------------------------------------------------------

    /// <summary>A ReLU right after a layer of this kind runs in place, in this layer's output buffer.</summary>
    public virtual bool ReluRunsInPlaceAfter => false;

    /// <summary>
    /// Floats of the layer's largest scratch grid (a padded input), counted in long before any planning arithmetic
    /// in int: a padding up to the window size can make it far larger than the input and output.
    /// </summary>
    public virtual long PaddedLength(LayerShape layer) => 0;

    /// <summary>The layer's buffers and kernels, laid out in <paramref name="context"/>'s workspace.</summary>
    public abstract LayerPlan Plan(LayerShape layer, PlanContext context);
}

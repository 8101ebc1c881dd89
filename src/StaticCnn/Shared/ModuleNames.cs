// One source for the runtime (safetensors names, ONNX export) and the generator (baked-weights checks), linked into
// both projects, so that the names a network's tensors get cannot differ between compile time and run time.
using System.Collections.Generic;
using System.Globalization;

#if STATICCNN_GENERATOR
namespace StaticCnn.Generator.Model;
#else
namespace StaticCnn;
#endif

/// <summary>
/// The naming rule that makes a network's tensors a PyTorch <c>nn.Sequential</c> <c>state_dict</c>: every declared
/// layer is one module, in declaration order, activations, pooling and Flatten included; a Dense that reads spatial
/// data (the contract lets a network leave out the Flatten before it) is preceded by one implied <c>nn.Flatten()</c>
/// module, which takes an index. A tensor is then named <c>"{module}.{tensor}"</c>, as in <c>"0.weight"</c>.
/// </summary>
internal static class ModuleNames
{
    /// <summary>
    /// The module index of each layer, from whether each one is preceded by an implied Flatten
    /// (<paramref name="impliedFlatten"/>[i]: layer i is a Dense that reads spatial data).
    /// </summary>
    public static int[] Indices(IReadOnlyList<bool> impliedFlatten)
    {
        var indices = new int[impliedFlatten.Count];
        int module = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            if (impliedFlatten[i])
            {
                module++;
            }

            indices[i] = module++;
        }

        return indices;
    }

    /// <summary>"3.weight": a tensor's <c>state_dict</c> key.</summary>
    public static string Tensor(int module, string tensor) => module.ToString(CultureInfo.InvariantCulture) + "." + tensor;

    /// <summary>"4.body.0.weight": a tensor's <c>state_dict</c> key under a module path.</summary>
    public static string Tensor(string module, string tensor) => module + "." + tensor;

    /// <summary>
    /// The path of the module right before <paramref name="module"/> in its nn.Sequential ("4.body.2" for "4.body.3"):
    /// where the implied Flatten before a Dense sits.
    /// </summary>
    public static string Previous(string module)
    {
        int dot = module.LastIndexOf('.');
        int index = int.Parse(module.Substring(dot + 1), CultureInfo.InvariantCulture);
        return module.Substring(0, dot + 1) + (index - 1).ToString(CultureInfo.InvariantCulture);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace StaticCnn;

/// <summary>One tensor entry of a safetensors header, as written in the file.</summary>
internal sealed record SafeTensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// The parsed JSON header of a safetensors file: the tensor entries in file order and the <c>__metadata__</c>
/// strings. Parsing checks the grammar only (types, duplicates, non-negative integers); the offsets are checked
/// against the data by <see cref="SafeTensorsReader"/>.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxLength = 100_000_000;

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    public List<SafeTensorsEntry> Entries { get; }

    public Dictionary<string, string> Metadata { get; }

    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return ParseCore(json, source);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the header is not valid JSON ({e.Message}).", e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader throws this for invalid UTF-8 inside a string.
            throw new InvalidDataException($"{source}: the header is not valid JSON ({e.Message}).", e);
        }
    }

    private static SafeTensorsHeader ParseCore(ReadOnlySpan<byte> json, string source)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad(source, "the header must be a JSON object");
        }

        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string name = reader.GetString() ?? string.Empty;
            if (name == "__metadata__")
            {
                if (sawMetadata)
                {
                    throw Bad(source, "the header has \"__metadata__\" twice");
                }

                sawMetadata = true;
                ReadMetadata(ref reader, metadata, source);
                continue;
            }

            if (!seen.Add(name))
            {
                throw Bad(source, $"the header names tensor '{name}' twice");
            }

            entries.Add(ReadEntry(ref reader, name, source));
        }

        if (reader.Read())
        {
            throw Bad(source, "the header has content after its JSON object");
        }

        return new SafeTensorsHeader(entries, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string source)
    {
        Next(ref reader, source);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad(source, "\"__metadata__\" must be an object of strings");
        }

        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString() ?? string.Empty;
            Next(ref reader, source);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Bad(source, $"\"__metadata__\" entry '{key}' must be a string, but is {Describe(reader.TokenType)}");
            }

            if (!metadata.TryAdd(key, reader.GetString() ?? string.Empty))
            {
                throw Bad(source, $"\"__metadata__\" has the key '{key}' twice");
            }
        }
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string name, string source)
    {
        Next(ref reader, source);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad(source, $"tensor '{name}' must be an object with \"dtype\", \"shape\" and \"data_offsets\", but is {Describe(reader.TokenType)}");
        }

        string? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string key = reader.GetString() ?? string.Empty;
            switch (key)
            {
                case "dtype":
                    if (dtype is not null)
                    {
                        throw Bad(source, $"tensor '{name}' has \"dtype\" twice");
                    }

                    Next(ref reader, source);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Bad(source, $"tensor '{name}': \"dtype\" must be a string, but is {Describe(reader.TokenType)}");
                    }

                    dtype = reader.GetString() ?? string.Empty;
                    break;
                case "shape":
                    if (shape is not null)
                    {
                        throw Bad(source, $"tensor '{name}' has \"shape\" twice");
                    }

                    shape = ReadIntegers(ref reader, name, "shape", source);
                    break;
                case "data_offsets":
                    if (offsets is not null)
                    {
                        throw Bad(source, $"tensor '{name}' has \"data_offsets\" twice");
                    }

                    offsets = ReadIntegers(ref reader, name, "data_offsets", source);
                    if (offsets.Length != 2)
                    {
                        throw Bad(source, $"tensor '{name}': \"data_offsets\" must be [begin, end], but has {offsets.Length} numbers");
                    }

                    break;
                default:
                    throw Bad(source, $"tensor '{name}' has the unknown key '{key}' (expected \"dtype\", \"shape\", \"data_offsets\")");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Bad(source, $"tensor '{name}' has no \"{missing}\"");
        }

        return new SafeTensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string key, string source)
    {
        Next(ref reader, source);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Bad(source, $"tensor '{name}': \"{key}\" must be an array of non-negative integers, but is {Describe(reader.TokenType)}");
        }

        var values = new List<long>();
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values.ToArray();
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
            {
                string text = reader.TokenType == JsonTokenType.Number
                    ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan)
                    : Describe(reader.TokenType);
                throw Bad(source, $"tensor '{name}': \"{key}\" must hold non-negative integers, but holds {text}");
            }

            values.Add(value);
        }
    }

    private static void Next(ref Utf8JsonReader reader, string source)
    {
        if (!reader.Read())
        {
            throw Bad(source, "the header JSON ends early");
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    internal static InvalidDataException Bad(string source, string what) => new($"{source}: {what}.");

    internal static string Bytes(long count) => count.ToString("N0", CultureInfo.InvariantCulture) + (count == 1 ? " byte" : " bytes");
}

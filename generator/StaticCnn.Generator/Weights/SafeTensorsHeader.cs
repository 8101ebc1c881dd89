using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticCnn.Generator.Weights;

/// <summary>One tensor entry of a safetensors header: its name, dtype, shape and byte range in the data section.</summary>
internal sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads the header of a safetensors file: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping
/// tensor names to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (plus an optional string map
/// <c>"__metadata__"</c>), then the data section the offsets point into. Every bound is checked: a malformed,
/// truncated or oversized file gives an error message, never an exception or a read out of bounds.
/// </summary>
internal static class SafeTensorsHeader
{
    private const int MaxHeaderLength = 100 * 1024 * 1024;

    /// <summary>Parses <paramref name="file"/>; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static IReadOnlyList<SafeTensorEntry>? Read(byte[] file, out long dataStart, out string? error)
    {
        dataStart = 0;
        if (file.Length < 8)
        {
            error = $"the file is {file.Length} bytes long; a safetensors file starts with an 8-byte header length";
            return null;
        }

        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--)
        {
            headerLength = (headerLength << 8) | file[i];
        }

        if (headerLength > MaxHeaderLength || (long)headerLength > file.Length - 8)
        {
            error = $"the header claims {headerLength} bytes but the file has {file.Length - 8} after the length field";
            return null;
        }

        string json;
        try
        {
            json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file, 8, (int)headerLength);
        }
        catch (ArgumentException)
        {
            error = "the header is not valid UTF-8";
            return null;
        }

        var parser = new JsonParser(json);
        if (!parser.TryParseHeader(out List<SafeTensorEntry>? entries, out error))
        {
            error = "the header is not valid safetensors JSON: " + error;
            return null;
        }

        dataStart = 8 + (long)headerLength;
        long dataLength = file.Length - dataStart;
        var ranges = new List<SafeTensorEntry>(entries!);
        ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach (SafeTensorEntry entry in ranges)
        {
            if (entry.Begin != expected || entry.End < entry.Begin)
            {
                error = $"tensor \"{entry.Name}\" occupies bytes [{entry.Begin}, {entry.End}) of the data section, expected it to start at {expected} (tensors must cover the data section without gaps or overlaps)";
                return null;
            }

            expected = entry.End;
        }

        if (expected != dataLength)
        {
            error = expected > dataLength
                ? $"the header describes {expected} bytes of tensor data but the file holds {dataLength} (truncated)"
                : $"the file holds {dataLength} bytes of tensor data but the header describes {expected} (trailing bytes)";
            return null;
        }

        error = null;
        return entries;
    }

    /// <summary>A strict JSON reader for exactly the shape of a safetensors header.</summary>
    private sealed class JsonParser
    {
        private const int MaxDimensions = 16;
        private readonly string _text;
        private int _position;

        public JsonParser(string text) => _text = text;

        public bool TryParseHeader(out List<SafeTensorEntry>? entries, out string? error)
        {
            entries = new List<SafeTensorEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            error = null;
            SkipWhitespace();
            if (!Expect('{', ref error))
            {
                return false;
            }

            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return AtEnd(ref error);
            }

            while (true)
            {
                SkipWhitespace();
                if (!TryString(out string? name, ref error) || !Colon(ref error))
                {
                    return false;
                }

                if (!names.Add(name!))
                {
                    error = $"the key \"{name}\" appears twice";
                    return false;
                }

                if (name == "__metadata__")
                {
                    if (!SkipStringMap(ref error))
                    {
                        return false;
                    }
                }
                else
                {
                    if (!TryTensor(name!, out SafeTensorEntry? entry, ref error))
                    {
                        return false;
                    }

                    entries.Add(entry!);
                }

                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == '}')
                {
                    return AtEnd(ref error);
                }

                if (next != ',')
                {
                    error = $"expected ',' or '}}' at character {_position - 1}";
                    return false;
                }
            }
        }

        private bool TryTensor(string name, out SafeTensorEntry? entry, ref string? error)
        {
            entry = null;
            string? dtype = null;
            List<long>? shape = null;
            List<long>? offsets = null;
            SkipWhitespace();
            if (!Expect('{', ref error))
            {
                return false;
            }

            while (true)
            {
                SkipWhitespace();
                if (!TryString(out string? key, ref error) || !Colon(ref error))
                {
                    return false;
                }

                SkipWhitespace();
                switch (key)
                {
                    case "dtype":
                        if (dtype is not null || !TryString(out dtype, ref error))
                        {
                            error ??= $"tensor \"{name}\" has two dtypes";
                            return false;
                        }

                        break;
                    case "shape":
                        if (shape is not null || !TryIntegers(out shape, ref error))
                        {
                            error ??= $"tensor \"{name}\" has two shapes";
                            return false;
                        }

                        break;
                    case "data_offsets":
                        if (offsets is not null || !TryIntegers(out offsets, ref error))
                        {
                            error ??= $"tensor \"{name}\" has two data_offsets";
                            return false;
                        }

                        break;
                    default:
                        error = $"tensor \"{name}\" has an unknown field \"{key}\"";
                        return false;
                }

                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == '}')
                {
                    break;
                }

                if (next != ',')
                {
                    error = $"expected ',' or '}}' at character {_position - 1}";
                    return false;
                }
            }

            if (dtype is null || shape is null || offsets is null)
            {
                error = $"tensor \"{name}\" needs \"dtype\", \"shape\" and \"data_offsets\"";
                return false;
            }

            if (offsets.Count != 2 || shape.Count > MaxDimensions)
            {
                error = offsets.Count != 2
                    ? $"tensor \"{name}\" has {offsets.Count} data_offsets, expected 2"
                    : $"tensor \"{name}\" has {shape.Count} dimensions";
                return false;
            }

            entry = new SafeTensorEntry(name, dtype, shape.ToArray(), offsets[0], offsets[1]);
            return true;
        }

        private bool SkipStringMap(ref string? error)
        {
            SkipWhitespace();
            if (!Expect('{', ref error))
            {
                return false;
            }

            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return true;
            }

            while (true)
            {
                SkipWhitespace();
                if (!TryString(out _, ref error) || !Colon(ref error))
                {
                    return false;
                }

                SkipWhitespace();
                if (!TryString(out _, ref error))
                {
                    return false;
                }

                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == '}')
                {
                    return true;
                }

                if (next != ',')
                {
                    error = $"expected ',' or '}}' at character {_position - 1}";
                    return false;
                }
            }
        }

        private bool TryIntegers(out List<long>? values, ref string? error)
        {
            values = new List<long>();
            if (!Expect('[', ref error))
            {
                return false;
            }

            SkipWhitespace();
            if (Peek() == ']')
            {
                _position++;
                return true;
            }

            while (true)
            {
                SkipWhitespace();
                int start = _position;
                while (_position < _text.Length && char.IsDigit(_text[_position]))
                {
                    _position++;
                }

                if (_position == start || _position - start > 15
                    || !long.TryParse(_text.Substring(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                {
                    error = $"expected a non-negative integer at character {start}";
                    return false;
                }

                values.Add(value);
                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == ']')
                {
                    return true;
                }

                if (next != ',')
                {
                    error = $"expected ',' or ']' at character {_position - 1}";
                    return false;
                }
            }
        }

        private bool TryString(out string? value, ref string? error)
        {
            value = null;
            if (!Expect('"', ref error))
            {
                return false;
            }

            var builder = new StringBuilder();
            while (_position < _text.Length)
            {
                char c = _text[_position++];
                if (c == '"')
                {
                    value = builder.ToString();
                    return true;
                }

                if (c == '\\')
                {
                    if (_position >= _text.Length)
                    {
                        break;
                    }

                    char escaped = _text[_position++];
                    switch (escaped)
                    {
                        case '"': builder.Append('"'); break;
                        case '\\': builder.Append('\\'); break;
                        case '/': builder.Append('/'); break;
                        case 'b': builder.Append('\b'); break;
                        case 'f': builder.Append('\f'); break;
                        case 'n': builder.Append('\n'); break;
                        case 'r': builder.Append('\r'); break;
                        case 't': builder.Append('\t'); break;
                        case 'u':
                            if (_position + 4 > _text.Length
                                || !ushort.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                            {
                                error = $"bad \\u escape at character {_position}";
                                return false;
                            }

                            builder.Append((char)code);
                            _position += 4;
                            break;
                        default:
                            error = $"bad escape '\\{escaped}' at character {_position - 1}";
                            return false;
                    }
                }
                else if (c < ' ')
                {
                    error = $"control character in a string at character {_position - 1}";
                    return false;
                }
                else
                {
                    builder.Append(c);
                }
            }

            error = "unterminated string";
            return false;
        }

        private bool Colon(ref string? error)
        {
            SkipWhitespace();
            return Expect(':', ref error);
        }

        private bool Expect(char c, ref string? error)
        {
            if (Peek() != c)
            {
                error = _position >= _text.Length
                    ? $"expected '{c}' but the header ended"
                    : $"expected '{c}' at character {_position}, found '{_text[_position]}'";
                return false;
            }

            _position++;
            return true;
        }

        private bool AtEnd(ref string? error)
        {
            // The format pads the header with spaces to an 8-byte boundary.
            SkipWhitespace();
            if (_position != _text.Length)
            {
                error = $"unexpected text after the header object at character {_position}";
                return false;
            }

            return true;
        }

        private char Peek() => _position < _text.Length ? _text[_position] : '\0';

        private void SkipWhitespace()
        {
            while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
            {
                _position++;
            }
        }
    }
}

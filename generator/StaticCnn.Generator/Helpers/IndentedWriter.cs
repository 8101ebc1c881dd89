using System;
using System.Text;

namespace StaticCnn.Generator.Helpers;

/// <summary>Writes C# text line by line with the current indentation; lines end with '\n' on every platform.</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public int Length => _text.Length;

    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Writes several lines, each indented; used for pre-formatted blocks.</summary>
    public IndentedWriter Lines(string block)
    {
        foreach (string line in block.Split('\n'))
        {
            Line(line.TrimEnd('\r'));
        }

        return this;
    }

    /// <summary>Writes "{" and indents until the returned scope is disposed, which writes the closing brace.</summary>
    public Scope Block(string? header = null, string close = "}")
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _depth++;
        return new Scope(this, close);
    }

    public void Indent() => _depth++;

    public void Unindent() => _depth--;

    public override string ToString() => _text.ToString();

    public readonly struct Scope : IDisposable
    {
        private readonly IndentedWriter _writer;
        private readonly string _close;

        public Scope(IndentedWriter writer, string close)
        {
            _writer = writer;
            _close = close;
        }

        public void Dispose()
        {
            _writer._depth--;
            _writer.Line(_close);
        }
    }
}

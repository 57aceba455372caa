using System.Text;

namespace PrivateInference.Eval.Corpus;

/// <summary>A label as the builder recorded it: UTF-16 offsets, end exclusive, and the value that was appended there.</summary>
internal readonly record struct InsertedValue(int Start, int End, string Label, bool Gold, string Value);

/// <summary>
/// Composes a document left to right and records each label's offsets at the moment its value is
/// appended, so no offset ever comes from searching the finished text.
/// </summary>
internal sealed class DocumentBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<(GoldSpan Span, string Value)> _spans = [];
    private readonly List<(NegativeSpan Span, string Value)> _negatives = [];

    public int Length => _text.Length;

    /// <summary>Every label with the value as it was inserted, in insertion order (gold first, then negatives).</summary>
    internal IReadOnlyList<InsertedValue> Inserted =>
        [
            .. _spans.Select(s => new InsertedValue(s.Span.Start, s.Span.End, s.Span.Type, Gold: true, s.Value)),
            .. _negatives.Select(n => new InsertedValue(n.Span.Start, n.Span.End, n.Span.Label, Gold: false, n.Value)),
        ];

    /// <summary>The last character written, or a newline at the start (so "at line start" holds).</summary>
    public char Last => _text.Length == 0 ? '\n' : _text[^1];

    public DocumentBuilder Text(string text)
    {
        _text.Append(text);
        return this;
    }

    public DocumentBuilder Line(string text = "")
    {
        _text.Append(text).Append('\n');
        return this;
    }

    public DocumentBuilder Gold(string type, string value)
    {
        var start = _text.Length;
        _text.Append(value);
        _spans.Add((new GoldSpan(start, _text.Length, type), value));
        return this;
    }

    public DocumentBuilder Negative(string label, string value)
    {
        var start = _text.Length;
        _text.Append(value);
        _negatives.Add((new NegativeSpan(start, _text.Length, label), value));
        return this;
    }

    public DocumentBuilder Append(Fragment fragment)
    {
        foreach (var part in fragment.Parts)
        {
            if (part.Type is not null)
            {
                Gold(part.Type, part.Text);
            }
            else if (part.Negative is not null)
            {
                Negative(part.Negative, part.Text);
            }
            else
            {
                _text.Append(part.Text);
            }
        }

        return this;
    }

    /// <summary>Makes sure the text ends with exactly one blank line before the next section.</summary>
    public DocumentBuilder BlankLine()
    {
        while (_text.Length > 0 && _text[^1] == ' ')
        {
            _text.Length--;
        }

        if (_text.Length == 0)
        {
            return this;
        }

        if (_text[^1] != '\n')
        {
            _text.Append('\n');
        }

        if (_text.Length < 2 || _text[^2] != '\n')
        {
            _text.Append('\n');
        }

        return this;
    }

    /// <summary>The finished document, after checking every label against the value that was inserted.</summary>
    public CorpusDocument Build(string id, string kind)
    {
        while (_text.Length > 0 && char.IsWhiteSpace(_text[^1]))
        {
            _text.Length--;
        }

        var text = _text.ToString();
        foreach (var (span, value) in _spans)
        {
            Check(id, span.Start, span.End, value, text, span.Type);
        }

        foreach (var (negative, value) in _negatives)
        {
            Check(id, negative.Start, negative.End, value, text, negative.Label);
        }

        var spans = _spans.Select(s => s.Span).OrderBy(s => s.Start).ToList();
        for (var i = 1; i < spans.Count; i++)
        {
            if (spans[i].Start < spans[i - 1].End)
            {
                throw new InvalidOperationException($"{id}: gold spans overlap at {spans[i].Start}");
            }
        }

        var negatives = _negatives.Select(n => n.Span).OrderBy(n => n.Start).ToList();
        foreach (var negative in negatives)
        {
            if (spans.Any(s => s.Start < negative.End && negative.Start < s.End))
            {
                throw new InvalidOperationException($"{id}: negative {negative.Label} overlaps a gold span at {negative.Start}");
            }
        }

        return new CorpusDocument(id, kind, text, spans, negatives);
    }

    private static void Check(string id, int start, int end, string value, string text, string label)
    {
        if (end <= start || end > text.Length)
        {
            throw new InvalidOperationException($"{id}: {label} span [{start},{end}) is empty or out of bounds");
        }

        if (!string.Equals(text[start..end], value, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{id}: {label} span [{start},{end}) does not hold the inserted value");
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            throw new InvalidOperationException($"{id}: {label} value has leading or trailing whitespace");
        }
    }
}

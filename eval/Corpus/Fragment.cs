namespace PrivateInference.Eval.Corpus;

/// <summary>A piece of text with at most one label: a gold type, a negative label, or neither.</summary>
internal readonly record struct Part(string Text, string? Type = null, string? Negative = null);

/// <summary>What a slot expands to: a few parts, some of them labeled (an address line and its ZIP).</summary>
internal sealed class Fragment
{
    private readonly List<Part> _parts = [];

    public IReadOnlyList<Part> Parts => _parts;

    public static Fragment Gold(string type, string text) => new Fragment().AddGold(type, text);

    public static Fragment Negative(string label, string text) => new Fragment().AddNegative(label, text);

    public static Fragment Plain(string text) => new Fragment().AddPlain(text);

    public Fragment AddGold(string type, string text)
    {
        _parts.Add(new Part(text, Type: type));
        return this;
    }

    public Fragment AddNegative(string label, string text)
    {
        _parts.Add(new Part(text, Negative: label));
        return this;
    }

    public Fragment AddPlain(string text)
    {
        _parts.Add(new Part(text));
        return this;
    }

    public Fragment Add(Fragment other)
    {
        _parts.AddRange(other._parts);
        return this;
    }

    /// <summary>The same labels with every text lower-cased (chat style).</summary>
    public Fragment Lower()
    {
        var lowered = new Fragment();
        foreach (var part in _parts)
        {
            lowered._parts.Add(part with { Text = part.Text.ToLowerInvariant() });
        }

        return lowered;
    }

    /// <summary>The same labels with every text upper-cased (lab report headers).</summary>
    public Fragment Upper()
    {
        var uppered = new Fragment();
        foreach (var part in _parts)
        {
            uppered._parts.Add(part with { Text = part.Text.ToUpperInvariant() });
        }

        return uppered;
    }

    public override string ToString() => string.Concat(_parts.Select(p => p.Text));
}

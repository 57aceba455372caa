namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>
/// A test text in which every expected entity is wrapped in «…». Parsing strips the markers and
/// yields the plain text with the UTF-16 span of each marked entity (end exclusive).
/// </summary>
public static class MarkedText
{
    public const char Open = '\u00AB';
    public const char Close = '\u00BB';

    public static (string Text, IReadOnlyList<(int Start, int End)> Spans) Parse(string marked)
    {
        var text = new System.Text.StringBuilder(marked.Length);
        var spans = new List<(int Start, int End)>();
        var open = -1;
        foreach (var c in marked)
        {
            switch (c)
            {
                case Open:
                    if (open >= 0)
                    {
                        throw new ArgumentException("Nested « in a marked test text.", nameof(marked));
                    }

                    open = text.Length;
                    break;
                case Close:
                    if (open < 0)
                    {
                        throw new ArgumentException("» without « in a marked test text.", nameof(marked));
                    }

                    spans.Add((open, text.Length));
                    open = -1;
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        if (open >= 0)
        {
            throw new ArgumentException("Unclosed « in a marked test text.", nameof(marked));
        }

        return (text.ToString(), spans);
    }

    /// <summary>The marked entities paired with their expected types, in order.</summary>
    public static (string Text, IReadOnlyList<Hit> Expected) Expect(string marked, IReadOnlyList<EntityType> types)
    {
        var (text, spans) = Parse(marked);
        if (spans.Count != types.Count)
        {
            throw new ArgumentException(
                $"Test case has {spans.Count} marked spans but {types.Count} expected types.", nameof(types));
        }

        var expected = new List<Hit>(spans.Count);
        for (var i = 0; i < spans.Count; i++)
        {
            expected.Add(new Hit(types[i], spans[i].Start, spans[i].End));
        }

        return (text, expected);
    }
}

using System.Buffers;

namespace PrivateInference.Redactor.Detection.Sequences;

/// <summary>Web addresses: anchored on "://", "www." or a dotted host name ending in a common top-level
/// domain, confirmed by the Recognizers.Text URL model.</summary>
internal sealed class UrlRecognizer : ITextRecognizer
{
    private static readonly string[] TopLevelDomains =
    [
        "com", "org", "net", "gov", "edu", "io", "us", "uk", "ca", "de", "fr", "info", "biz", "co", "health",
        "care", "med", "app", "dev", "ai", "me", "ly", "nl", "eu", "au", "mil", "int", "site", "online", "org.uk", "co.uk",
    ];

    private static readonly SearchValues<string> Anchors = SearchValues.Create(["://", "www."], StringComparison.OrdinalIgnoreCase);

    private const int MaxLabels = 8;

    public string Name => "url";

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
    {
        var coveredUntil = 0;
        var from = 0;
        // The next scheme/"www." anchor is searched again only once scanning has passed it, so the two
        // searches together stay linear.
        var nextScheme = -1;
        while (from < text.Length)
        {
            if (nextScheme < from && nextScheme != int.MaxValue)
            {
                var found = text[from..].IndexOfAny(Anchors);
                nextScheme = found < 0 ? int.MaxValue : from + found;
            }

            var dot = text[from..].IndexOf('.');
            if (nextScheme == int.MaxValue && dot < 0)
            {
                return;
            }

            int anchor;
            if (dot < 0 || nextScheme <= from + dot)
            {
                anchor = nextScheme;
            }
            else
            {
                anchor = from + dot;
                if (!IsHostDot(text, anchor))
                {
                    from = anchor + 1;
                    continue;
                }
            }

            from = anchor + 1;
            if (anchor < coveredUntil)
            {
                continue;
            }

            var start = anchor;
            while (start > 0 && start > anchor - 32 && IsHostChar(text[start - 1]))
            {
                start--;
            }

            var end = anchor;
            while (end < text.Length && end < anchor + 512 && IsUrlChar(text[end]))
            {
                end++;
            }

            while (end > anchor && text[end - 1] is '.' or ',' or ')' or ';' or ':' or '!' or '?' or '\'' or '"')
            {
                end--;
            }

            // An e-mail's domain is the e-mail recognizer's.
            if (start > 0 && text[start - 1] == '@')
            {
                coveredUntil = end;
                continue;
            }

            foreach (var (s, e) in SequenceModels.Find(SequenceModels.Url, text, start, end))
            {
                if (s <= anchor && e > anchor && !text[s..e].Contains('@'))
                {
                    state.Add(EntityType.Url, s, e, 0.93, Name);
                    coveredUntil = Math.Max(coveredUntil, e);
                }
            }

            // The window has been examined whole: never re-examine it from a later anchor inside it.
            coveredUntil = Math.Max(coveredUntil, end);
            from = Math.Max(from, coveredUntil);
        }
    }

    /// <summary>A dot between host labels whose last label is a known top-level domain ("example.org").
    /// Looks at most <see cref="MaxLabels"/> labels ahead, so a run of dots costs linear time.</summary>
    private static bool IsHostDot(ReadOnlySpan<char> text, int dot)
    {
        for (var labels = 0; labels < MaxLabels; labels++)
        {
            if (dot == 0 || !char.IsAsciiLetterOrDigit(text[dot - 1]) || dot + 2 >= text.Length || !char.IsAsciiLetter(text[dot + 1]))
            {
                return false;
            }

            var end = dot + 1;
            while (end < text.Length && end - dot <= 63 && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '-'))
            {
                end++;
            }

            // Only the last label decides; "portal.example.com": move on to the next dot.
            if (end < text.Length - 1 && text[end] == '.' && char.IsAsciiLetter(text[end + 1]))
            {
                dot = end;
                continue;
            }

            var label = text[(dot + 1)..end];
            foreach (var tld in TopLevelDomains)
            {
                if (label.Equals(tld, StringComparison.OrdinalIgnoreCase))
                {
                    return end >= text.Length || !char.IsLetterOrDigit(text[end]);
                }
            }

            return false;
        }

        return false;
    }

    private static bool IsHostChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '/';

    private static bool IsUrlChar(char c) =>
        c > ' ' && c < 127 && c is not ('"' or '<' or '>' or '\\' or '^' or '`' or '{' or '|' or '}');
}

namespace PrivateInference.Redactor.Detection.Sequences;

/// <summary>E-mail addresses: anchored on '@', confirmed by the Recognizers.Text e-mail model, then checked
/// for a dotted domain with an alphabetic top-level label.</summary>
internal sealed class EmailRecognizer : ITextRecognizer
{
    private static readonly System.Buffers.SearchValues<string> SpelledAt =
        System.Buffers.SearchValues.Create([" at ", "[at]", "(at)", "{at}", " @ "], StringComparison.OrdinalIgnoreCase);

    private static readonly System.Buffers.SearchValues<char> AddressOnlyChars = System.Buffers.SearchValues.Create("._+0123456789");

    private static readonly string[] TopLevelDomains =
    [
        "com", "net", "org", "edu", "gov", "me", "io", "co", "us", "uk", "ca", "de", "fr", "info", "biz", "health", "mail",
    ];

    public string Name => "email";

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
    {
        RecognizeAddresses(text, state);
        RecognizeSpelledOut(text, state);
    }

    /// <summary>Addresses written to dodge filters: "jane.doe[at]example.com", "jdoe (at) example.org",
    /// "jdoe at example dot com". The model does not read these; the shape is strict instead: a local part,
    /// a spelled "at", then host labels joined by "." or " dot " ending in a common top-level domain.</summary>
    private void RecognizeSpelledOut(ReadOnlySpan<char> text, ScanState state)
    {
        var from = 0;
        while (from < text.Length)
        {
            var rel = text[from..].IndexOfAny(SpelledAt);
            if (rel < 0)
            {
                return;
            }

            var at = from + rel;
            from = at + 3;
            var atEnd = at + (text[at] == ' ' && text[at + 1] != '@' ? 4 : text[at] == ' ' ? 3 : 4);
            var localEnd = at;
            while (localEnd > 0 && text[localEnd - 1] == ' ' && at - localEnd < 1)
            {
                localEnd--;
            }

            var localStart = localEnd;
            while (localStart > 0 && localEnd - localStart < 64 && IsLocalChar(text[localStart - 1]))
            {
                localStart--;
            }

            if (localEnd - localStart < 2 || !char.IsAsciiLetterOrDigit(text[localStart]))
            {
                continue;
            }

            var p = atEnd;
            while (p < text.Length && text[p] == ' ')
            {
                p++;
            }

            var bracketed = text[at] != ' ';
            var spelledDot = false;
            var local = text[localStart..localEnd];
            var localLooksLikeEmail = local.IndexOfAny(AddressOnlyChars) >= 0;
            var labels = 0;
            var end = -1;
            while (p < text.Length && labels < 5)
            {
                var labelStart = p;
                while (p < text.Length && (char.IsAsciiLetterOrDigit(text[p]) || text[p] == '-'))
                {
                    p++;
                }

                if (p == labelStart)
                {
                    break;
                }

                labels++;
                if (labels >= 2 && IsTopLevelDomain(text[labelStart..p]))
                {
                    end = p;
                }

                if (p < text.Length && text[p] == '.' && p + 1 < text.Length && char.IsAsciiLetter(text[p + 1]))
                {
                    p++;
                }
                else if (p + 5 <= text.Length && text.Slice(p, 5).Equals(" dot ", StringComparison.OrdinalIgnoreCase))
                {
                    p += 5;
                    spelledDot = true;
                }
                else
                {
                    break;
                }
            }

            // "look at example.com" is prose: a spaced "at" needs a spelled " dot " or a local part that only
            // an address has (dots, digits, underscores).
            if (end > 0 && (bracketed || spelledDot || localLooksLikeEmail) && (char.IsLower(text[localStart]) || localLooksLikeEmail)
                && !state.IsCovered(localStart, end))
            {
                state.Add(EntityType.Email, localStart, end, 0.9, Name);
                from = end;
            }
        }
    }

    private static bool IsTopLevelDomain(ReadOnlySpan<char> label)
    {
        foreach (var tld in TopLevelDomains)
        {
            if (label.Equals(tld, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void RecognizeAddresses(ReadOnlySpan<char> text, ScanState state)
    {
        var from = 0;
        var coveredUntil = 0;
        while (from < text.Length)
        {
            var at = text[from..].IndexOf('@');
            if (at < 0)
            {
                return;
            }

            at += from;
            from = at + 1;
            if (at < coveredUntil)
            {
                continue;
            }

            var start = at;
            while (start > 0 && start > at - 64 && IsLocalChar(text[start - 1]))
            {
                start--;
            }

            var end = at + 1;
            while (end < text.Length && end < at + 256 && IsDomainChar(text[end]))
            {
                end++;
            }

            while (end > at + 1 && text[end - 1] is '.' or '-')
            {
                end--;
            }

            if (start == at || end <= at + 3 || !HasAlphabeticTld(text[(at + 1)..end]))
            {
                continue;
            }

            foreach (var (s, e) in SequenceModels.Find(SequenceModels.Email, text, start, end))
            {
                if (s <= at && e > at)
                {
                    // The model can stop a character short in a hyphenated domain: keep the whole domain.
                    var domainEnd = e < end && IsDomainChar(text[e]) ? end : e;
                    state.Add(EntityType.Email, s, domainEnd, 0.97, Name);
                    coveredUntil = domainEnd;
                }
            }
        }
    }

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-' or '\'';

    private static bool IsDomainChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-';

    private static bool HasAlphabeticTld(ReadOnlySpan<char> domain)
    {
        var dot = domain.LastIndexOf('.');
        if (dot <= 0 || domain.Length - dot - 1 < 2)
        {
            return false;
        }

        foreach (var c in domain[(dot + 1)..])
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}

namespace PrivateInference.Redactor.Detection.Sequences;

/// <summary>E-mail addresses: anchored on '@', confirmed by the Recognizers.Text e-mail model, then checked
/// for a dotted domain with an alphabetic top-level label.</summary>
internal sealed class EmailRecognizer : ITextRecognizer
{
    public string Name => "email";

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
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

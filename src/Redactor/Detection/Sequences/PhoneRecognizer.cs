using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Sequences;

/// <summary>
/// Telephone and fax numbers: digit clusters shaped like phone numbers (7–15 digits, parentheses, a leading
/// '+') are confirmed by the Recognizers.Text phone model, then validated: 10 digits (11 with a leading 1)
/// for North American numbers, 8–15 after '+', 7 only beside phone wording; a plain unseparated run
/// only beside phone wording (an NPI is 10 plain digits too).
/// </summary>
internal sealed class PhoneRecognizer : INumericRecognizer
{
    private static readonly CueWords PhoneCues = new(
        "phone", "phone number", "telephone", "tel", "ph", "cell", "cell phone", "mobile", "mob", "fax", "fax number",
        "pager", "call", "called", "call back", "callback", "contact", "contact number", "reached at",
        "dial", "tel no", "phone no", "home phone", "work phone", "office phone");

    public string Name => "phone";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        var start = cluster.Start;
        var end = cluster.End;
        if (state.IsCovered(start, end))
        {
            return;
        }

        // "(555) 867-5309": the area code is a cluster of its own, closed by ')'.
        var openParen = start > 0 && text[start - 1] == '(' && cluster.Count == 1 && cluster[0].DigitCount == 3;
        if (openParen)
        {
            return;
        }

        var digits = cluster.DigitCount(0, cluster.Count - 1);
        var windowStart = start;
        var p = start - 1;
        while (p >= 0 && p >= start - 10 && (text[p] is ' ' or '(' or ')' or '-' or '.' || char.IsAsciiDigit(text[p]) || text[p] == '+'))
        {
            if (char.IsAsciiDigit(text[p]))
            {
                digits++;
            }

            p--;
        }

        windowStart = p + 1;
        while (windowStart < start && text[windowStart] is ' ')
        {
            windowStart++;
        }

        var plus = windowStart < text.Length && text[windowStart] == '+';
        if (digits < 7 || digits > 15 || HasDateOrTimeShape(cluster))
        {
            return;
        }

        // Validate the candidate first; the model (the costly part) only confirms what could pass.
        var score = Validate(text, windowStart, end, plus);
        if (score <= 0)
        {
            return;
        }

        // The North American shapes — (555) 867-5309, 555-867-5309, 555.867.5309, 555 867 5309 — are exact
        // enough for our own validation; the model confirms the rest (international and unusual groupings).
        if (IsNorthAmericanShape(text[windowStart..end]))
        {
            state.Add(EntityType.Phone, windowStart, end, score, Name);
            return;
        }

        var windowEnd = Math.Min(text.Length, end + 1);
        foreach (var (s, e) in SequenceModels.Find(SequenceModels.Phone, text, windowStart, windowEnd))
        {
            if (e < end || s > start)
            {
                continue;
            }

            var matchEnd = Math.Min(e, end);
            var confirmed = Validate(text, s, matchEnd, plus);
            if (confirmed > 0)
            {
                state.Add(EntityType.Phone, s, matchEnd, confirmed, Name);
                return;
            }
        }

        // E.164 numbers the model does not know ("+353 1 605 2520", "+81 3-8495-8046"): a '+', a country
        // code and 9–15 digits in groups is a phone number.
        if (plus && text[windowStart] == '+' && digits >= 9 && cluster.Count >= 2)
        {
            state.Add(EntityType.Phone, windowStart, end, 0.8, Name);
        }
    }

    private static double Validate(ReadOnlySpan<char> text, int start, int end, bool plus)
    {
        var span = text[start..end];
        var digits = 0;
        var separators = 0;
        foreach (var c in span)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else
            {
                separators++;
            }
        }

        var cued = Context.CueBefore(text, start, PhoneCues, 3, 32);
        if (span.Length > 0 && span[0] == '+')
        {
            return digits is >= 8 and <= 15 ? 0.93 : 0;
        }

        if (separators == 0 && !cued)
        {
            return 0;
        }

        // Grouped North American numbers end in four digits ("867-5309"); "0002-3227-30" (an NDC) does not.
        if (separators > 0 && LastGroupLength(span) != 4)
        {
            return 0;
        }

        if (digits == 10 || (digits == 11 && span.TrimStart("(+ ")[0] == '1'))
        {
            return cued ? 0.95 : 0.9;
        }

        if (digits == 7 && cued)
        {
            return 0.8;
        }

        return plus && digits is >= 8 and <= 15 ? 0.85 : 0;
    }

    /// <summary>[+1 ](ddd) ddd-dddd, ddd-ddd-dddd, ddd.ddd.dddd, ddd ddd dddd, each with one separator kind.</summary>
    private static bool IsNorthAmericanShape(ReadOnlySpan<char> span)
    {
        if (span.StartsWith("+1 ") || span.StartsWith("+1-") || span.StartsWith("1-"))
        {
            span = span[(span[0] == '+' ? 3 : 2)..];
        }

        if (span.Length == 14 && span[0] == '(' && span[4] == ')' && span[5] == ' ' && span[9] == '-')
        {
            return AllDigits(span[1..4]) && AllDigits(span[6..9]) && AllDigits(span[10..]);
        }

        if (span.Length == 12 && span[3] == span[7] && span[3] is '-' or '.' or ' ')
        {
            return AllDigits(span[..3]) && AllDigits(span[4..7]) && AllDigits(span[8..]);
        }

        return false;
    }

    private static bool AllDigits(ReadOnlySpan<char> s) => !s.ContainsAnyExceptInRange('0', '9');

    private static int LastGroupLength(ReadOnlySpan<char> span)
    {
        var n = 0;
        for (var i = span.Length - 1; i >= 0 && char.IsAsciiDigit(span[i]); i--)
        {
            n++;
        }

        return n;
    }

    /// <summary>Dates (2024-03-14), times and SSN-shaped clusters are not phone numbers.</summary>
    private static bool HasDateOrTimeShape(NumericCluster cluster)
    {
        for (var i = 1; i < cluster.Count; i++)
        {
            if (cluster[i].Before is SeparatorKind.Slash or SeparatorKind.Colon)
            {
                return true;
            }
        }

        if (cluster.Count == 3 && cluster[0].DigitCount == 4 && cluster[1].DigitCount <= 2 && cluster[2].DigitCount <= 2)
        {
            return true;
        }

        return cluster.Count == 3 && cluster[0].DigitCount == 3 && cluster[1].DigitCount == 2 && cluster[2].DigitCount == 4;
    }
}

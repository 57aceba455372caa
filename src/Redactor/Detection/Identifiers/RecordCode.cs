namespace PrivateInference.Redactor.Detection.Identifiers;

/// <summary>
/// A record number written right after a name in a header or a list: "  #00259874", " (WY556479)", a tab or a
/// column gap then the code. The code looks like one: six or more letters and digits with five or more digits,
/// no word in it, not the start of a date or a decimal.
/// </summary>
internal static class RecordCode
{
    public static bool TryRead(ReadOnlySpan<char> text, int from, out int start, out int end)
    {
        start = end = 0;
        var p = from;
        var joined = false;
        var spaces = 0;
        while (p < text.Length && p - from < 5 && text[p] is ' ' or '#' or '(' or '\t')
        {
            joined |= text[p] is '#' or '(' or '\t';
            spaces += text[p] == ' ' ? 1 : 0;
            p++;
        }

        if (!(joined || spaces >= 2))
        {
            return false;
        }

        start = p;
        var digits = 0;
        var alnum = 0;
        while (p < text.Length && p - start < 20 && (char.IsAsciiLetterOrDigit(text[p]) || (text[p] == '-' && p + 1 < text.Length && char.IsAsciiLetterOrDigit(text[p + 1]))))
        {
            if (char.IsAsciiLetterOrDigit(text[p]))
            {
                alnum++;
                digits += char.IsAsciiDigit(text[p]) ? 1 : 0;
            }

            p++;
        }

        end = p;
        var lowerRun = 0;
        var hasWord = false;
        foreach (var c in text[start..end])
        {
            lowerRun = char.IsAsciiLetterLower(c) ? lowerRun + 1 : 0;
            hasWord |= lowerRun >= 3;
        }

        var continuesAsNumber = end < text.Length && text[end] is '/' or ':' or '.' or ',' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]);
        return alnum >= 6 && digits >= 5 && !hasWord && !continuesAsNumber && (end >= text.Length || !char.IsLetterOrDigit(text[end]));
    }
}

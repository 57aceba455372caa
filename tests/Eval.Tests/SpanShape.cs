using System.Globalization;
using System.Text;
using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval.Tests;

/// <summary>
/// What a correctly placed label looks like, read with C# string (UTF-16) indices: inside the text, not
/// splitting a surrogate pair, no surrounding whitespace, first and last characters a letter or digit (or a
/// punctuation mark the type allows), and not cut out of a longer word or number.
/// </summary>
/// <remarks>
/// A whitespace test alone misses most offset shifts: a span moved one position right turns "Wade" into
/// "ade " (caught) but "Wade," into "ade," and "VF551718 " into "F551718 " only when a space follows. A
/// span that starts or ends inside a word, or on punctuation its type never has, is caught here whatever
/// follows it.
/// </remarks>
internal static class SpanShape
{
    private static readonly Dictionary<string, string> AllowedFirst = new(StringComparer.Ordinal)
    {
        ["PHONE"] = "+(",
        ["DEVICE_ID"] = "(",
        ["TRACK_DATA"] = "%;",
        ["AMOUNT"] = "$£€",
        ["MASKED_PAN"] = "*",
    };

    private static readonly Dictionary<string, string> AllowedLast = new(StringComparer.Ordinal)
    {
        ["ADDRESS"] = ".",
        ["TRACK_DATA"] = "?",
        ["LAB_VALUE"] = "%",
        ["VITAL_SIGN"] = "%",
    };

    /// <summary>Ages are written glued to a unit: "86yo".</summary>
    private static readonly HashSet<string> MayBeFollowedByALetter = new(["AGE", "AGE_UNDER_90"], StringComparer.Ordinal);

    public static IEnumerable<string> Problems(CorpusDocument document) =>
        document.Spans.Select(s => (s.Start, s.End, Label: s.Type))
            .Concat(document.Negatives.Select(n => (n.Start, n.End, n.Label)))
            .Select(s => Problem(document.Text, s.Start, s.End, s.Label))
            .OfType<string>()
            .Select(p => $"{document.Id} {p}");

    /// <summary>Why the span [start,end) is not a well-placed <paramref name="label"/> value, or null.</summary>
    public static string? Problem(string text, int start, int end, string label)
    {
        if (start < 0 || end > text.Length || end <= start)
        {
            return $"{label} [{start},{end}) out of bounds or empty";
        }

        if (char.IsLowSurrogate(text[start]) || char.IsHighSurrogate(text[end - 1]))
        {
            return $"{label} [{start},{end}) splits a surrogate pair";
        }

        var value = text[start..end];
        var where = $"{label} [{start},{end}) '{value}'";
        var first = Rune.GetRuneAt(value, 0);
        var last = LastRune(value);

        if (Rune.IsWhiteSpace(first) || Rune.IsWhiteSpace(last))
        {
            return $"{where} has leading or trailing whitespace";
        }

        if (label == "PERSON" && !(Rune.IsLetter(first) && Rune.IsLetter(last)))
        {
            return $"{where}: a name starts and ends with a letter";
        }

        if (!Rune.IsLetterOrDigit(first) && !Allowed(AllowedFirst, label, first))
        {
            return $"{where} starts with '{first}', which a {label} never does";
        }

        if (!Rune.IsLetterOrDigit(last) && !Allowed(AllowedLast, label, last))
        {
            return $"{where} ends with '{last}', which a {label} never does";
        }

        if (start > 0 && Rune.IsLetterOrDigit(LastRune(text[..start])) && Rune.IsLetterOrDigit(first))
        {
            return $"{where} starts inside a word or number";
        }

        if (end < text.Length)
        {
            var next = Rune.GetRuneAt(text, end);
            var glued = Rune.IsLetterOrDigit(last) && Rune.IsLetterOrDigit(next);
            if (glued && !(Rune.IsDigit(last) && Rune.IsLetter(next) && MayBeFollowedByALetter.Contains(label)))
            {
                return $"{where} ends inside a word or number";
            }
        }

        return null;
    }

    /// <summary>
    /// The same document with every offset counted in code points instead of UTF-16 code units — what a
    /// generator that measured with runes or text elements (or a reader indexing code points) would get.
    /// </summary>
    public static CorpusDocument WithCodePointOffsets(CorpusDocument document)
    {
        var codePoints = new int[document.Text.Length + 1];
        var count = 0;
        for (var i = 0; i < document.Text.Length; i++)
        {
            codePoints[i] = count;
            if (!char.IsLowSurrogate(document.Text[i]))
            {
                count++;
            }
        }

        codePoints[document.Text.Length] = count;
        return document with
        {
            Spans = document.Spans.Select(s => s with { Start = codePoints[s.Start], End = codePoints[s.End] }).ToList(),
            Negatives = document.Negatives.Select(n => n with { Start = codePoints[n.Start], End = codePoints[n.End] }).ToList(),
        };
    }

    private static Rune LastRune(string s) =>
        Rune.DecodeLastFromUtf16(s, out var rune, out _) == System.Buffers.OperationStatus.Done ? rune : Rune.ReplacementChar;

    private static bool Allowed(Dictionary<string, string> allowed, string label, Rune rune) =>
        allowed.TryGetValue(label, out var chars) && chars.Contains(rune.ToString(), StringComparison.Ordinal);

    public static string Describe(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{list.Count} problems:\n{string.Join('\n', list.Take(20))}");
    }
}

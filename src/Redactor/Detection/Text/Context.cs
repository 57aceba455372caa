namespace PrivateInference.Redactor.Detection.Text;

/// <summary>
/// Binds a candidate to cue words near it: "CVV is 123", "123 (CVV)", "exp. 12/27". Between the cue and
/// the candidate only a few filler words and punctuation may stand, no other number and no sentence end.
/// </summary>
internal static class Context
{
    /// <summary>True when a cue phrase stands before <paramref name="position"/>, separated from it by at most
    /// <paramref name="maxFillerWords"/> words within <paramref name="maxChars"/> characters.</summary>
    public static bool CueBefore(ReadOnlySpan<char> text, int position, CueWords cues, int maxFillerWords, int maxChars) =>
        FillersBeforeCue(text, position, cues, maxFillerWords, maxChars) >= 0;

    /// <summary>How many filler words stand between <paramref name="position"/> and the cue phrase before it,
    /// or -1 when no cue is bound to the position (see <see cref="CueBefore"/>).</summary>
    public static int FillersBeforeCue(ReadOnlySpan<char> text, int position, CueWords cues, int maxFillerWords, int maxChars) =>
        TaggedCueBefore(text, position, cues, maxFillerWords, maxChars, out _);

    /// <summary>Like <see cref="FillersBeforeCue"/>, and reports the matched phrase's tag.</summary>
    public static int TaggedCueBefore(ReadOnlySpan<char> text, int position, CueWords cues, int maxFillerWords, int maxChars, out int tag) =>
        TaggedCueBefore(text, position, cues, maxFillerWords, maxChars, out tag, out _);

    /// <summary>Like <see cref="FillersBeforeCue"/>, and reports the matched phrase's tag and where its last word starts.</summary>
    public static int TaggedCueBefore(ReadOnlySpan<char> text, int position, CueWords cues, int maxFillerWords, int maxChars, out int tag, out int cueStart)
    {
        tag = -1;
        cueStart = -1;
        var limit = Math.Max(0, position - maxChars);
        var p = position;
        var fillers = 0;
        var newlines = 0;
        while (p > limit)
        {
            var sentenceEnd = false;
            while (p > limit && !Chars.IsWordChar(text[p - 1]))
            {
                var c = text[p - 1];
                if (c == '\n' && ++newlines > 1)
                {
                    return -1;
                }

                if (c is '!' or '?')
                {
                    // A question or an exclamation closes what a cue before it could bind.
                    return -1;
                }

                if (c is ';' or '.')
                {
                    sentenceEnd = true;
                }

                p--;
            }

            if (p <= limit)
            {
                return -1;
            }

            var wordStart = CueWords.WordStartBefore(text, p);
            tag = cues.TagEndingAt(text, wordStart, p);
            if (tag >= 0)
            {
                cueStart = wordStart;
                return fillers;
            }

            if ((sentenceEnd && !IsAbbreviation(text[wordStart..p])) || IsNumber(text[wordStart..p]) || ++fillers > maxFillerWords)
            {
                return -1;
            }

            p = wordStart;
        }

        return -1;
    }

    /// <summary>True when a cue phrase follows <paramref name="position"/>, separated from it by at most
    /// <paramref name="maxFillerWords"/> words within <paramref name="maxChars"/> characters.</summary>
    public static bool CueAfter(ReadOnlySpan<char> text, int position, CueWords cues, int maxFillerWords, int maxChars)
    {
        var limit = Math.Min(text.Length, position + maxChars);
        var p = position;
        var fillers = 0;
        var newlines = 0;
        while (p < limit)
        {
            while (p < limit && !Chars.IsWordChar(text[p]))
            {
                var c = text[p];
                if ((c == '\n' && ++newlines > 1) || c is '!' or '?' or ';' or '.')
                {
                    return false;
                }

                p++;
            }

            if (p >= limit)
            {
                return false;
            }

            var wordEnd = CueWords.WordEndAfter(text, p);
            if (cues.StartsAt(text, p, wordEnd) > 0)
            {
                return true;
            }

            if (IsNumber(text[p..wordEnd]) || ++fillers > maxFillerWords)
            {
                return false;
            }

            p = wordEnd;
        }

        return false;
    }

    /// <summary>Distance in characters from the end of the nearest cue word before <paramref name="position"/>
    /// (looking back at most <paramref name="maxChars"/>), or -1 when there is none.</summary>
    public static int NearestCueBefore(ReadOnlySpan<char> text, int position, CueWords cues, int maxChars)
    {
        var limit = Math.Max(0, position - maxChars);
        var p = position;
        while (p > limit)
        {
            while (p > limit && !Chars.IsWordChar(text[p - 1]))
            {
                p--;
            }

            if (p <= limit)
            {
                return -1;
            }

            var wordStart = CueWords.WordStartBefore(text, p);
            if (cues.EndsAt(text, wordStart, p))
            {
                return position - p;
            }

            p = wordStart;
        }

        return -1;
    }

    /// <summary>True when any cue word starts within <paramref name="maxChars"/> after <paramref name="position"/>.</summary>
    public static bool AnyCueAfter(ReadOnlySpan<char> text, int position, CueWords cues, int maxChars)
    {
        var limit = Math.Min(text.Length, position + maxChars);
        var p = position;
        while (p < limit)
        {
            while (p < limit && !Chars.IsWordChar(text[p]))
            {
                p++;
            }

            if (p >= limit)
            {
                return false;
            }

            var wordEnd = CueWords.WordEndAfter(text, p);
            if (cues.StartsAt(text, p, wordEnd) > 0)
            {
                return true;
            }

            p = wordEnd;
        }

        return false;
    }

    private static bool IsNumber(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!Chars.IsDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAbbreviation(ReadOnlySpan<char> word) =>
        word.Length <= 4 && (word.Equals("no", StringComparison.OrdinalIgnoreCase)
            || word.Equals("nr", StringComparison.OrdinalIgnoreCase)
            || word.Equals("num", StringComparison.OrdinalIgnoreCase)
            || word.Equals("exp", StringComparison.OrdinalIgnoreCase)
            || word.Equals("sec", StringComparison.OrdinalIgnoreCase)
            || word.Equals("soc", StringComparison.OrdinalIgnoreCase)
            || word.Equals("acct", StringComparison.OrdinalIgnoreCase)
            || word.Equals("dt", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// In a dialogue, the question on the previous line names what the answer is: "Agent: And the code on the
    /// back?" / "Caller: 827." When <paramref name="position"/> opens its line's utterance (after an optional
    /// "[hh:mm]" stamp, a speaker label and at most a few filler words like "yeah, it's"), returns the tag of
    /// the last cue phrase in the previous line, or -1.
    /// </summary>
    public static int PreviousTurnCue(ReadOnlySpan<char> text, int position, CueWords cues) =>
        PreviousTurnCue(text, position, -1, cues);

    /// <summary>Like <see cref="PreviousTurnCue(ReadOnlySpan{char}, int, CueWords)"/>, ignoring cues tagged
    /// <paramref name="ignoredTag"/> (for example "claim" in "the licence number for the claim?").</summary>
    public static int PreviousTurnCue(ReadOnlySpan<char> text, int position, CueWords cues, int ignoredTag) =>
        PreviousTurnCue(text, position, -1, cues, ignoredTag);

    /// <summary>Like <see cref="PreviousTurnCue(ReadOnlySpan{char}, int, CueWords)"/>; when <paramref name="valueEnd"/>
    /// is given, the value must also end its utterance (only punctuation until the end of the line).</summary>
    public static int PreviousTurnCue(ReadOnlySpan<char> text, int position, int valueEnd, CueWords cues, int ignoredTag = -1)
    {
        if (valueEnd >= 0)
        {
            var q = valueEnd;
            while (q < text.Length && q - valueEnd < 3 && text[q] is '.' or ',' or '!' or ' ')
            {
                q++;
            }

            if (q < text.Length && text[q] is not ('\n' or '\r'))
            {
                return -1;
            }
        }

        // Bounded searches only: the line start within 48 characters, the previous line within 240.
        const int MaxLead = 48;
        const int MaxQuestion = 240;
        var windowStart = Math.Max(0, position - MaxLead - 1);
        var newline = text[windowStart..position].LastIndexOf('\n');
        if (newline < 0 || windowStart + newline == 0)
        {
            return -1;
        }

        var lineStart = windowStart + newline + 1;
        var line = text[lineStart..position];
        var colon = line.LastIndexOf(':'); // the speaker's colon, after any "[00:02:45]" stamp
        if (colon < 0)
        {
            return -1;
        }

        // What stands between the speaker label and the value: a few short words at most.
        var words = 0;
        var wordLength = 0;
        foreach (var c in line[(colon + 1)..])
        {
            if (c is ' ' or ',')
            {
                wordLength = 0;
                continue;
            }

            if (wordLength++ == 0 && ++words > 3)
            {
                return -1;
            }

            if (wordLength > 6)
            {
                return -1;
            }
        }

        var previousEnd = lineStart - 1;
        var questionStart = Math.Max(0, previousEnd - MaxQuestion);
        var previousNewline = text[questionStart..previousEnd].LastIndexOf('\n');
        var previousStart = previousNewline < 0 ? questionStart : questionStart + previousNewline + 1;
        var tag = -1;
        var p = previousStart;
        while (p < previousEnd)
        {
            if (!Chars.IsWordChar(text[p]))
            {
                p++;
                continue;
            }

            var end = CueWords.WordEndAfter(text, p);
            var matched = cues.TagEndingAt(text, p, end);
            if (matched >= 0 && matched != ignoredTag)
            {
                tag = matched;
            }

            p = end;
        }

        return tag;
    }

    /// <summary>True for a dialogue speaker label: a word that opens its line (after an optional "[hh:mm]"
    /// stamp) and is followed by ':' — "Member:", "[00:02:07] Caller:". It names who speaks, not what follows.</summary>
    public static bool IsSpeakerLabel(ReadOnlySpan<char> text, int wordStart)
    {
        var wordEnd = CueWords.WordEndAfter(text, wordStart);
        if (wordEnd >= text.Length || text[wordEnd] != ':')
        {
            return false;
        }

        var windowStart = Math.Max(0, wordStart - 16);
        var newline = text[windowStart..wordStart].LastIndexOf('\n');
        if (newline < 0 && windowStart > 0)
        {
            return false;
        }

        var lineStart = newline < 0 ? 0 : windowStart + newline + 1;
        var prefix = text[lineStart..wordStart].Trim();
        return prefix.IsEmpty || (prefix[0] == '[' && prefix[^1] == ']' && prefix.Length <= 14);
    }
}

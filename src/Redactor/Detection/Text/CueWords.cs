namespace PrivateInference.Redactor.Detection.Text;

/// <summary>
/// A set of cue phrases ("cvv", "security code", "valid thru") matched case-insensitively on word
/// boundaries near a candidate. Phrases are words separated by single spaces; in text the words may
/// be separated by spaces, hyphens, slashes or underscores.
/// </summary>
internal sealed class CueWords
{
    private readonly string[][] _phrases;
    private readonly int[] _tags;
    private readonly Dictionary<string, int[]> _byLastWord;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lastWordLookup;

    public CueWords(params string[] phrases)
        : this(phrases.Select(p => (p, 0)).ToArray())
    {
    }

    /// <summary>Phrases with a tag each (for example the entity type a cue announces).</summary>
    public CueWords(params (string Phrase, int Tag)[] phrases)
    {
        _phrases = phrases.Select(p => p.Phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        _tags = phrases.Select(p => p.Tag).ToArray();
        // Longer phrases first, so "medical record number" wins over "number".
        _byLastWord = Enumerable.Range(0, _phrases.Length)
            .GroupBy(i => _phrases[i][^1], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(i => _phrases[i].Length).ToArray(), StringComparer.OrdinalIgnoreCase);
        _lastWordLookup = _byLastWord.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>True when a cue phrase ends exactly at <paramref name="wordEnd"/> (the end of a word that
    /// starts at <paramref name="wordStart"/>).</summary>
    public bool EndsAt(ReadOnlySpan<char> text, int wordStart, int wordEnd) => TagEndingAt(text, wordStart, wordEnd) >= 0;

    /// <summary>The tag of the longest cue phrase that ends exactly at <paramref name="wordEnd"/>, or -1.</summary>
    public int TagEndingAt(ReadOnlySpan<char> text, int wordStart, int wordEnd)
    {
        if (!_lastWordLookup.TryGetValue(text[wordStart..wordEnd], out var candidates))
        {
            return -1;
        }

        foreach (var i in candidates)
        {
            if (MatchesBackward(text, wordStart, wordEnd, _phrases[i]))
            {
                return _tags[i];
            }
        }

        return -1;
    }

    /// <summary>True when <paramref name="word"/> is the last word of some cue phrase (a cheap pre-check).</summary>
    public bool IsLastWord(ReadOnlySpan<char> word) => _lastWordLookup.ContainsKey(word);

    /// <summary>Length of the cue phrase that starts at the word <paramref name="wordStart"/>..<paramref name="wordEnd"/>, or 0.</summary>
    public int StartsAt(ReadOnlySpan<char> text, int wordStart, int wordEnd)
    {
        foreach (var phrase in _phrases)
        {
            var end = MatchForward(text, wordStart, wordEnd, phrase);
            if (end > 0)
            {
                return end - wordStart;
            }
        }

        return 0;
    }

    private static bool MatchesBackward(ReadOnlySpan<char> text, int wordStart, int wordEnd, string[] phrase)
    {
        var start = wordStart;
        var end = wordEnd;
        for (var w = phrase.Length - 1; w >= 0; w--)
        {
            if (!text[start..end].Equals(phrase[w], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (w == 0)
            {
                return true;
            }

            var p = start - 1;
            if (p < 0 || !IsPhraseJoiner(text[p]))
            {
                return false;
            }

            while (p >= 0 && IsPhraseJoiner(text[p]) && start - p <= 3)
            {
                p--;
            }

            end = p + 1;
            start = WordStartBefore(text, end);
            if (start == end)
            {
                return false;
            }
        }

        return false;
    }

    private static int MatchForward(ReadOnlySpan<char> text, int wordStart, int wordEnd, string[] phrase)
    {
        var start = wordStart;
        var end = wordEnd;
        for (var w = 0; w < phrase.Length; w++)
        {
            if (!text[start..end].Equals(phrase[w], StringComparison.OrdinalIgnoreCase))
            {
                return 0;
            }

            if (w == phrase.Length - 1)
            {
                return end;
            }

            var p = end;
            if (p >= text.Length || !IsPhraseJoiner(text[p]))
            {
                return 0;
            }

            while (p < text.Length && IsPhraseJoiner(text[p]) && p - end < 3)
            {
                p++;
            }

            start = p;
            end = WordEndAfter(text, start);
            if (start == end)
            {
                return 0;
            }
        }

        return 0;
    }

    private static bool IsPhraseJoiner(char c) => c is ' ' or '-' or '_' or '/' or '.' or '\'' or '\u00A0' or '\t';

    /// <summary>Index where the word that ends at <paramref name="end"/> starts.</summary>
    /// <remarks>Walks at most <see cref="MaxWordLength"/> characters: no cue is longer, and an unbounded walk
    /// over a megabyte-long token would make every look-up linear.</remarks>
    public static int WordStartBefore(ReadOnlySpan<char> text, int end)
    {
        var p = end;
        var limit = Math.Max(0, end - MaxWordLength);
        while (p > limit && Chars.IsWordChar(text[p - 1]))
        {
            p--;
        }

        return p;
    }

    /// <summary>Longest word the cue look-ups read.</summary>
    public const int MaxWordLength = 48;

    /// <summary>Index where the word that starts at <paramref name="start"/> ends.</summary>
    public static int WordEndAfter(ReadOnlySpan<char> text, int start)
    {
        var p = start;
        var limit = Math.Min(text.Length, start + MaxWordLength);
        while (p < limit && Chars.IsWordChar(text[p]))
        {
            p++;
        }

        return p;
    }
}

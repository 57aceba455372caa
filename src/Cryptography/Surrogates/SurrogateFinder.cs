namespace PrivateInference.Cryptography.Surrogates;

/// <summary>What shape a surrogate candidate has, and so which surrogate format could have produced it.</summary>
public enum SurrogateKind
{
    /// <summary>A PAN surrogate: 12–19 digits with <c>' '</c>, <c>'-'</c> or <c>'.'</c> between them and Luhn residue
    /// <see cref="PanSurrogate.SurrogateResidue"/> (<see cref="PanSurrogate.IsSurrogate"/>).</summary>
    Pan,

    /// <summary>A digit surrogate (<see cref="DigitSurrogate"/>): a whole run of 6–64 digits with separators.</summary>
    Digits,

    /// <summary>A name of the shapes <see cref="ListSurrogate.Person"/> writes, single names included.</summary>
    Name,

    /// <summary>An address of the shapes <see cref="ListSurrogate.Address"/> writes.</summary>
    Address,
}

/// <summary>One span of text that has the shape of a surrogate.</summary>
/// <param name="Start">UTF-16 offset of its first character.</param>
/// <param name="Length">UTF-16 length.</param>
/// <param name="Kind">The format it has the shape of.</param>
public readonly record struct SurrogateCandidate(int Start, int Length, SurrogateKind Kind);

/// <summary>
/// Finds the spans of a text that a surrogate format could have produced, for the Rehydrator to look up in the vault;
/// also in text that arrives in pieces, holding back only a suffix that could still become (or stop being) one.
/// </summary>
/// <remarks>
/// <para>Candidates only: nothing authenticates a surrogate, and real text holds numbers and names of the same shapes, so
/// a candidate means "ask the vault", never "this is a surrogate". One left-to-right pass; at each position, in order:</para>
/// <list type="bullet">
/// <item><b>Address</b>, at the start of a word (no letter or digit of any script before it): the shapes of
/// <see cref="ListSurrogate.Address"/> built from its lists (house number of 1–5 digits, street, suffix, optionally
/// ", City, ST"; or "City, ST").</item>
/// <item><b>Digit run</b>, at a digit that does not continue a run (no digit, and no separator or <c>')'</c> right after
/// a digit, before it): ASCII digit groups joined by single separators <c>' '</c>, <c>'-'</c>, <c>'.'</c>,
/// <c>'/'</c>, optionally opened by <c>'+'</c>, or by <c>'('</c> when the first group is closed by <c>')'</c> and more
/// groups follow (<c>(555) 010-0199</c>). The run is taken whole: a separator not followed by a digit (a full stop, a
/// trailing dash) ends it and stays outside, and a run is never cut into parts. It is a candidate with 6 to 64 digits
/// (<see cref="DigitSurrogate"/>'s range) unless it reads as a calendar date (<c>03/14/2024</c>, <c>2024-03-14</c>,
/// <c>03/2024</c>), or it has a PAN's layout (12–19 digits, only <c>' '</c>, <c>'-'</c>, <c>'.'</c>) and passes Luhn:
/// that is a real card's shape, which no PAN surrogate has, and a real card number is not sent anywhere it need not go.
/// A PAN layout with Luhn residue <see cref="PanSurrogate.SurrogateResidue"/> is <see cref="SurrogateKind.Pan"/>.
/// Digits glued to letters count (<c>A1234567</c> gives <c>1234567</c>); a run next to another numeric character
/// (full-width, superscript, …) does not, as <see cref="DigitSurrogate"/> refuses those.</item>
/// <item><b>Name</b>, at the start of a word: "Given Surname", "Given I. Surname", "Surname, Given", or a single given
/// name or surname of the lists (the surrogate of a one-word name, or a pair a model shortened).</item>
/// </list>
/// <para>A match is consumed whole; candidates never overlap. The caller masks what must win over candidates (the
/// Rehydrator puts <c>'\0'</c> over bracketed tokens, a character no candidate holds or continues across).</para>
/// <para>Streaming: <see cref="Scan"/> with <c>final: false</c> stops at the first position whose outcome the next
/// characters could still change, and reports candidates only before it. Each decision reads at most
/// <see cref="Lookback"/> characters before its position, so a caller that keeps that many decided characters as left
/// context gets exactly the candidates of the whole text, for any chunking. The undecided suffix is at most
/// <see cref="MaxHeldBack"/> characters: a digit run of 64 digits with a separator before each and a prefix, and the
/// separator after it whose next character decides whether the run goes on.</para>
/// </remarks>
public static class SurrogateFinder
{
    /// <summary>Characters before a position that its decision reads.</summary>
    public const int Lookback = 3;

    /// <summary>Longest suffix a non-final <see cref="Scan"/> leaves undecided: a '(' prefix, 64 digits, 63 single
    /// separators and one two-character ") ", and a trailing separator.</summary>
    public const int MaxHeldBack = 1 + DigitSurrogate.MaxDigits + DigitSurrogate.MaxDigits + 1;

    /// <summary>Longest list word (checked against the lists by the tests).</summary>
    internal const int MaxListWord = 12;

    private const int MaxHouseNumberDigits = 5;
    private const int No = -1;
    private const int More = -2;

    /// <summary>The candidates of a whole text, in order, not overlapping.</summary>
    public static IReadOnlyList<SurrogateCandidate> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<SurrogateCandidate>();
        Scan(text, 0, final: true, found);
        return found;
    }

    /// <summary>Scans <paramref name="text"/> from <paramref name="from"/> (characters before it are left context only)
    /// and adds the candidates that start at or after it to <paramref name="found"/>.</summary>
    /// <param name="text">Left context, then the text to scan.</param>
    /// <param name="from">Where scanning starts; give at least <see cref="Lookback"/> characters of context when there
    /// are that many.</param>
    /// <param name="final">Whether the text ends here; otherwise more may follow.</param>
    /// <param name="found">Receives the candidates, in order.</param>
    /// <returns>How far the text is decided: its length when <paramref name="final"/>, else the start of the first span
    /// that more text could still make or unmake a candidate (candidates are reported only before it).</returns>
    public static int Scan(ReadOnlySpan<char> text, int from, bool final, List<SurrogateCandidate> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, text.Length);
        var i = from;
        while (i < text.Length)
        {
            var c = text[i];
            var wordStart = i == 0 || !char.IsLetterOrDigit(text[i - 1]);
            int end = No;
            var kind = SurrogateKind.Address;
            if (char.IsAsciiDigit(c) || c is '(' or '+')
            {
                if (char.IsAsciiDigit(c) && wordStart)
                {
                    end = MatchAddress(text, i, final);
                }

                if (end == No && IsRunStart(text, i))
                {
                    end = MatchRun(text, i, final, out kind);
                }
            }
            else if (char.IsAsciiLetter(c) && wordStart && MayStartListCandidate(text, i, final))
            {
                end = MatchCityState(text, i, final);
                if (end == No)
                {
                    end = MatchName(text, i, final);
                    kind = SurrogateKind.Name;
                }
            }

            if (end == More)
            {
                return i;
            }

            if (end > i)
            {
                found.Add(new SurrogateCandidate(i, end - i, kind));
                i = end;
            }
            else
            {
                i++;
            }
        }

        return text.Length;
    }

    /// <summary>Whether the word at <paramref name="start"/> could start a name or "City, ST" candidate: it is on one of
    /// those lists, or the text ends before the word does (then the matchers decide, holding it back). A pre-filter only:
    /// every word it rejects, <see cref="MatchCityState"/> and <see cref="MatchName"/> reject too.</summary>
    private static bool MayStartListCandidate(ReadOnlySpan<char> s, int start, bool final)
    {
        var end = Word(s, start, digits: false, final);
        return end == More || (end > 0 && SurrogateLists.Shared.CandidateStart.Contains(s[start..end]));
    }

    /// <summary>Whether a digit run may start at <paramref name="i"/>: nothing before it continues a run (a digit, a
    /// separator or ')' after a digit, ") " or ")-" after a digit) or is another numeric character.</summary>
    private static bool IsRunStart(ReadOnlySpan<char> s, int i)
    {
        var prev = At(s, i - 1);
        if (char.IsNumber(prev))
        {
            return false;
        }

        if ((IsSeparator(prev) || prev == ')') && char.IsAsciiDigit(At(s, i - 2)))
        {
            return false;
        }

        return !(prev is ' ' or '-' && At(s, i - 2) == ')' && char.IsAsciiDigit(At(s, i - 3)));
    }

    /// <summary>The character at <paramref name="k"/>, or a space before the start of the text.</summary>
    private static char At(ReadOnlySpan<char> s, int k) => k >= 0 ? s[k] : ' ';

    private static bool IsSeparator(char c) => c is ' ' or '-' or '.' or '/';

    /// <summary>A digit run from <paramref name="start"/> (a digit, or a '+' or '(' prefix): its end if it is a candidate,
    /// <see cref="No"/>, or <see cref="More"/>.</summary>
    private static int MatchRun(ReadOnlySpan<char> s, int start, bool final, out SurrogateKind kind)
    {
        kind = SurrogateKind.Digits;
        var n = s.Length;
        var p = start;
        var plus = s[p] == '+';
        var paren = s[p] == '(';
        if (plus || paren)
        {
            p++;
            if (p == n)
            {
                return final ? No : More;
            }

            if (!char.IsAsciiDigit(s[p]))
            {
                return No;
            }
        }

        var digits = 0;
        var groups = 0;
        var panLayout = !plus && !paren;
        while (true)
        {
            while (p < n && char.IsAsciiDigit(s[p]))
            {
                p++;
                if (++digits > DigitSurrogate.MaxDigits)
                {
                    return No;
                }
            }

            groups++;
            if (p == n)
            {
                // An unclosed parenthesis is not part of the run: the run at the digit after it decides.
                return !final ? More : paren && groups == 1 ? No : Finish(s, start, p, digits, panLayout, out kind);
            }

            var c = s[p];
            if (paren && groups == 1)
            {
                // "(555) 010-0199", "(555)010-0199", "(555)-010-0199": the parenthesis joins only when groups follow.
                var after = p + 1 < n && s[p + 1] is ' ' or '-' ? p + 2 : p + 1;
                if (c != ')')
                {
                    return No;
                }

                if (after >= n)
                {
                    return final ? No : More;
                }

                if (!char.IsAsciiDigit(s[after]))
                {
                    return No;
                }

                p = after;
                continue;
            }

            if (IsSeparator(c))
            {
                if (p + 1 == n)
                {
                    return final ? Finish(s, start, p, digits, panLayout, out kind) : More;
                }

                if (char.IsAsciiDigit(s[p + 1]))
                {
                    panLayout &= c != '/';
                    p++;
                    continue;
                }
            }

            return Finish(s, start, p, digits, panLayout, out kind);
        }
    }

    private static int Finish(ReadOnlySpan<char> s, int start, int end, int digits, bool panLayout, out SurrogateKind kind)
    {
        kind = SurrogateKind.Digits;
        if (digits < DigitSurrogate.MinDigits || (end < s.Length && char.IsNumber(s[end])))
        {
            return No;
        }

        var run = s[start..end];
        if (panLayout && digits is >= PanSurrogate.MinDigits and <= PanSurrogate.MaxDigits)
        {
            if (PanSurrogate.IsSurrogate(run))
            {
                kind = SurrogateKind.Pan;
                return end;
            }

            if (PanSurrogate.CanEncrypt(run))
            {
                return No;
            }
        }

        return IsDate(run) ? No : end;
    }

    /// <summary>Whether the run reads as a calendar date: M/D/Y or D/M/Y (2- or 4-digit year), Y-M-D, or M/YYYY, with one
    /// separator kind.</summary>
    private static bool IsDate(ReadOnlySpan<char> run)
    {
        Span<int> values = stackalloc int[4];
        Span<int> lengths = stackalloc int[4];
        var count = 0;
        var separator = '\0';
        var value = 0;
        var length = 0;
        foreach (var c in run)
        {
            if (char.IsAsciiDigit(c))
            {
                value = (value * 10) + (c - '0');
                if (++length > 4)
                {
                    return false;
                }

                continue;
            }

            if ((separator != '\0' && c != separator) || count == 3)
            {
                return false;
            }

            separator = c;
            values[count] = value;
            lengths[count++] = length;
            value = length = 0;
        }

        if (count is 0 or 3)
        {
            return false;
        }

        values[count] = value;
        lengths[count++] = length;
        static bool Month(int v, int l) => l <= 2 && v is >= 1 and <= 12;
        static bool Day(int v, int l) => l <= 2 && v is >= 1 and <= 31;
        static bool Year(int v, int l) => l == 2 || (l == 4 && v is >= 1800 and <= 2199);
        return count switch
        {
            2 => Month(values[0], lengths[0]) && lengths[1] == 4 && Year(values[1], 4),
            3 when lengths[0] == 4 => Year(values[0], 4) && Month(values[1], lengths[1]) && Day(values[2], lengths[2]),
            3 => Year(values[2], lengths[2])
                && ((Month(values[0], lengths[0]) && Day(values[1], lengths[1])) || (Day(values[0], lengths[0]) && Month(values[1], lengths[1]))),
            _ => false,
        };
    }

    /// <summary>"N Street Suffix" or "N Street Suffix, City, ST" from a digit at a word start.</summary>
    private static int MatchAddress(ReadOnlySpan<char> s, int start, bool final)
    {
        var lists = SurrogateLists.Shared;
        var number = Word(s, start, digits: true, final);
        if (number < 0 || number - start > MaxHouseNumberDigits)
        {
            return number == More ? More : No;
        }

        var p = After(s, number, " ", final);
        var street = p < 0 ? p : Word(s, p, digits: false, final);
        if (street < 0 || !lists.Street.Contains(s[p..street]))
        {
            return street == More ? More : No;
        }

        p = After(s, street, " ", final);
        var suffix = p < 0 ? p : Word(s, p, digits: false, final);
        if (suffix < 0 || !lists.Suffix.Contains(s[p..suffix]))
        {
            return suffix == More ? More : No;
        }

        p = After(s, suffix, ", ", final);
        var tail = p < 0 ? p : MatchCityState(s, p, final);
        return tail == More ? More : tail > 0 ? tail : suffix;
    }

    /// <summary>"City, ST".</summary>
    private static int MatchCityState(ReadOnlySpan<char> s, int start, bool final)
    {
        var lists = SurrogateLists.Shared;
        var city = Word(s, start, digits: false, final);
        if (city < 0 || !lists.City.Contains(s[start..city]))
        {
            return city == More ? More : No;
        }

        var p = After(s, city, ", ", final);
        var state = p < 0 ? p : Word(s, p, digits: false, final);
        if (state < 0)
        {
            return state;
        }

        return state - p == 2 && lists.State.Contains(s[p..state]) ? state : No;
    }

    /// <summary>"Given Surname", "Given I. Surname", "Surname, Given", or a single list name.</summary>
    private static int MatchName(ReadOnlySpan<char> s, int start, bool final)
    {
        var lists = SurrogateLists.Shared;
        var first = Word(s, start, digits: false, final);
        if (first < 0)
        {
            return first;
        }

        var word = s[start..first];
        var given = lists.Given.Contains(word);
        var surname = lists.Surname.Contains(word);
        if (given)
        {
            var p = After(s, first, " ", final);
            if (p == More)
            {
                return More;
            }

            if (p >= 0)
            {
                var q = p;
                var initial = Word(s, p, digits: false, final);
                if (initial == More)
                {
                    return More;
                }

                if (initial == p + 1)
                {
                    var afterInitial = After(s, p + 1, ". ", final);
                    if (afterInitial == More)
                    {
                        return More;
                    }

                    q = afterInitial >= 0 ? afterInitial : p;
                }

                var last = q == p ? initial : Word(s, q, digits: false, final);
                if (last == More)
                {
                    return More;
                }

                if (last > 0 && lists.Surname.Contains(s[q..last]))
                {
                    return last;
                }
            }
        }

        if (surname)
        {
            var p = After(s, first, ", ", final);
            var next = p < 0 ? p : Word(s, p, digits: false, final);
            if (next == More)
            {
                return More;
            }

            if (next > 0 && lists.Given.Contains(s[p..next]))
            {
                return next;
            }
        }

        return given || surname ? first : No;
    }

    /// <summary>The end of a run of ASCII letters (or digits) from <paramref name="start"/> that ends at a word boundary
    /// (no letter or digit of any script follows); <see cref="No"/> when there is none or it is longer than any list
    /// word; <see cref="More"/> when the text ends before that is known.</summary>
    private static int Word(ReadOnlySpan<char> s, int start, bool digits, bool final)
    {
        var i = start;
        while (i < s.Length && i - start <= MaxListWord && (digits ? char.IsAsciiDigit(s[i]) : char.IsAsciiLetter(s[i])))
        {
            i++;
        }

        if (i - start > MaxListWord)
        {
            return No;
        }

        if (i == s.Length)
        {
            return !final ? More : i > start ? i : No;
        }

        return i > start && !char.IsLetterOrDigit(s[i]) ? i : No;
    }

    /// <summary>The position after <paramref name="separator"/> if it stands at <paramref name="position"/>;
    /// <see cref="No"/>; or <see cref="More"/> when the text ends inside what could still be it.</summary>
    private static int After(ReadOnlySpan<char> s, int position, string separator, bool final)
    {
        for (var k = 0; k < separator.Length; k++)
        {
            if (position + k == s.Length)
            {
                return final ? No : More;
            }

            if (s[position + k] != separator[k])
            {
                return No;
            }
        }

        return position + separator.Length;
    }
}

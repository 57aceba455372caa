using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>Realistic stand-in names and street addresses drawn from built-in lists (<c>Surrogates/Lists</c>), keyed
/// and deterministic, and a finder that spots them again in text.</summary>
/// <remarks>
/// <para>Choices come from one HMAC per call; every field before the tweak has a fixed length, so the message is
/// injective:</para>
/// <code>
/// c = HMAC-SHA256(key, "pi.surrogate.list.v1" ‖ 0x00 ‖ kind ('P' or 'A') ‖ attempt (uint32 BE) ‖ ASCII(tokenId) ‖ tweak)
/// slot i = uint32 BE at c[4i … 4i+3];  entry = list[slot mod count]
/// Person:  slot 0 given name, 1 surname, 2 middle initial
/// Address: slot 0 street, 1 suffix, 2 city, 3 state, 4 house number
/// </code>
/// <para>Shapes produced, and the only ones <see cref="FindCandidates(string, bool)"/> recognizes (one space between
/// words, ", " after a comma; any ASCII case):</para>
/// <code>
/// Given Surname            Emily Garcia          from "John Smith", or with no original
/// Given I. Surname         Emily R. Garcia       from three words or more ("John Q. Public", "Mary Ann Smith")
/// Surname, Given           Garcia, Emily         from anything with a comma ("Smith, John")
/// Given | Surname          Emily | Garcia        from one word: a given name if it is on the given-name list, else a surname
/// N Street Suffix          4821 Maple Ave        N has the original's house-number digit count (1–5; 4 without one)
/// N Street Suffix, City, ST                      when the original goes on after a comma
/// City, ST                 Salem, VA             from an original with a comma and no house number
/// </code>
/// <para>Case follows the original: all upper in, all upper out; all lower in, all lower out; otherwise title case.
/// The suffix is written out ("Avenue") when the original writes one out, else abbreviated ("Ave"), never with a
/// period, so that a sentence's full stop cannot be mistaken for part of it.</para>
/// <para>Security invariants:</para>
/// <list type="bullet">
/// <item>The original is read for its shape only and is neither stored nor copied into an exception. One exception:
/// no name, street, city or house number of the surrogate equals a word of the original (ignoring case); an entry
/// that does is skipped for the next in the list, so a surrogate never repeats part of the value it hides.</item>
/// <item>Otherwise the output depends only on (key, tweak, tokenId, attempt): the token ID is random, so the
/// surrogate says nothing about the value. It is not invertible; the vault records surrogate → token, and
/// <c>attempt</c> (0, 1, 2, …) gives another surrogate when one is taken.</item>
/// <item>The lists are part of the format (see <c>Lists/PROVENANCE.md</c>): changing them changes surrogates.</item>
/// </list>
/// </remarks>
public static class ListSurrogate
{
    /// <summary>Shortest surrogate key accepted, in bytes.</summary>
    public const int MinKeyLength = SurrogateKeys.MinKeyLength;

    private const int ChoicesLength = 32;
    private const int MaxHouseNumberDigits = 5;
    private const int DefaultHouseNumberDigits = 4;

    private static readonly int[] PowersOfTen = [1, 10, 100, 1000, 10000];

    private enum Style
    {
        Title,
        Upper,
        Lower,
    }

    private enum NameShape
    {
        GivenSurname,
        GivenInitialSurname,
        SurnameCommaGiven,
        Given,
        Surname,
    }

    private static ReadOnlySpan<byte> Label => "pi.surrogate.list.v1"u8;

    /// <summary>A stand-in person name, "Given Surname" or the shape of <paramref name="original"/> (see remarks).</summary>
    /// <param name="key">The tenant's surrogate key, at least 32 bytes.</param>
    /// <param name="tweak">The caller's domain (the vault passes tenant ‖ entity type).</param>
    /// <param name="tokenId">The token the surrogate stands for (10 characters of Crockford base32).</param>
    /// <param name="attempt">0 for the first choice; higher values give other surrogates after a collision.</param>
    /// <param name="original">The value being replaced, read for its shape only; empty for the default shape.</param>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/> or the token ID is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is negative.</exception>
    public static string Person(SecretKey key, ReadOnlySpan<byte> tweak, string tokenId, int attempt, ReadOnlySpan<char> original = default)
    {
        Span<byte> choices = stackalloc byte[ChoicesLength];
        Choose(key, (byte)'P', tweak, tokenId, attempt, choices);
        var lists = SurrogateLists.Shared;
        var style = StyleOf(original);
        var given = Cased(Pick(lists.GivenNames, choices, 0, original), style);
        var surname = Cased(Pick(lists.Surnames, choices, 1, original), style);
        return ShapeOf(original, lists) switch
        {
            NameShape.Given => given,
            NameShape.Surname => surname,
            NameShape.SurnameCommaGiven => string.Concat(surname, ", ", given),
            NameShape.GivenInitialSurname => string.Concat(given, " ", Cased(Initial(choices), style), ". ", surname),
            _ => string.Concat(given, " ", surname),
        };
    }

    /// <summary>A stand-in street address, "4821 Maple Ave" or the shape of <paramref name="original"/> (see remarks).</summary>
    /// <param name="key">The tenant's surrogate key, at least 32 bytes.</param>
    /// <param name="tweak">The caller's domain (the vault passes tenant ‖ entity type).</param>
    /// <param name="tokenId">The token the surrogate stands for (10 characters of Crockford base32).</param>
    /// <param name="attempt">0 for the first choice; higher values give other surrogates after a collision.</param>
    /// <param name="original">The value being replaced, read for its shape only; empty for the default shape.</param>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/> or the token ID is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is negative.</exception>
    public static string Address(SecretKey key, ReadOnlySpan<byte> tweak, string tokenId, int attempt, ReadOnlySpan<char> original = default)
    {
        Span<byte> choices = stackalloc byte[ChoicesLength];
        Choose(key, (byte)'A', tweak, tokenId, attempt, choices);
        var lists = SurrogateLists.Shared;
        var style = StyleOf(original);
        var trimmed = original.Trim();
        var houseDigits = Math.Min(trimmed.Length - trimmed.TrimStart("0123456789").Length, MaxHouseNumberDigits);
        var comma = trimmed.IndexOf(',');
        var cityState = string.Concat(
            Cased(Pick(lists.Cities, choices, 2, original), style),
            ", ",
            style == Style.Lower ? lists.States[Slot(choices, 3, lists.States.Count)] : lists.States[Slot(choices, 3, lists.States.Count)].ToUpperInvariant());
        if (houseDigits == 0 && comma >= 0)
        {
            return cityState;
        }

        var suffix = Slot(choices, 1, lists.SuffixFull.Count);
        var line = string.Concat(
            HouseNumber(houseDigits == 0 ? DefaultHouseNumberDigits : houseDigits, choices, original),
            " ",
            Cased(Pick(lists.Streets, choices, 0, original), style),
            " ",
            Cased(WritesSuffixOut(comma < 0 ? trimmed : trimmed[..comma], lists) ? lists.SuffixFull[suffix] : lists.SuffixShort[suffix], style));
        return houseDigits > 0 && comma >= 0 ? string.Concat(line, ", ", cityState) : line;
    }

    /// <summary>Whether <paramref name="word"/> is on the given-name or surname list (ASCII, any case).</summary>
    public static bool IsListName(ReadOnlySpan<char> word)
    {
        var lists = SurrogateLists.Shared;
        return Ascii.IsValid(word) && (lists.Given.Contains(word) || lists.Surname.Contains(word));
    }

    /// <summary>Spans of <paramref name="text"/> that have the shape of a name pair or an address this class produces,
    /// built from its lists (see remarks), in text order, not overlapping.</summary>
    /// <remarks>Candidates only: real text can hold such a name or address, so each candidate must be looked up (the
    /// vault's surrogate → token record, case-insensitively) and left alone when it is not found. Single names are
    /// not included: see <see cref="FindCandidates(string, bool)"/>.</remarks>
    public static IReadOnlyList<(int Start, int Length)> FindCandidates(string text) => FindCandidates(text, includeSingleNames: false);

    /// <summary>As <see cref="FindCandidates(string)"/>, optionally also single given names and surnames that are not
    /// part of a pair (the surrogates of one-word originals, and the halves a model may shorten a pair to).</summary>
    public static IReadOnlyList<(int Start, int Length)> FindCandidates(string text, bool includeSingleNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lists = SurrogateLists.Shared;
        var found = new List<(int Start, int Length)>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]) || (i > 0 && char.IsLetterOrDigit(text[i - 1])))
            {
                i++;
                continue;
            }

            var end = MatchAddress(text, i, lists);
            if (end < 0)
            {
                end = MatchName(text, i, includeSingleNames, lists);
            }

            if (end > 0)
            {
                found.Add((i, end - i));
                i = end;
                continue;
            }

            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }
        }

        return found;
    }

    private static void Choose(SecretKey key, byte kind, ReadOnlySpan<byte> tweak, string tokenId, int attempt, Span<byte> choices)
    {
        SurrogateKeys.Require(key, nameof(key));
        ArgumentNullException.ThrowIfNull(tokenId);
        TokenId.Require(tokenId, nameof(tokenId));
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var message = new byte[Label.Length + 2 + sizeof(uint) + TokenId.Length + tweak.Length];
        var p = message.AsSpan();
        Label.CopyTo(p);
        p = p[(Label.Length + 1)..];
        p[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(p[1..], (uint)attempt);
        p = p[(1 + sizeof(uint))..];
        Encoding.ASCII.GetBytes(tokenId, p);
        tweak.CopyTo(p[TokenId.Length..]);
        HMACSHA256.HashData(key.Span, message, choices);
    }

    /// <summary>Slot i of the choices, reduced to 0 … count-1. The bias of a 32-bit value modulo at most 1,000 is below
    /// 2^-22, harmless for stand-ins.</summary>
    private static int Slot(ReadOnlySpan<byte> choices, int slot, int count) =>
        (int)(BinaryPrimitives.ReadUInt32BigEndian(choices[(slot * sizeof(uint))..]) % (uint)count);

    /// <summary>The entry at the slot, or the next one in list order that is not a word of the original.</summary>
    private static string Pick(IReadOnlyList<string> list, ReadOnlySpan<byte> choices, int slot, ReadOnlySpan<char> original)
    {
        var start = Slot(choices, slot, list.Count);
        for (var k = 0; k < list.Count; k++)
        {
            var entry = list[(start + k) % list.Count];
            if (!HasWord(original, entry))
            {
                return entry;
            }
        }

        throw new InvalidOperationException("Every entry of a surrogate list occurs in the original.");
    }

    private static string HouseNumber(int digits, ReadOnlySpan<byte> choices, ReadOnlySpan<char> original)
    {
        var low = PowersOfTen[digits - 1];
        var range = 9 * low;
        var start = Slot(choices, 4, range);
        for (var k = 0; k < range; k++)
        {
            var number = (low + ((start + k) % range)).ToString(CultureInfo.InvariantCulture);
            if (!HasWord(original, number))
            {
                return number;
            }
        }

        throw new InvalidOperationException("Every house number of that length occurs in the original.");
    }

    private static string Initial(ReadOnlySpan<byte> choices) => ((char)('a' + Slot(choices, 2, 26))).ToString();

    /// <summary>Whether <paramref name="word"/> is one of the original's words (runs of letters or digits), ignoring case.</summary>
    private static bool HasWord(ReadOnlySpan<char> original, string word)
    {
        var i = 0;
        while (NextWord(original, ref i, out var start))
        {
            if (original[start..i].Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Moves <paramref name="position"/> past the next run of letters or digits, which starts at
    /// <paramref name="start"/>; false when there is none.</summary>
    private static bool NextWord(ReadOnlySpan<char> text, ref int position, out int start)
    {
        while (position < text.Length && !char.IsLetterOrDigit(text[position]))
        {
            position++;
        }

        start = position;
        while (position < text.Length && char.IsLetterOrDigit(text[position]))
        {
            position++;
        }

        return position > start;
    }

    private static NameShape ShapeOf(ReadOnlySpan<char> original, SurrogateLists lists)
    {
        var words = 0;
        Range first = default;
        var i = 0;
        while (i < original.Length)
        {
            while (i < original.Length && char.IsWhiteSpace(original[i]))
            {
                i++;
            }

            var start = i;
            while (i < original.Length && !char.IsWhiteSpace(original[i]))
            {
                i++;
            }

            if (i > start && words++ == 0)
            {
                first = start..i;
            }
        }

        if (words == 0)
        {
            return NameShape.GivenSurname;
        }

        if (original.Contains(','))
        {
            return NameShape.SurnameCommaGiven;
        }

        if (words == 1)
        {
            var word = original[first].Trim('.');
            return Ascii.IsValid(word) && lists.Given.Contains(word) ? NameShape.Given : NameShape.Surname;
        }

        return words == 2 ? NameShape.GivenSurname : NameShape.GivenInitialSurname;
    }

    private static bool WritesSuffixOut(ReadOnlySpan<char> streetLine, SurrogateLists lists)
    {
        var i = 0;
        while (NextWord(streetLine, ref i, out var start))
        {
            if (Ascii.IsValid(streetLine[start..i]) && lists.FullSuffix.Contains(streetLine[start..i]))
            {
                return true;
            }
        }

        return false;
    }

    private static Style StyleOf(ReadOnlySpan<char> original)
    {
        bool upper = false, lower = false;
        foreach (var c in original)
        {
            upper |= char.IsUpper(c);
            lower |= char.IsLower(c);
        }

        return upper == lower ? Style.Title : upper ? Style.Upper : Style.Lower;
    }

    /// <summary>A list entry (lower-case ASCII) in the style: "Garcia", "GARCIA" or "garcia".</summary>
    private static string Cased(string entry, Style style) => style switch
    {
        Style.Upper => entry.ToUpperInvariant(),
        Style.Lower => entry,
        _ => string.Create(entry.Length, entry, static (chars, e) =>
        {
            e.CopyTo(chars);
            chars[0] = char.ToUpperInvariant(chars[0]);
        }),
    };

    /// <summary>The end of an address candidate starting at <paramref name="start"/>, or -1.</summary>
    private static int MatchAddress(string text, int start, SurrogateLists lists)
    {
        if (!char.IsAsciiDigit(text[start]))
        {
            return MatchCityState(text, start, lists);
        }

        var number = Word(text, start, digits: true);
        if (number < 0 || number - start > MaxHouseNumberDigits)
        {
            return -1;
        }

        var street = After(text, number, " ", out var p) ? Word(text, p, digits: false) : -1;
        if (street < 0 || !lists.Street.Contains(text.AsSpan(p, street - p)))
        {
            return -1;
        }

        var suffix = After(text, street, " ", out p) ? Word(text, p, digits: false) : -1;
        if (suffix < 0 || !lists.Suffix.Contains(text.AsSpan(p, suffix - p)))
        {
            return -1;
        }

        var tail = After(text, suffix, ", ", out p) ? MatchCityState(text, p, lists) : -1;
        return tail > 0 ? tail : suffix;
    }

    private static int MatchCityState(string text, int start, SurrogateLists lists)
    {
        var city = Word(text, start, digits: false);
        if (city < 0 || !lists.City.Contains(text.AsSpan(start, city - start)) || !After(text, city, ", ", out var p))
        {
            return -1;
        }

        var state = Word(text, p, digits: false);
        return state - p == 2 && lists.State.Contains(text.AsSpan(p, 2)) ? state : -1;
    }

    /// <summary>The end of a name candidate starting at <paramref name="start"/>, or -1.</summary>
    private static int MatchName(string text, int start, bool includeSingleNames, SurrogateLists lists)
    {
        var first = Word(text, start, digits: false);
        if (first < 0)
        {
            return -1;
        }

        var word = text.AsSpan(start, first - start);
        if (lists.Given.Contains(word) && After(text, first, " ", out var p))
        {
            // "Given I. Surname": a single letter, a period, a space.
            var q = Word(text, p, digits: false) == p + 1 && After(text, p + 1, ". ", out var afterInitial) ? afterInitial : p;
            var surname = Word(text, q, digits: false);
            if (surname > 0 && lists.Surname.Contains(text.AsSpan(q, surname - q)))
            {
                return surname;
            }
        }

        if (lists.Surname.Contains(word) && After(text, first, ", ", out p))
        {
            var given = Word(text, p, digits: false);
            if (given > 0 && lists.Given.Contains(text.AsSpan(p, given - p)))
            {
                return given;
            }
        }

        return includeSingleNames && (lists.Given.Contains(word) || lists.Surname.Contains(word)) ? first : -1;
    }

    /// <summary>The end of a run of ASCII letters (or digits) starting at <paramref name="start"/> that ends at a word
    /// boundary (no letter or digit of any script follows), or -1.</summary>
    private static int Word(string text, int start, bool digits)
    {
        var i = start;
        while (i < text.Length && (digits ? char.IsAsciiDigit(text[i]) : char.IsAsciiLetter(text[i])))
        {
            i++;
        }

        return i > start && (i == text.Length || !char.IsLetterOrDigit(text[i])) ? i : -1;
    }

    /// <summary>Whether <paramref name="separator"/> stands at <paramref name="position"/>; <paramref name="next"/> is
    /// the position after it.</summary>
    private static bool After(string text, int position, string separator, out int next)
    {
        next = position + separator.Length;
        return text.AsSpan(position).StartsWith(separator, StringComparison.Ordinal);
    }
}

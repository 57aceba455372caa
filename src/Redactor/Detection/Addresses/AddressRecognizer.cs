using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Addresses;

/// <summary>
/// Street addresses anchored on the house number ("123 N Main St, Apt 4B, Springfield, IL"), PO boxes
/// ("P.O. Box 4521"), and ZIP codes (5 or ZIP+4) after a state or ZIP wording, with the "City, ST" before
/// such a ZIP. The ZIP is its own entity; the street line, unit, city and state on one line are one ADDRESS.
/// </summary>
internal sealed class AddressRecognizer : INumericRecognizer
{
    private const int MaxStreetWords = 6;

    private static readonly CueWords ZipCues = new("zip", "zip code", "zipcode", "postal code", "post code", "zip+4");

    public string Name => "address";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        if (cluster.Count == 1 || (cluster.Count == 2 && cluster[1].Before == SeparatorKind.Dash))
        {
            TryZip(text, cluster, state);
        }

        if (cluster.Count == 1 && cluster[0].DigitCount <= 6)
        {
            if (!TryPoBox(text, cluster, state))
            {
                TryStreet(text, cluster[0].Start, cluster[0].End, state);
            }
        }
    }

    private void TryStreet(ReadOnlySpan<char> text, int start, int numberEnd, ScanState state)
    {
        if (start > 0 && !(text[start - 1] is ' ' or '\n' or '\t' or ',' or '(' or ':' or '\u00A0' or '"'))
        {
            return;
        }

        var p = numberEnd;
        if (p < text.Length && char.IsAsciiLetter(text[p]) && (p + 1 >= text.Length || !char.IsLetter(text[p + 1])))
        {
            p++; // "123B Main St"
        }

        var names = 0;
        var end = -1;
        var lowerCase = false;
        for (var w = 0; w < MaxStreetWords; w++)
        {
            if (p >= text.Length || text[p] != ' ')
            {
                break;
            }

            p++;
            if (p >= text.Length || !char.IsLetterOrDigit(text[p]))
            {
                break;
            }

            var word = Word.Read(text, p);
            var token = text[word.Start..word.End];
            if (names > 0 && AddressWords.Suffix.Contains(token) && (!lowerCase || AddressWords.UnambiguousSuffix.Contains(token)))
            {
                end = word.End;
                if (end < text.Length && text[end] == '.')
                {
                    end++;
                }

                // A trailing direction: "Main St NW".
                if (end + 1 < text.Length && text[end] == ' ')
                {
                    var next = Word.Read(text, end + 1);
                    if (next.Length > 0 && next.AllUpper && AddressWords.Direction.Contains(text[next.Start..next.End]))
                    {
                        end = next.End;
                    }
                }

                break;
            }

            var ordinal = word.HasDigit && IsOrdinal(token);
            if (!(word.StartsUpper || ordinal || (!word.HasDigit && word.HasLetter)) || word.Length > 20)
            {
                break;
            }

            lowerCase |= !word.StartsUpper && !ordinal;

            names++;
            p = word.End;
            if (p < text.Length && text[p] == '.' && AddressWords.Direction.Contains(token))
            {
                p++;
            }
        }

        if (end < 0)
        {
            return;
        }

        end = ExtendUnit(text, end);
        end = ExtendCityState(text, end);
        state.Add(EntityType.Address, start, end, 0.9, Name);
    }

    private bool TryPoBox(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        var number = cluster[0].Start;
        var boxStart = PoBoxStart(text, number);
        if (boxStart < 0)
        {
            return false;
        }

        var end = ExtendCityState(text, cluster[0].End);
        state.Add(EntityType.Address, boxStart, end, 0.9, Name);
        return true;
    }

    /// <summary>Where "PO Box", "P.O. Box", "P. O. Box", "Post Office Box", "POB" or "PMB" starts before the
    /// box number, or -1.</summary>
    private static int PoBoxStart(ReadOnlySpan<char> text, int number)
    {
        var p = number;
        while (p > 0 && text[p - 1] is ' ' or '#' or ':' && number - p < 3)
        {
            p--;
        }

        var wordStart = CueWords.WordStartBefore(text, p);
        var word = text[wordStart..p];
        if (word.Equals("pob", StringComparison.OrdinalIgnoreCase) || word.Equals("pmb", StringComparison.OrdinalIgnoreCase))
        {
            return wordStart;
        }

        if (!word.Equals("box", StringComparison.OrdinalIgnoreCase))
        {
            return -1;
        }

        var q = wordStart;
        while (q > 0 && text[q - 1] == ' ')
        {
            q--;
        }

        foreach (var prefix in (ReadOnlySpan<string>)["post office", "p. o.", "p.o.", "p.o", "po"])
        {
            if (q >= prefix.Length && text.Slice(q - prefix.Length, prefix.Length).Equals(prefix, StringComparison.OrdinalIgnoreCase)
                && (q == prefix.Length || !char.IsLetter(text[q - prefix.Length - 1])))
            {
                return q - prefix.Length;
            }
        }

        return -1;
    }

    private void TryZip(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        ref readonly var first = ref cluster[0];
        if (first.DigitCount != 5 || (cluster.Count == 2 && cluster[1].DigitCount != 4))
        {
            return;
        }

        var start = first.Start;
        var end = cluster.End;
        if ((start > 0 && char.IsLetterOrDigit(text[start - 1])) || (end < text.Length && char.IsLetterOrDigit(text[end])))
        {
            return;
        }

        var stateStart = StateBefore(text, start);
        if (stateStart >= 0)
        {
            state.Add(EntityType.Zip, start, end, 0.93, Name);
            var cityStart = CityBefore(text, stateStart);
            var stateEnd = start;
            while (stateEnd > stateStart && !char.IsLetter(text[stateEnd - 1]))
            {
                stateEnd--;
            }

            if (cityStart >= 0)
            {
                state.Add(EntityType.Address, cityStart, stateEnd, 0.85, Name);
            }

            return;
        }

        if (Context.CueBefore(text, start, ZipCues, 2, 24))
        {
            state.Add(EntityType.Zip, start, end, 0.93, Name);
        }
    }

    /// <summary>Start of a state abbreviation or name right before <paramref name="zipStart"/> ("IL 62704",
    /// "Illinois, 62704"), or -1.</summary>
    private static int StateBefore(ReadOnlySpan<char> text, int zipStart)
    {
        var p = zipStart;
        while (p > 0 && text[p - 1] is ' ' or ',' or '\u00A0' && zipStart - p < 3)
        {
            p--;
        }

        var wordStart = CueWords.WordStartBefore(text, p);
        if (wordStart == p)
        {
            return -1;
        }

        var word = text[wordStart..p];
        if (word.Length == 2 && AddressWords.StateAbbreviation.Contains(word))
        {
            return wordStart;
        }

        // "spokane, wa 99215": in lower case only right after a comma.
        if (word.Length == 2 && AddressWords.StateAbbreviationIgnoreCase.Contains(word) && wordStart >= 2 && text[wordStart - 1] == ' ' && text[wordStart - 2] == ',')
        {
            return wordStart;
        }

        if (IsStateName(word.ToString()))
        {
            return wordStart;
        }

        // Two-word states: "New York 10001".
        if (wordStart > 1 && text[wordStart - 1] == ' ')
        {
            var prevStart = CueWords.WordStartBefore(text, wordStart - 1);
            if (prevStart < wordStart - 1 && IsStateName(text[prevStart..p].ToString()))
            {
                return prevStart;
            }
        }

        return -1;
    }

    private static bool IsStateName(string candidate) => AddressWords.StateNames.Contains(candidate);

    /// <summary>Start of "City" in "City, ST" / "City ST" before <paramref name="stateStart"/>: one to three
    /// capitalized words on the same line, or -1.</summary>
    private static int CityBefore(ReadOnlySpan<char> text, int stateStart)
    {
        var afterComma = stateStart >= 2 && text[stateStart - 1] == ' ' && text[stateStart - 2] == ',';
        var p = stateStart;
        while (p > 0 && text[p - 1] is ' ' or ',' && stateStart - p < 3)
        {
            p--;
        }

        var cityStart = -1;
        for (var w = 0; w < 3; w++)
        {
            var wordStart = CueWords.WordStartBefore(text, p);
            if (wordStart == p || !(char.IsUpper(text[wordStart]) || (afterComma && char.IsLetter(text[wordStart]))))
            {
                break;
            }

            cityStart = wordStart;
            p = wordStart;
            if (p < 2 || text[p - 1] != ' ' || !char.IsLetter(text[p - 2]))
            {
                break;
            }

            p--;
        }

        return cityStart;
    }

    private static int ExtendUnit(ReadOnlySpan<char> text, int end)
    {
        var p = end;
        if (p < text.Length && text[p] == ',')
        {
            p++;
        }

        if (p < text.Length && text[p] == ' ')
        {
            p++;
        }

        if (p >= text.Length)
        {
            return end;
        }

        int designatorEnd;
        if (text[p] == '#')
        {
            designatorEnd = p + 1;
        }
        else
        {
            var word = Word.Read(text, p);
            if (word.Length == 0 || !AddressWords.Unit.Contains(text[word.Start..word.End]) || text[word.Start..word.End].Equals("no", StringComparison.OrdinalIgnoreCase))
            {
                return end;
            }

            designatorEnd = word.End;
        }

        var q = designatorEnd;
        while (q < text.Length && text[q] is '.' or ' ' or '#' && q - designatorEnd < 3)
        {
            q++;
        }

        if (q >= text.Length || !char.IsLetterOrDigit(text[q]))
        {
            return end;
        }

        var unit = Word.Read(text, q);
        var unitEnd = unit.End;
        if (unitEnd < text.Length && text[unitEnd] == '-' && unitEnd + 1 < text.Length && char.IsLetterOrDigit(text[unitEnd + 1]))
        {
            unitEnd = Word.Read(text, unitEnd + 1).End;
        }

        return unit.Length <= 8 ? unitEnd : end;
    }

    private static int ExtendCityState(ReadOnlySpan<char> text, int end)
    {
        var p = end;
        if (p >= text.Length || text[p] != ',')
        {
            return end;
        }

        p++;
        while (p < text.Length && text[p] == ' ')
        {
            p++;
        }

        var cityWords = 0;
        while (cityWords < 3 && p < text.Length && char.IsLetter(text[p]))
        {
            var word = Word.Read(text, p);
            p = word.End;
            cityWords++;
            var afterWord = p;
            if (p < text.Length && text[p] == ',')
            {
                p++;
            }

            while (p < text.Length && text[p] == ' ')
            {
                p++;
            }

            var commaBefore = p >= 2 && text[p - 2] == ',';
            if (p + 2 <= text.Length && (p + 2 == text.Length || !char.IsLetter(text[p + 2]))
                && (AddressWords.StateAbbreviation.Contains(text.Slice(p, 2)) || (commaBefore && AddressWords.StateAbbreviationIgnoreCase.Contains(text.Slice(p, 2)))))
            {
                return p + 2;
            }

            var next = p < text.Length && char.IsLetter(text[p]) ? Word.Read(text, p) : default;
            if (next.Length > 2 && IsStateName(text[next.Start..next.End].ToString()))
            {
                return next.End;
            }

            if (afterWord < text.Length && text[afterWord] != ' ')
            {
                break;
            }
        }

        return end;
    }

    private static bool IsOrdinal(ReadOnlySpan<char> token) =>
        token.Length >= 3 && (token.EndsWith("st", StringComparison.OrdinalIgnoreCase) || token.EndsWith("nd", StringComparison.OrdinalIgnoreCase)
            || token.EndsWith("rd", StringComparison.OrdinalIgnoreCase) || token.EndsWith("th", StringComparison.OrdinalIgnoreCase))
            && char.IsAsciiDigit(token[0]);
}

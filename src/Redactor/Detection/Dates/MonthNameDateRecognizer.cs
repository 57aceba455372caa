using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Dates;

/// <summary>
/// Dates written with a month name: "March 14th, 2024", "Mar. 14", "14 Mar 1962", "14-Mar-1962",
/// "the 14th of March", "March 2024". A month name alone, or "May" as a verb, is not a date.
/// </summary>
internal sealed class MonthNameDateRecognizer : IWordRecognizer
{
    public string Name => "date";

    public void Inspect(ReadOnlySpan<char> text, in Word word, ScanState state)
    {
        // Every month name starts with one of J F M A S O N D: a cheap test before the dictionary.
        if (word.HasDigit || word.Length is < 3 or > 9 || (text[word.Start] | 0x20) is not ('j' or 'f' or 'm' or 'a' or 's' or 'o' or 'n' or 'd')
            || !DateCues.MonthLookup.ContainsKey(text[word.Start..word.End]))
        {
            return;
        }

        var token = text[word.Start..word.End];
        var ambiguousWord = token.Equals("may", StringComparison.Ordinal) || token.Equals("mar", StringComparison.Ordinal)
            || token.Equals("jan", StringComparison.Ordinal) || token.Equals("dec", StringComparison.Ordinal);

        // Lower-case "may", "mar", "jan", "dec" are words or names far more often than months: only
        // hyphen-glued to a day ("30-dec-2024") are they months.
        if (ambiguousWord && !(word.Start > 0 && text[word.Start - 1] == '-' && word.End < text.Length && text[word.End] == '-')
            && !FollowedByDayOrYear(text, word.End))
        {
            return;
        }

        var start = word.Start;
        var end = -1;

        // Forward: Month [.] [the] Day[suffix] [, Year] | Month [,] Year
        var p = SkipPunctuation(text, word.End, allowDot: true);
        p = SkipWord(text, p, "the");
        var afterOf = SkipWord(text, p, "of"); // "April of 2021"
        if (ReadNumber(text, p, out var value, out var numberEnd, out var digitCount))
        {
            var afterNumber = SkipOrdinalSuffix(text, numberEnd);
            if (digitCount <= 2 && value is >= 1 and <= 31 && !FollowedByTimeOrDecimal(text, afterNumber))
            {
                end = afterNumber;
                var q = SkipPunctuation(text, afterNumber, allowDot: false);
                if (ReadNumber(text, q, out var year, out var yearEnd, out var yearDigits) && yearDigits == 4 && year is >= 1900 and <= 2099)
                {
                    end = yearEnd;
                }
            }
            else if (digitCount == 4 && value is >= 1900 and <= 2099)
            {
                end = numberEnd;
            }
        }
        else if (afterOf != p && ReadNumber(text, afterOf, out var ofYear, out var ofYearEnd, out var ofDigits) && ofDigits == 4 && ofYear is >= 1900 and <= 2099)
        {
            end = ofYearEnd;
        }

        // Backward: Day[suffix] [of] [the] Month
        var dayStart = DayBefore(text, word.Start);
        if (dayStart >= 0)
        {
            start = dayStart;
            if (end < 0)
            {
                end = word.End;
                var q = SkipPunctuation(text, word.End, allowDot: true);
                if (ReadNumber(text, q, out var year, out var yearEnd, out var yearDigits) && yearDigits == 4 && year is >= 1900 and <= 2099)
                {
                    end = yearEnd;
                }
            }
        }

        if (end > 0)
        {
            state.Add(EntityType.Date, start, end, 0.93, Name);
        }
    }

    /// <summary>"may 2, 2025", "dec 2023", "mar 18.": a day (1–31, then a comma, a full stop or the end of
    /// the line) or a four-digit year right after the word.</summary>
    private static bool FollowedByDayOrYear(ReadOnlySpan<char> text, int end)
    {
        if (end + 2 > text.Length || text[end] != ' ' || !char.IsAsciiDigit(text[end + 1]))
        {
            return false;
        }

        if (!ReadNumber(text, end + 1, out var value, out var numberEnd, out var digits))
        {
            return false;
        }

        var closes = numberEnd >= text.Length || text[numberEnd] is ',' or '.' or '\n' or ')' or ';';
        return (digits <= 2 && value is >= 1 and <= 31 && closes) || (digits == 4 && value is >= 1900 and <= 2099);
    }

    private static int DayBefore(ReadOnlySpan<char> text, int monthStart)
    {
        var p = monthStart;
        while (p > 0 && text[p - 1] is ' ' or '-' or '\u00A0' && monthStart - p < 2)
        {
            p--;
        }

        // "the 14th of March"
        if (p >= 3 && text.Slice(p - 2, 2).Equals("of", StringComparison.OrdinalIgnoreCase) && text[p - 3] == ' ')
        {
            p -= 3;
        }

        var end = p;
        while (p > 0 && char.IsAsciiLetter(text[p - 1]) && end - p < 2)
        {
            p--;
        }

        var suffix = text[p..end];
        if (suffix.Length > 0 && !IsOrdinalSuffix(suffix))
        {
            return -1;
        }

        var digitsEnd = p;
        while (p > 0 && char.IsAsciiDigit(text[p - 1]) && digitsEnd - p < 3)
        {
            p--;
        }

        if (digitsEnd - p is < 1 or > 2 || (p > 0 && (char.IsLetterOrDigit(text[p - 1]) || text[p - 1] is '/' or '.' or ':')))
        {
            return -1;
        }

        var day = int.Parse(text[p..digitsEnd], System.Globalization.CultureInfo.InvariantCulture);
        return day is >= 1 and <= 31 && (suffix.Length > 0 || end == monthStart - 1 || text[end] is ' ' or '-') ? p : -1;
    }

    private static bool ReadNumber(ReadOnlySpan<char> text, int p, out int value, out int end, out int digits)
    {
        value = 0;
        end = p;
        while (end < text.Length && char.IsAsciiDigit(text[end]) && end - p < 5)
        {
            value = (value * 10) + (text[end] - '0');
            end++;
        }

        digits = end - p;
        return digits > 0 && (end >= text.Length || !char.IsAsciiDigit(text[end]));
    }

    private static int SkipPunctuation(ReadOnlySpan<char> text, int p, bool allowDot)
    {
        if (allowDot && p < text.Length && text[p] == '.')
        {
            p++;
        }

        if (p < text.Length && text[p] is ',' or '-')
        {
            p++;
        }

        while (p < text.Length && text[p] is ' ' or '\u00A0' && p < text.Length)
        {
            p++;
        }

        return p;
    }

    private static int SkipWord(ReadOnlySpan<char> text, int p, string word) =>
        p + word.Length < text.Length && text.Slice(p, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase) && text[p + word.Length] == ' '
            ? p + word.Length + 1
            : p;

    private static int SkipOrdinalSuffix(ReadOnlySpan<char> text, int p) =>
        p + 2 <= text.Length && IsOrdinalSuffix(text.Slice(p, 2)) && (p + 2 == text.Length || !char.IsLetter(text[p + 2])) ? p + 2 : p;

    private static bool IsOrdinalSuffix(ReadOnlySpan<char> s) =>
        s.Equals("st", StringComparison.OrdinalIgnoreCase) || s.Equals("nd", StringComparison.OrdinalIgnoreCase)
        || s.Equals("rd", StringComparison.OrdinalIgnoreCase) || s.Equals("th", StringComparison.OrdinalIgnoreCase);

    private static bool FollowedByTimeOrDecimal(ReadOnlySpan<char> text, int p) =>
        p + 1 < text.Length && text[p] is ':' or '.' && char.IsAsciiDigit(text[p + 1]);
}

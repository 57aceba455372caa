namespace PrivateInference.Redactor.Detection.Identifiers;

/// <summary>Vehicle identification numbers (ISO 3779, North American check digit in position 9).</summary>
internal static class Vin
{
    private static readonly int[] Weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length != 17)
        {
            return false;
        }

        var sum = 0;
        var letters = 0;
        var digits = 0;
        for (var i = 0; i < 17; i++)
        {
            var v = Transliterate(value[i]);
            if (v < 0)
            {
                return false;
            }

            letters += char.IsAsciiLetter(value[i]) ? 1 : 0;
            digits += char.IsAsciiDigit(value[i]) ? 1 : 0;
            sum += v * Weights[i];
        }

        var check = sum % 11;
        var expected = check == 10 ? 'X' : (char)('0' + check);
        return letters > 0 && digits >= 4 && char.ToUpperInvariant(value[8]) == expected;
    }

    private static int Transliterate(char c) => char.ToUpperInvariant(c) switch
    {
        >= '0' and <= '9' => c - '0',
        'A' or 'J' => 1,
        'B' or 'K' or 'S' => 2,
        'C' or 'L' or 'T' => 3,
        'D' or 'M' or 'U' => 4,
        'E' or 'N' or 'V' => 5,
        'F' or 'W' => 6,
        'G' or 'P' or 'X' => 7,
        'H' or 'Y' => 8,
        'R' or 'Z' => 9,
        _ => -1, // I, O, Q and anything else never appear in a VIN
    };
}

/// <summary>DEA registration numbers: two letters and seven digits whose last is a check digit.</summary>
internal static class Dea
{
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length != 9 || !char.IsAsciiLetterUpper(value[0]) || !(char.IsAsciiLetterUpper(value[1]) || value[1] == '9')
            || "ABCDEFGHJKLMPRSTUX".IndexOf(value[0]) < 0)
        {
            return false;
        }

        Span<int> d = stackalloc int[7];
        for (var i = 0; i < 7; i++)
        {
            if (!char.IsAsciiDigit(value[i + 2]))
            {
                return false;
            }

            d[i] = value[i + 2] - '0';
        }

        var sum = d[0] + d[2] + d[4] + (2 * (d[1] + d[3] + d[5]));
        return sum % 10 == d[6];
    }
}

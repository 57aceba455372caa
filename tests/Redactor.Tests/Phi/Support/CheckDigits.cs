namespace PrivateInference.Redactor.Tests.Phi.Support;

/// <summary>Check-digit arithmetic for the identifier tables, independent of the engine's own.</summary>
public static class CheckDigits
{
    private static readonly int[] VinWeights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>ISO 3779 / 49 CFR 565: position 9 is the weighted sum of the transliterated characters mod 11 (10 is X).</summary>
    public static bool IsVinValid(string vin)
    {
        if (vin.Length != 17)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < vin.Length; i++)
        {
            var value = VinValue(vin[i]);
            if (value < 0)
            {
                return false;
            }

            sum += value * VinWeights[i];
        }

        var remainder = sum % 11;
        return vin[8] == (remainder == 10 ? 'X' : (char)('0' + remainder));
    }

    /// <summary>DEA registration number: two letters, six digits and a check digit.</summary>
    public static bool IsDeaValid(string dea)
    {
        if (dea.Length != 9 || !char.IsAsciiLetterUpper(dea[0]) || !char.IsAsciiLetterUpper(dea[1]) || !dea[2..].All(char.IsAsciiDigit))
        {
            return false;
        }

        int D(int i) => dea[2 + i] - '0';
        var sum = D(0) + D(2) + D(4) + (2 * (D(1) + D(3) + D(5)));
        return sum % 10 == D(6);
    }

    /// <summary>GS1 mod-10 over a GTIN-14: weights 3 and 1 from the right, before the check digit.</summary>
    public static bool IsGtinValid(string gtin)
    {
        if (gtin.Length != 14 || !gtin.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 13; i++)
        {
            var digit = gtin[12 - i] - '0';
            sum += i % 2 == 0 ? digit * 3 : digit;
        }

        return (10 - (sum % 10)) % 10 == gtin[13] - '0';
    }

    private static int VinValue(char c) => c switch
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
        _ => -1,
    };
}

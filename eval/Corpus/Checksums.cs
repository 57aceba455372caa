namespace PrivateInference.Eval.Corpus;

/// <summary>The check digits real identifiers carry, so that a detector that validates them still fires.</summary>
internal static class Checksums
{
    /// <summary>The digit that makes <paramref name="payload"/> followed by it pass the Luhn check.</summary>
    public static char LuhnCheckDigit(string payload)
    {
        var sum = 0;
        var doubleIt = true;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var d = payload[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    public static bool LuhnValid(string digits) =>
        digits.Length > 1 && LuhnCheckDigit(digits[..^1]) == digits[^1];

    /// <summary>NPI: Luhn over the 80840 prefix and the first nine digits.</summary>
    public static char NpiCheckDigit(string nineDigits) => LuhnCheckDigit("80840" + nineDigits);

    /// <summary>DEA: (d1 + d3 + d5) + 2 × (d2 + d4 + d6), last digit.</summary>
    public static char DeaCheckDigit(string sixDigits)
    {
        var odd = (sixDigits[0] - '0') + (sixDigits[2] - '0') + (sixDigits[4] - '0');
        var even = (sixDigits[1] - '0') + (sixDigits[3] - '0') + (sixDigits[5] - '0');
        return (char)('0' + ((odd + (2 * even)) % 10));
    }

    /// <summary>GS1 mod-10 check digit (GTIN-14 and friends): weights 3,1,3,… from the right.</summary>
    public static char Gs1CheckDigit(string payload)
    {
        var sum = 0;
        var weight = 3;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            sum += (payload[i] - '0') * weight;
            weight = weight == 3 ? 1 : 3;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    // A..Z; I, O and Q never appear in a VIN.
    private const string VinLetterValues = "12345678.12345.7.923456789";
    private static readonly int[] VinWeights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>The ninth character of a VIN (ISO 3779 / 49 CFR 565), over the other sixteen.</summary>
    public static char VinCheckDigit(string vin17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (i == 8)
            {
                continue;
            }

            sum += VinValue(vin17[i]) * VinWeights[i];
        }

        var r = sum % 11;
        return r == 10 ? 'X' : (char)('0' + r);
    }

    private static int VinValue(char c)
    {
        if (c is >= '0' and <= '9')
        {
            return c - '0';
        }

        var value = c is >= 'A' and <= 'Z' ? VinLetterValues[c - 'A'] : '.';
        if (value == '.')
        {
            throw new ArgumentException("not a VIN character", nameof(c));
        }

        return value - '0';
    }

    /// <summary>The two IBAN check digits for a country code and BBAN (ISO 13616, mod 97).</summary>
    public static string IbanCheckDigits(string country, string bban)
    {
        var remainder = Mod97(bban + country + "00");
        return (98 - remainder).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool IbanValid(string iban)
    {
        var compact = iban.Replace(" ", "", StringComparison.Ordinal);
        return compact.Length > 4 && Mod97(compact[4..] + compact[..4]) == 1;
    }

    private static int Mod97(string alphanumeric)
    {
        var remainder = 0;
        foreach (var c in alphanumeric)
        {
            if (c is >= '0' and <= '9')
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                var value = char.ToUpperInvariant(c) - 'A' + 10;
                remainder = ((remainder * 100) + value) % 97;
            }
        }

        return remainder;
    }
}

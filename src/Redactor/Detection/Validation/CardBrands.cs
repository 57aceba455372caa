namespace PrivateInference.Redactor.Detection.Validation;

/// <summary>A card network's issuer identification number (IIN) range and allowed lengths.</summary>
/// <param name="Brand">Network name, for docs and tests.</param>
/// <param name="Low">Lowest prefix in the range (inclusive).</param>
/// <param name="High">Highest prefix in the range (inclusive); same number of digits as <paramref name="Low"/>.</param>
/// <param name="MinLength">Shortest PAN length.</param>
/// <param name="MaxLength">Longest PAN length.</param>
/// <param name="NeedsCue">True for short or legacy ranges that are only trusted beside card wording.</param>
internal sealed record IinRange(string Brand, string Low, string High, int MinLength, int MaxLength, bool NeedsCue = false)
{
    /// <summary>True when the PAN's leading digits fall in [Low, High] (equal-length digit strings compare
    /// numerically when compared character by character).</summary>
    public bool Contains(ReadOnlySpan<byte> digits)
    {
        if (digits.Length < Low.Length)
        {
            return false;
        }

        var aboveLow = false;
        var belowHigh = false;
        for (var i = 0; i < Low.Length; i++)
        {
            var d = digits[i];
            var lo = Low[i] - '0';
            var hi = High[i] - '0';
            if (!aboveLow && d < lo)
            {
                return false;
            }

            if (!belowHigh && d > hi)
            {
                return false;
            }

            aboveLow |= d > lo;
            belowHigh |= d < hi;
        }

        return true;
    }
}

/// <summary>Issuer ranges of the card networks (ISO/IEC 7812 IINs as the networks publish them).</summary>
internal static class CardBrands
{
    /// <summary>Ranges checked in order; the first whose prefix and length fit names the brand.</summary>
    public static IReadOnlyList<IinRange> Ranges { get; } =
    [
        new("Visa", "4", "4", 13, 19),
        new("Mastercard", "51", "55", 16, 16),
        new("Mastercard", "2221", "2720", 16, 16),
        new("American Express", "34", "34", 15, 15),
        new("American Express", "37", "37", 15, 15),
        new("Discover", "6011", "6011", 16, 19),
        new("Discover", "644", "649", 16, 19),
        new("Discover", "65", "65", 16, 19),
        new("JCB", "3528", "3589", 16, 19),
        new("JCB", "2131", "2131", 15, 15),
        new("JCB", "1800", "1800", 15, 15),
        new("Diners Club", "300", "305", 14, 19),
        new("Diners Club", "3095", "3095", 14, 19),
        new("Diners Club", "36", "36", 14, 19),
        new("Diners Club", "38", "39", 14, 19),
        new("UnionPay", "62", "62", 16, 19),
        new("UnionPay", "81", "81", 16, 19),
        new("RuPay", "60", "60", 16, 16),
        new("RuPay", "82", "82", 16, 16),
        new("Mir", "2200", "2204", 16, 19),
        new("Maestro", "50", "50", 13, 19),
        new("Maestro", "56", "69", 13, 19),
        // Maestro also issues 12-digit cards; with so few digits a Luhn match is weak evidence, so these
        // need card wording nearby.
        new("Maestro", "5018", "5018", 12, 12, NeedsCue: true),
        new("Maestro", "5020", "5020", 12, 12, NeedsCue: true),
        new("Maestro", "5038", "5038", 12, 12, NeedsCue: true),
        new("Maestro", "5893", "5893", 12, 12, NeedsCue: true),
        new("Maestro", "6304", "6304", 12, 12, NeedsCue: true),
        new("Maestro", "6759", "6759", 12, 12, NeedsCue: true),
        new("Maestro", "6761", "6763", 12, 12, NeedsCue: true),
        new("Maestro", "0604", "0604", 12, 12, NeedsCue: true),
        new("Maestro", "6390", "6390", 12, 12, NeedsCue: true),
    ];

    /// <summary>The first range that the digits' prefix and length fit, or null.</summary>
    public static IinRange? Match(ReadOnlySpan<byte> digits)
    {
        foreach (var range in Ranges)
        {
            if (digits.Length >= range.MinLength && digits.Length <= range.MaxLength && range.Contains(digits))
            {
                return range;
            }
        }

        return null;
    }
}

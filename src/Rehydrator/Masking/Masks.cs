using System.Globalization;
using System.Text;

namespace PrivateInference.Rehydrator.Masking;

/// <summary>
/// The masked forms shown under the <c>mask</c> action: at most what each rule allows, and for anything that does not
/// have the expected shape, less.
/// </summary>
/// <remarks>
/// <para>Rules (<c>*</c> replaces a hidden character; spaces and the separators <c>- . / ( ) +</c> keep their places, so a
/// masked value keeps the layout it was written in; any other character is hidden):</para>
/// <list type="table">
/// <item><term>PAN</term><description>the last four digits, when the value has 12–19 digits (PCI DSS allows at most the
/// first six and last four; we show only the last four): <c>**** **** **** 1111</c>, <c>************1111</c>. Otherwise
/// every digit hidden.</description></item>
/// <item><term>SSN</term><description>the last four digits of exactly nine: <c>***-**-6789</c>; otherwise all hidden.</description></item>
/// <item><term>PERSON</term><description>initials, one per word: <c>J. S.</c>; <c>[PERSON]</c> when no word has a letter.</description></item>
/// <item><term>DATE</term><description>the year, when the value holds exactly one stand-alone four-digit year (1800–2199):
/// <c>2024</c>; otherwise <c>[DATE]</c>.</description></item>
/// <item><term>AGE</term><description><c>90+</c> for an age of 90 or more (HIPAA Safe Harbor's aggregate); otherwise <c>[AGE]</c>.</description></item>
/// <item><term>PHONE</term><description>the last two digits, when the value has at least seven: <c>(***) ***-**67</c>.</description></item>
/// <item><term>ACCOUNT_NUMBER, IBAN, MRN, HEALTH_PLAN_ID, LICENSE_NUMBER, DEVICE_ID, VIN</term><description>the last four
/// letters or digits, when the value has at least eight: <c>********4821</c>; otherwise all hidden.</description></item>
/// <item><term>EMAIL</term><description>the first character of the local part and the top-level domain: <c>j***@***.com</c>;
/// <c>[EMAIL]</c> when it is not shaped like an address.</description></item>
/// <item><term>ZIP, ADDRESS, URL, IP_ADDRESS, EXPIRY, any other type</term><description><c>[TYPE]</c>: no partial form is
/// safe enough (three-digit ZIPs are Safe Harbor only outside sparse areas, which needs census data we do not ship).</description></item>
/// </list>
/// </remarks>
public static class Masks
{
    /// <summary>The character that stands for a hidden letter or digit.</summary>
    public const char Hidden = '*';

    /// <summary>The masked form of <paramref name="value"/>, a value of <paramref name="entityType"/>.</summary>
    public static string Mask(string entityType, string value)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(value);
        return entityType switch
        {
            "PAN" => KeepLast(value, keep: 4, char.IsDigit, count => count is >= 12 and <= 19),
            "SSN" => KeepLast(value, keep: 4, char.IsDigit, count => count == 9),
            "PHONE" => KeepLast(value, keep: 2, char.IsDigit, count => count >= 7),
            "ACCOUNT_NUMBER" or "IBAN" or "MRN" or "HEALTH_PLAN_ID" or "LICENSE_NUMBER" or "DEVICE_ID" or "VIN" =>
                KeepLast(value, keep: 4, char.IsLetterOrDigit, count => count >= 8),
            "PERSON" => Initials(value) ?? Placeholder(entityType),
            "DATE" => Year(value) ?? Placeholder(entityType),
            "AGE" => NinetyOrMore(value) ? "90+" : Placeholder(entityType),
            "EMAIL" => Email(value) ?? Placeholder(entityType),
            _ => Placeholder(entityType),
        };
    }

    /// <summary><c>[TYPE]</c>: what stands for a value no partial form of which may be shown.</summary>
    public static string Placeholder(string entityType) => string.Concat("[", entityType, "]");

    /// <summary>Hides every counted character but the last <paramref name="keep"/> (all of them when the count is not
    /// <paramref name="plausible"/>); keeps layout separators; hides anything else.</summary>
    private static string KeepLast(string value, int keep, Func<char, bool> counted, Func<int, bool> plausible)
    {
        var total = 0;
        foreach (var c in value)
        {
            if (counted(c))
            {
                total++;
            }
        }

        var shownFrom = plausible(total) ? total - keep : int.MaxValue;
        var result = new StringBuilder(value.Length);
        var seen = 0;
        foreach (var c in value)
        {
            if (counted(c))
            {
                result.Append(seen++ >= shownFrom ? c : Hidden);
            }
            else
            {
                result.Append(IsSeparator(c) ? c : Hidden);
            }
        }

        return result.ToString();
    }

    private static bool IsSeparator(char c) => c is ' ' or '-' or '.' or '/' or '(' or ')' or '+';

    private static string? Initials(string value)
    {
        var initials = new List<string>();
        foreach (var word in value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word.AsSpan();
            while (!rest.IsEmpty && Rune.DecodeFromUtf16(rest, out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                if (Rune.IsLetter(rune))
                {
                    initials.Add(Rune.ToUpperInvariant(rune) + ".");
                    break;
                }

                rest = rest[used..];
            }
        }

        return initials.Count == 0 ? null : string.Join(' ', initials);
    }

    private static string? Year(string value)
    {
        string? year = null;
        for (var i = 0; i < value.Length;)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
            }

            if (i - start == 4 && int.Parse(value.AsSpan(start, 4), CultureInfo.InvariantCulture) is >= 1800 and <= 2199)
            {
                var found = value.Substring(start, 4);
                if (year is not null && year != found)
                {
                    return null;
                }

                year = found;
            }
        }

        return year;
    }

    private static bool NinetyOrMore(string value)
    {
        var start = 0;
        while (start < value.Length && !char.IsAsciiDigit(value[start]))
        {
            start++;
        }

        var end = start;
        while (end < value.Length && char.IsAsciiDigit(value[end]))
        {
            end++;
        }

        return end > start && end - start <= 3 && int.Parse(value.AsSpan(start, end - start), CultureInfo.InvariantCulture) >= 90;
    }

    private static string? Email(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return null;
        }

        var domain = value.AsSpan(at + 1).Trim();
        var dot = domain.LastIndexOf('.');
        if (dot <= 0 || dot == domain.Length - 1)
        {
            return null;
        }

        var topLevel = domain[(dot + 1)..];
        foreach (var c in topLevel)
        {
            if (!char.IsAsciiLetter(c))
            {
                return null;
            }
        }

        return string.Concat(value.AsSpan(0, 1), "***@***.", topLevel);
    }
}

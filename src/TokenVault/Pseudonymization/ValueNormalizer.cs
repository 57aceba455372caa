using System.Text;

namespace PrivateInference.TokenVault.Pseudonymization;

/// <summary>
/// The form of a value that decides its token: two spellings of one value ("4111 1111 1111 1111" and
/// "4111-1111-1111-1111", "Jane  DOE" and "jane doe") get the same token. The fingerprint is computed over
/// this form; the vault stores the value as first seen.
/// </summary>
/// <remarks>
/// Rules per type: card and other numbers keep digits only; codes (MRN, plan and account IDs, licences, device
/// IDs, VINs, IBANs) keep letters and digits, upper-cased; names, addresses and everything else are
/// case-folded with runs of white space made one space; e-mail addresses are lower-cased. Unicode
/// normalization forms are not unified (the product runs with invariant globalization): "é" precomposed and
/// decomposed are two values.
/// </remarks>
public static class ValueNormalizer
{
    public static string Normalize(string entityType, string value)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(value);
        return entityType switch
        {
            "PAN" or "SSN" or "PHONE" or "ZIP" or "AGE" => Keep(value, static c => char.IsAsciiDigit(c), upper: false),
            "MRN" or "ACCOUNT_NUMBER" or "HEALTH_PLAN_ID" or "LICENSE_NUMBER" or "DEVICE_ID" or "VIN" or "IBAN" =>
                Keep(value, static c => char.IsAsciiLetterOrDigit(c), upper: true),
            "EMAIL" => value.Trim().ToLowerInvariant(),
            _ => FoldSpaceAndCase(value),
        };
    }

    private static string Keep(string value, Func<char, bool> keep, bool upper)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (keep(c))
            {
                builder.Append(upper ? char.ToUpperInvariant(c) : c);
            }
        }

        // A value with nothing to keep ("n/a") stays distinct from the empty string.
        return builder.Length > 0 ? builder.ToString() : FoldSpaceAndCase(value);
    }

    private static string FoldSpaceAndCase(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }
}

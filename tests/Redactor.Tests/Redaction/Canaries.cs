using System.Security.Cryptography;

namespace PrivateInference.Redactor.Tests.Redaction;

/// <summary>Unique fake values for one test: a Luhn-valid test PAN, an SSN, a CVV and a surname, in a payments note.</summary>
internal sealed class Canaries
{
    private Canaries(string panPlain, string ssn, string cvv, string surname)
    {
        PanPlain = panPlain;
        Ssn = ssn;
        Cvv = cvv;
        Surname = surname;
    }

    public string PanPlain { get; }

    public string PanDashed => $"{PanPlain[..4]}-{PanPlain[4..8]}-{PanPlain[8..12]}-{PanPlain[12..]}";

    public string Ssn { get; }

    public string Cvv { get; }

    public string Surname { get; }

    public string PaymentsNote =>
        $"Dispute call with Maria {Surname}. Card {PanDashed}, CVV {Cvv}. SSN {Ssn} on file.";

    public static Canaries Create()
    {
        // Visa test range, random middle, Luhn check digit.
        var digits = "4111" + string.Concat(Enumerable.Range(0, 11).Select(_ => RandomNumberGenerator.GetInt32(10)));
        var pan = digits + Luhn(digits);
        var ssn = $"{RandomNumberGenerator.GetInt32(100, 666):D3}-{RandomNumberGenerator.GetInt32(10, 99):D2}-{RandomNumberGenerator.GetInt32(1000, 9999):D4}";
        var cvv = RandomNumberGenerator.GetInt32(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] surnames = ["Whitfield", "Okonkwo", "Castellanos", "Lindqvist", "Abernathy", "Delacroix", "Nakamura", "Fitzgerald"];
        return new Canaries(pan, ssn, cvv, surnames[RandomNumberGenerator.GetInt32(surnames.Length)]);
    }

    /// <summary>The canaries (in their written and plain forms) that occur in <paramref name="text"/>.</summary>
    public IReadOnlyList<string> FoundIn(string text) =>
        new[] { PanPlain, PanDashed, PanPlain[4..12], Ssn, Ssn.Replace("-", string.Empty, StringComparison.Ordinal), Surname }
            .Where(v => text.Contains(v, StringComparison.Ordinal)).ToArray();

    private static char Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }
}

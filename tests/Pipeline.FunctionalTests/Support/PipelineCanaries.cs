using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PrivateInference.Pipeline.FunctionalTests.Support;

/// <summary>Unique fake values for one fixture run, two notes that carry them, and the check that none appears in a
/// text (also as UTF-8 and UTF-16 hex, as database dumps show bytes).</summary>
internal sealed class PipelineCanaries
{
    private static readonly string[] Given = ["Harriet", "Desmond", "Rosalind", "Leopold", "Winifred", "Ambrose", "Cordelia", "Thaddeus"];
    private static readonly string[] Family = ["Whitfield", "Okonkwo", "Castellanos", "Lindqvist", "Abernathy", "Delacroix", "Nakamura", "Fitzgerald"];

    public PipelineCanaries()
    {
        Pan = RandomPan();
        Ssn = $"{RandomNumberGenerator.GetInt32(100, 666):D3}-{RandomNumberGenerator.GetInt32(10, 99):D2}-{RandomNumberGenerator.GetInt32(1000, 9999):D4}";
        Mrn = RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        Phone = $"(212) 555-{RandomNumberGenerator.GetInt32(1000, 9999):D4}";
        Email = $"pt{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}@example.org";
        Cvv = RandomNumberGenerator.GetInt32(100, 999).ToString(CultureInfo.InvariantCulture);
        Patient = $"{Given[RandomNumberGenerator.GetInt32(Given.Length)]} {Family[RandomNumberGenerator.GetInt32(Family.Length)]}";
    }

    /// <summary>16 digits, Visa test range, Luhn-valid, no separators.</summary>
    public string Pan { get; }

    public string PanSpaced => $"{Pan[..4]} {Pan[4..8]} {Pan[8..12]} {Pan[12..]}";

    public string PanDashed => $"{Pan[..4]}-{Pan[4..8]}-{Pan[8..12]}-{Pan[12..]}";

    public string Ssn { get; }

    public string Mrn { get; }

    public string Phone { get; }

    public string Email { get; }

    public string Cvv { get; }

    public string Patient { get; }

    public string Surname => Patient.Split(' ')[1];

    public string ClinicalNote =>
        $"Patient {Patient} (MRN {Mrn}) was seen in clinic today for follow-up.\n" +
        $"Call back at {Phone} or e-mail {Email}. SSN {Ssn} on the intake form.\n" +
        $"Copay charged to card {PanSpaced}.\n";

    public string PaymentsNote =>
        $"Cardholder {Patient} disputes a charge on card {PanDashed}.\n" +
        $"Reach the cardholder at {Email}; SSN {Ssn} verified.\n";

    /// <summary>Every canary form that must never appear outside the notes and authorized answers.</summary>
    public IEnumerable<string> Forms =>
        new[] { Pan, PanSpaced, PanDashed, Pan[4..12], Ssn, Ssn.Replace("-", string.Empty, StringComparison.Ordinal), Mrn, Phone, Phone[^8..], Email, Patient, Surname };

    /// <summary>The canary forms found in <paramref name="text"/>, as text, UTF-8 hex or UTF-16LE hex.</summary>
    public IReadOnlyList<string> FoundIn(string text)
    {
        var lower = text.ToLowerInvariant();
        return Forms.Where(f =>
                text.Contains(f, StringComparison.Ordinal)
                || lower.Contains(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(f)), StringComparison.Ordinal)
                || lower.Contains(Convert.ToHexStringLower(Encoding.Unicode.GetBytes(f)), StringComparison.Ordinal))
            .Select(f => $"canary of length {f.Length}")
            .ToList();
    }

    private static string RandomPan()
    {
        var digits = "4" + string.Concat(Enumerable.Range(0, 14).Select(_ => RandomNumberGenerator.GetInt32(10)));
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return digits + (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
